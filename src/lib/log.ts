import { pino, type Logger } from 'pino';

export type Log = Pick<Logger, 'info' | 'warn' | 'error' | 'debug' | 'child'>;

/** Paths whose values never reach a log line, wherever they appear in a logged object. */
const REDACT = [
  'password',
  'secretAccessKey',
  'secret',
  'token',
  'sessionToken',
  'authorization',
  'cookie',
  '*.password',
  '*.secretAccessKey',
  '*.secret',
  '*.token',
  '*.sessionToken',
  '*.authorization',
  '*.cookie',
  'headers.authorization',
  'headers.cookie',
];

/** Structured JSON log lines on stderr (stdout stays free for command output). */
export function createLog(
  level: string = 'info',
  destination: NodeJS.WritableStream = process.stderr,
): Logger {
  return pino(
    {
      level,
      base: { service: 'cloudtally' },
      redact: { paths: REDACT, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

export const silentLog: Logger = pino({ level: 'silent' });
