import type { Command } from 'commander';
import { createAppContext } from '../app/context.js';
import { startServer } from '../api/server.js';
import { runUntilSignal } from './lifecycle.js';
import { action, configFrom, withStoreFlags, type StoreFlags } from './common.js';

export interface ServeFlags extends StoreFlags {
  port?: string;
  host?: string;
  worker?: boolean;
  trustProxy?: boolean;
  publicUrl?: string;
}

/** Runs until SIGINT/SIGTERM, then stops accepting requests, finishes open ones and closes the store. */
export async function serve(flags: ServeFlags): Promise<void> {
  const config = configFrom(flags, {
    port: flags.port,
    host: flags.host,
    worker: flags.worker === false ? false : undefined,
    trustProxy: flags.trustProxy,
    publicUrl: flags.publicUrl,
  });
  const ctx = await createAppContext(config);
  // `--no-worker`: this process serves the API only; `cloudtally worker` processes run the queued syncs.
  await ctx.sync.start({ worker: config.worker, scheduler: config.worker && config.scheduler });
  const server = await startServer(ctx, { port: config.port, host: config.host });
  ctx.notifications.setServerUrl(server.url);
  // Every process sends notifications: deliveries are leased, so processes share the outbox without doubles.
  ctx.notifications.start();
  // Signals are handled before the ready line is printed, so whoever waits for it may stop the server at once.
  const stopped = runUntilSignal(ctx.log, async () => {
    await server.close();
    await ctx.close();
  });
  process.stdout.write(`listening on ${server.url}\n`);
  ctx.log.info(
    {
      url: server.url,
      engine: ctx.store.describe().engine,
      dataDir: config.databaseUrl ? undefined : config.dataDir,
    },
    'listening',
  );
  await stopped;
}

export function registerServeCommand(program: Command): void {
  withStoreFlags(
    program
      .command('serve')
      .description('Run the API, the web dashboard, the sync scheduler and the MCP endpoint')
      .option('--port <n>', 'port to listen on (0 = any free port)')
      .option('--host <host>', 'address to bind (default 127.0.0.1)')
      .option('--no-worker', 'serve the API only; sync jobs are run by `cloudtally worker` processes')
      .option(
        '--trust-proxy',
        'behind a reverse proxy: honour its X-Forwarded-Proto and X-Forwarded-For headers (CLOUDTALLY_TRUST_PROXY)',
      )
      .option(
        '--public-url <url>',
        'the address users reach Cloudtally at; https:// makes the session cookie Secure (CLOUDTALLY_PUBLIC_URL)',
      ),
  ).action(action(async (flags: ServeFlags) => serve(flags)));
}
