import type { Command } from 'commander';
import { createAppContext } from '../app/context.js';
import { startServer } from '../api/server.js';
import { ERROR_MAP } from '../lib/errors.js';
import { action, configFrom, withStoreFlags, type StoreFlags } from './common.js';

/** How long a stopping server waits for open requests and background work. */
const SHUTDOWN_SECONDS = 20;

export interface ServeFlags extends StoreFlags {
  port?: string;
  host?: string;
  worker?: boolean;
}

/** Runs until SIGINT/SIGTERM, then stops accepting requests, finishes open ones and closes the store. */
export async function serve(flags: ServeFlags): Promise<void> {
  const config = configFrom(flags, {
    port: flags.port,
    host: flags.host,
    worker: flags.worker === false ? false : undefined,
  });
  const ctx = await createAppContext(config);
  // `--no-worker`: this process serves the API only; `cloudtally worker` processes run the queued syncs.
  await ctx.sync.start({ worker: config.worker, scheduler: config.worker && config.scheduler });
  const server = await startServer(ctx, { port: config.port, host: config.host });
  process.stdout.write(`listening on ${server.url}\n`);
  ctx.log.info(
    { url: server.url, engine: ctx.store.engine, dataDir: config.databaseUrl ? undefined : config.dataDir },
    'listening',
  );
  await new Promise<void>((resolve, reject) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        // A second signal means the operator does not want to wait for open requests.
        ctx.log.warn({ signal }, 'stopping at once');
        process.exit(ERROR_MAP.internal.exit);
      }
      stopping = true;
      ctx.log.info({ signal }, 'shutting down');
      const deadline = setTimeout(() => {
        ctx.log.error({ seconds: SHUTDOWN_SECONDS }, 'open requests did not finish; stopping anyway');
        process.exit(ERROR_MAP.internal.exit);
      }, SHUTDOWN_SECONDS * 1000);
      deadline.unref();
      void (async () => {
        await server.close();
        await ctx.close();
        clearTimeout(deadline);
        ctx.log.info('stopped');
        resolve();
      })().catch(reject);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}

export function registerServeCommand(program: Command): void {
  withStoreFlags(
    program
      .command('serve')
      .description('Run the API, the web dashboard, the sync scheduler and the MCP endpoint')
      .option('--port <n>', 'port to listen on (0 = any free port)')
      .option('--host <host>', 'address to bind (default 127.0.0.1)')
      .option('--no-worker', 'serve the API only; sync jobs are run by `cloudtally worker` processes'),
  ).action(action(async (flags: ServeFlags) => serve(flags)));
}
