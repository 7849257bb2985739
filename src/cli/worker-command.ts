import type { Command } from 'commander';
import { createAppContext } from '../app/context.js';
import { InputError } from '../lib/errors.js';
import { action, configFrom, withStoreFlags, type StoreFlags } from './common.js';
import { runUntilSignal } from './lifecycle.js';

interface WorkerFlags extends StoreFlags {
  concurrency?: string;
  scheduler?: boolean;
}

/** How long a stopping worker waits for its runs to hand themselves back to the queue. */
const GRACE_SECONDS = 15;

/** Claims and runs sync jobs from the PostgreSQL queue until SIGINT/SIGTERM. */
export async function runWorker(flags: WorkerFlags): Promise<void> {
  const config = configFrom(flags, {
    maxConcurrentSyncs: flags.concurrency,
    scheduler: flags.scheduler === false ? false : undefined,
  });
  if (!config.databaseUrl) {
    throw new InputError(
      'databaseUrl',
      'cloudtally worker runs sync jobs from a PostgreSQL queue: pass --database-url postgres://… (in the embedded mode `cloudtally serve` runs the syncs itself)',
    );
  }
  const ctx = await createAppContext(config);
  // Signals are handled before the ready line is printed, so a supervisor may stop the worker at once.
  const stopped = runUntilSignal(ctx.log, async () => {
    await ctx.sync.stop(GRACE_SECONDS * 1000);
    await ctx.close();
  });
  await ctx.sync.start({ worker: true, scheduler: config.scheduler });
  ctx.notifications.start();
  process.stdout.write(`worker ${ctx.sync.workerId ?? ''} started (${config.maxConcurrentSyncs} at once)\n`);
  ctx.log.info({ workerId: ctx.sync.workerId, concurrency: config.maxConcurrentSyncs }, 'worker started');
  await stopped;
}

export function registerWorkerCommand(program: Command): void {
  withStoreFlags(
    program
      .command('worker')
      .description(
        'Run sync jobs from the PostgreSQL queue (server mode); start any number of them on any machines',
      )
      .option(
        '--concurrency <n>',
        'runs this worker works on at once (default CLOUDTALLY_MAX_CONCURRENT_SYNCS or 2)',
      )
      .option('--no-scheduler', 'only run queued jobs; do not queue scheduled ones'),
  ).action(action(async (flags: WorkerFlags) => runWorker(flags)));
}
