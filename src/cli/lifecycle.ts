import type { Logger } from 'pino';
import { ERROR_MAP } from '../lib/errors.js';

/** How long a stopping process waits for open requests and background work. */
const SHUTDOWN_SECONDS = 20;

/**
 * Resolves after SIGINT/SIGTERM once `stop` has run: open requests finish, background work stops, stores
 * close. A second signal, or a stop that takes longer than the grace period, ends the process at once.
 */
export function runUntilSignal(log: Logger, stop: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let stoppingSince = 0;
    const onSignal = (signal: string) => {
      // Ctrl-C under `npm run` reaches this process twice (the terminal's process group and npm forwarding it);
      // only a signal that comes well after the first means "do not wait".
      if (stoppingSince && Date.now() - stoppingSince < 2000) return;
      if (stoppingSince) {
        log.warn({ signal }, 'stopping at once');
        process.exit(ERROR_MAP.internal.exit);
      }
      stoppingSince = Date.now();
      log.info({ signal }, 'shutting down');
      const deadline = setTimeout(() => {
        log.error({ seconds: SHUTDOWN_SECONDS }, 'open work did not finish; stopping anyway');
        process.exit(ERROR_MAP.internal.exit);
      }, SHUTDOWN_SECONDS * 1000);
      deadline.unref();
      stop()
        .then(() => {
          clearTimeout(deadline);
          log.info('stopped');
          resolve();
        })
        .catch(reject);
    };
    process.on('SIGINT', () => onSignal('SIGINT'));
    process.on('SIGTERM', () => onSignal('SIGTERM'));
  });
}
