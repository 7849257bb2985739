import type { Command } from 'commander';
import type { AppContext } from '../app/context.js';
import { ConflictError, ConnectionError, NotFoundError, type Diagnostic } from '../lib/errors.js';
import { STAGE_NAMES } from '../sync/sync-types.js';
import { connect, ok } from './client.js';
import { action, printJson, printTable, withStoreFlags, type StoreFlags } from './common.js';

interface ClientFlags {
  url?: string;
  token?: string;
}

/** The commands' requests: through a running server (CLOUDTALLY_URL) or the app in-process on the store. */
type Backend = Awaited<ReturnType<typeof backendFor>>;
type RunView = Awaited<ReturnType<Backend['get']>>;

const FINISHED = ['succeeded', 'partial', 'failed', 'cancelled', 'interrupted'];

/** The org of an account or a run: on a data directory that holds several, the one the command acts in. */
async function orgOf(ctx: AppContext, table: 'cloud_accounts' | 'sync_runs', id: string): Promise<string> {
  const orgId = await ctx.sync.organizationOf(table === 'cloud_accounts' ? { accountId: id } : { runId: id });
  if (!orgId) throw new NotFoundError(table === 'cloud_accounts' ? 'Cloud account' : 'Sync run', id);
  return orgId;
}

async function backendFor(
  flags: StoreFlags & ClientFlags,
  about: { table: 'cloud_accounts' | 'sync_runs'; id: string },
) {
  const { api, local, close } = await connect({
    ...flags,
    orgOf: (ctx) => orgOf(ctx, about.table, about.id),
  });
  return {
    async trigger(id: string) {
      const body = await ok(api.POST('/api/v1/cloud-accounts/{id}/sync', { params: { path: { id } } }));
      return { run: body, joined: body.joined };
    },
    get: (id: string) => ok(api.GET('/api/v1/sync-runs/{id}', { params: { path: { id } } })),
    async history(id: string, limit: number) {
      const body = await ok(
        api.GET('/api/v1/cloud-accounts/{id}/sync-runs', { params: { path: { id }, query: { limit } } }),
      );
      return body.items;
    },
    cancel: (id: string) => ok(api.POST('/api/v1/sync-runs/{id}/cancel', { params: { path: { id } } })),
    close,
    // On the embedded engine nobody else runs the queue when there is no server, so this process must.
    runLocally: local?.ctx.store.traits.soleProcess
      ? () => local.ctx.sync.start({ worker: true, scheduler: false })
      : undefined,
  };
}

/** `[#####-----] 2/5 billing 3/13 2026-10` — the share of stages done plus the share of the current one. */
export function progressLine(
  run: Pick<RunView, 'state' | 'stage' | 'progress' | 'stages'>,
  width = 24,
): string {
  const total = STAGE_NAMES.length;
  const finished = run.stages.filter((s) => !['waiting', 'running'].includes(s.state)).length;
  const current = run.stages.find((s) => s.state === 'running');
  const p = run.progress ?? {};
  const within = current && p.total ? Math.min(1, (p.done ?? 0) / p.total) : 0;
  const share = FINISHED.includes(run.state) ? 1 : Math.min(1, (finished + within) / total);
  const filled = Math.round(share * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  if (run.state === 'queued') return `${bar} queued`;
  const stage = current?.name ?? run.stage ?? '';
  const detail = [p.total ? `${p.done ?? 0}/${p.total}` : '', p.message ?? ''].filter(Boolean).join(' ');
  return `${bar} ${Math.min(finished + 1, total)}/${total} ${stage}${detail ? ` ${detail}` : ''}`.trimEnd();
}

function printStages(run: RunView): void {
  printTable(
    run.stages.map((s) => ({
      stage: s.name,
      state: s.state,
      seconds: s.durationMs === null ? '' : (s.durationMs / 1000).toFixed(1),
      counts: Object.entries(s.counts)
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
      diagnostic: s.diagnostics[0] ? `${s.diagnostics[0].code}: ${s.diagnostics[0].message}` : (s.note ?? ''),
    })),
    ['stage', 'state', 'seconds', 'counts', 'diagnostic'],
  );
}

/** The exit of `--wait`: 0 only when every stage that applies succeeded; the diagnostics say what to fix. */
function outcome(run: RunView): void {
  if (run.state === 'succeeded') return;
  if (run.state === 'partial' || run.state === 'failed') {
    const diagnostics: Diagnostic[] = run.stages
      .filter((s) => s.state === 'failed')
      .flatMap((s) => s.diagnostics);
    const first = run.error ?? diagnostics[0];
    if (first) {
      for (const d of diagnostics.slice(1))
        process.stderr.write(`also: ${d.code}: ${d.message}\nfix: ${d.remediation}\n`);
      throw new ConnectionError(
        {
          ...first,
          message: `Sync ${run.state === 'partial' ? 'partly failed' : 'failed'}: ${first.message}`,
        },
        diagnostics.length > 0 ? diagnostics : [first],
      );
    }
  }
  throw new ConflictError(`The sync run ended ${run.state}${run.error ? `: ${run.error.message}` : ''}`);
}

async function waitFor(backend: Backend, runId: string, showProgress: boolean): Promise<RunView> {
  const tty = showProgress && process.stderr.isTTY === true;
  let lastStage: string | null = null;
  for (;;) {
    const run = await backend.get(runId);
    if (tty) process.stderr.write(`\r\x1b[2K${progressLine(run)}`);
    else if (showProgress && run.stage !== lastStage && run.stage) process.stderr.write(`${run.stage}...\n`);
    lastStage = run.stage ?? lastStage;
    if (FINISHED.includes(run.state)) {
      if (tty) process.stderr.write('\n');
      return run;
    }
    await new Promise((r) => setTimeout(r, tty ? 300 : 1000));
  }
}

function withClientFlags(cmd: Command): Command {
  return withStoreFlags(cmd)
    .option('--url <url>', 'server URL (default CLOUDTALLY_URL)')
    .option('--token <token>', 'API token (default CLOUDTALLY_TOKEN)');
}

export function registerSyncCommands(program: Command): void {
  // `accounts` may already be registered by the accounts command group; the sync commands join it.
  const accounts =
    program.commands.find((c) => c.name() === 'accounts') ??
    program.command('accounts').description('Connected cloud accounts');

  withClientFlags(
    accounts
      .command('sync <id>')
      .description(
        'Sync an account now (validate, billing, inventory, metrics, recommendations). With --wait: follow it, show its stages, exit non-zero unless it fully succeeded',
      )
      .option('--wait', 'wait for the run to finish (progress bar on a terminal)')
      .option('--json', 'print the run as JSON'),
  ).action(
    action(async (id: string, flags: StoreFlags & ClientFlags & { wait?: boolean; json?: boolean }) => {
      const backend = await backendFor(flags, { table: 'cloud_accounts', id });
      try {
        const { run, joined } = await backend.trigger(id);
        if (!flags.wait) {
          if (flags.json) printJson({ ...run, joined });
          else process.stdout.write(`${joined ? 'joined queued' : 'queued'} sync run ${run.id}\n`);
          return;
        }
        if (backend.runLocally) await backend.runLocally();
        else if (!flags.json) process.stderr.write(`sync run ${run.id} ${joined ? '(joined) ' : ''}queued\n`);
        const done = await waitFor(backend, run.id, !flags.json);
        if (flags.json) printJson(done);
        else {
          process.stdout.write(`sync run ${done.id}: ${done.state}\n`);
          printStages(done);
        }
        outcome(done);
      } finally {
        await backend.close();
      }
    }),
  );

  withClientFlags(
    accounts
      .command('sync-runs <id>')
      .description("An account's sync runs, newest first")
      .option('--limit <n>', 'how many (default 20)', '20')
      .option('--json', 'print JSON'),
  ).action(
    action(async (id: string, flags: StoreFlags & ClientFlags & { limit: string; json?: boolean }) => {
      const backend = await backendFor(flags, { table: 'cloud_accounts', id });
      try {
        const items = await backend.history(id, Number(flags.limit));
        if (flags.json) printJson({ items });
        else
          printTable(
            items.map((r) => ({
              id: r.id,
              trigger: r.trigger,
              state: r.state,
              queued: r.queuedAt,
              finished: r.finishedAt,
              error: r.error ? `${r.error.code}: ${r.error.message}` : '',
            })),
            ['id', 'trigger', 'state', 'queued', 'finished', 'error'],
          );
      } finally {
        await backend.close();
      }
    }),
  );

  const runs = program.command('sync-runs').description('Sync runs');
  withClientFlags(
    runs.command('show <runId>').description('A sync run with its stages').option('--json', 'print JSON'),
  ).action(
    action(async (runId: string, flags: StoreFlags & ClientFlags & { json?: boolean }) => {
      const backend = await backendFor(flags, { table: 'sync_runs', id: runId });
      try {
        const run = await backend.get(runId);
        if (flags.json) printJson(run);
        else {
          process.stdout.write(`sync run ${run.id} (${run.cloudAccountId}): ${run.state}\n`);
          if (run.state === 'running') process.stdout.write(`${progressLine(run)}\n`);
          printStages(run);
        }
      } finally {
        await backend.close();
      }
    }),
  );
  withClientFlags(runs.command('cancel <runId>').description('Cancel a queued or running sync run')).action(
    action(async (runId: string, flags: StoreFlags & ClientFlags) => {
      const backend = await backendFor(flags, { table: 'sync_runs', id: runId });
      try {
        const run = await backend.cancel(runId);
        process.stdout.write(
          run.state === 'cancelled'
            ? `cancelled ${run.id}\n`
            : `cancel requested for ${run.id} (${run.state})\n`,
        );
      } finally {
        await backend.close();
      }
    }),
  );
}
