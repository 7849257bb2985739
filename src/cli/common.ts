import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import type { AppContext } from '../app/context.js';
import { loadConfig, type Config } from '../config/config.js';
import { ApiCallError } from '../api-client/client.js';
import { AppError, ERROR_MAP, errorKind, InputError } from '../lib/errors.js';
import { toAppError } from './api-errors.js';

export { printTable } from './output.js';

export interface StoreFlags {
  dataDir?: string;
  databaseUrl?: string;
  config?: string;
  logLevel?: string;
}

/** Adds the flags every command that opens the store takes. */
export function withStoreFlags(cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', 'data directory of the embedded engine (default ./.cloudtally)')
    .option('--database-url <url>', 'PostgreSQL URL (server mode)')
    .option('--config <file>', 'config file (JSON or YAML)')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|silent');
}

export interface ClientFlags {
  url?: string;
  token?: string;
}

/** Adds the flags of commands that can run through a server's API instead of on the database directly. */
export function withClientFlags(cmd: Command): Command {
  return cmd
    .option('--url <url>', 'URL of a running server (default CLOUDTALLY_URL); the command then uses its API')
    .option('--token <token>', 'API token for --url (default CLOUDTALLY_TOKEN)');
}

const STORE_FLAG_KEYS = ['dataDir', 'databaseUrl', 'logLevel'] as const;

/** The configuration from the store flags of a command plus any settings the command passes explicitly. */
export function configFrom(flags: StoreFlags, settings: Partial<Record<keyof Config, unknown>> = {}): Config {
  const picked: Partial<Record<keyof Config, unknown>> = {};
  for (const key of STORE_FLAG_KEYS) if (flags[key] !== undefined) picked[key] = flags[key];
  return loadConfig({ ...picked, ...settings, configFile: flags.config });
}

/** Opens the store directly (no server) for bootstrap commands; logs only warnings unless asked. */
export async function openContext(
  flags: StoreFlags,
  extra: Partial<Record<keyof Config, unknown>> = {},
): Promise<AppContext> {
  const config = configFrom({ logLevel: 'warn', ...flags }, { ...extra, scheduler: false });
  // Imported here, not at the top: the whole application (stores, AWS SDK, DuckDB) is needed only by commands that
  // open the data directory, and a command going through a server's API should start without it.
  const [{ createAppContext }, { createLog }] = await Promise.all([
    import('../app/context.js'),
    import('../lib/log.js'),
  ]);
  return createAppContext(config, { log: createLog(config.logLevel) });
}

export interface OrgFlags extends StoreFlags {
  url?: string;
  token?: string;
  org?: string;
  json?: boolean;
}

export function orgOptions(cmd: Command): Command {
  return withStoreFlags(cmd)
    .option(
      '--url <url>',
      'Cloudtally server (default CLOUDTALLY_URL); without one the data directory is read',
    )
    .option('--token <token>', 'API token (default CLOUDTALLY_TOKEN)')
    .option('--org <name>', 'organization, when reading a data directory that holds several')
    .option('--json', 'print JSON');
}

export async function withContext<T>(flags: StoreFlags, fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const ctx = await openContext(flags);
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

/** Asks on the terminal without echoing (for passwords). */
export async function promptHidden(question: string): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new InputError('password', 'No --password given and no terminal to ask on; pass --password');
  }
  const muted = new Writable({ write: (_chunk, _enc, cb) => cb() });
  process.stdout.write(question);
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
  try {
    const answer = await rl.question('');
    process.stdout.write('\n');
    return answer;
  } finally {
    rl.close();
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Runs a command action, turning errors into a clear message and the exit code of the error table. */
export function action<A extends unknown[]>(
  fn: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (thrown) {
      // An API answer other than 2xx becomes the error it stands for, with that error's exit code.
      const err = thrown instanceof ApiCallError ? toAppError(thrown) : thrown;
      const kind = errorKind(err);
      const message = err instanceof AppError || err instanceof Error ? err.message : String(err);
      process.stderr.write(`error: ${message}\n`);
      if (err instanceof AppError && 'diagnostic' in err) {
        const d = (err as { diagnostic?: { code?: string; step?: string; remediation?: string } }).diagnostic;
        if (d?.code) process.stderr.write(`code: ${d.code}${d.step ? ` (step ${d.step})` : ''}\n`);
        if (d?.remediation) process.stderr.write(`fix: ${d.remediation}\n`);
      }
      if (kind === 'internal' && process.env.CLOUDTALLY_DEBUG && err instanceof Error)
        process.stderr.write(`${err.stack}\n`);
      process.exitCode = ERROR_MAP[kind].exit;
    }
  };
}
