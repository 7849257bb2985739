import { newId } from '../../src/lib/ids.js';
import { AWS_FAILURES } from '../../src/providers/aws/sdk/aws-failures.js';
import { silentLog } from '../../src/lib/log.js';
import type { Store } from '../../src/store/store.js';
import {
  createSyncService,
  type SyncService,
  type SyncServiceDeps,
  type SyncSettings,
} from '../../src/sync/sync-service.js';
import type { StageContext, StageName, StageOutcome, SyncStages } from '../../src/sync/sync-types.js';

/** Inserts an organization and `n` cloud accounts straight into the store (the accounts service is not under test). */
export async function seedAccounts(
  store: Store,
  n: number,
  options: { orgName?: string; type?: string } = {},
): Promise<{ orgId: string; accountIds: string[] }> {
  const orgId = newId('org');
  const now = new Date();
  await store.execute(
    `INSERT INTO organizations (id, name, external_id, settings, created_at) VALUES ($1, $2, $3, '{}', $4)`,
    [orgId, options.orgName ?? `Org ${orgId}`, `ext-${orgId}`, now],
  );
  const accountIds: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = newId('acc');
    await store.execute(
      `INSERT INTO cloud_accounts (id, org_id, name, provider, type, aws_account_id, created_at, updated_at)
       VALUES ($1, $2, $3, 'aws', $4, $5, $6, $6)`,
      [id, orgId, `Account ${i}`, options.type ?? 'assumed_role', String(100000000000 + i), now],
    );
    accountIds.push(id);
  }
  return { orgId, accountIds };
}

export type FakeStage = (ctx: StageContext<unknown>) => Promise<StageOutcome>;

/** Stage functions that succeed with a count unless a test gives its own; every call is recorded. */
export function fakeStages(overrides: Partial<Record<StageName, FakeStage>> = {}): {
  stages: SyncStages<unknown>;
  calls: { stage: StageName; accountId: string; runId: string }[];
} {
  const calls: { stage: StageName; accountId: string; runId: string }[] = [];
  const make =
    (stage: StageName): FakeStage =>
    async (ctx) => {
      calls.push({ stage, accountId: ctx.account.id, runId: ctx.runId });
      const own = overrides[stage];
      if (own) return own(ctx);
      return { counts: { [stage]: 1 } };
    };
  return {
    calls,
    stages: {
      validate: async (ctx) => ({
        ...(await make('validate')(ctx as StageContext<unknown>)),
        session: 'session',
      }),
      billing: make('billing'),
      inventory: make('inventory'),
      metrics: make('metrics'),
      recommendations: make('recommendations'),
      // The accounts seeded are AWS accounts: their failures are told apart as the AWS provider's stages do.
      failures: () => AWS_FAILURES,
    },
  };
}

export const FAST: SyncSettings = {
  defaultIntervalMinutes: 360,
  concurrency: 2,
  leaseMs: 5_000,
  pollMs: 50,
  maxAttempts: 3,
  retry: { tries: 4, baseDelayMs: 5, maxDelayMs: 20 },
  progressIntervalMs: 10,
};

export function syncServiceFor(
  store: Store,
  stages: SyncStages<unknown>,
  settings: Partial<SyncSettings> = {},
  hooks: Pick<SyncServiceDeps<unknown>, 'onQueueChecked'> = {},
): SyncService {
  return createSyncService({
    store,
    clock: { now: () => new Date() },
    log: silentLog,
    stages,
    settings: { ...FAST, ...settings },
    ...hooks,
  });
}

/**
 * Counts the worker's looks at the queue (give `onQueueChecked` to syncServiceFor): `await checks.passes(2)` returns
 * once two more looks have ended, so at least one whole look began after the call — what a test needs before it
 * says a queued run stayed queued.
 */
export function queueChecks(): {
  onQueueChecked: (claimed: number) => void;
  passes: (n: number, timeoutMs?: number) => Promise<void>;
} {
  let count = 0;
  const waiters: { at: number; resolve: () => void }[] = [];
  return {
    onQueueChecked: () => {
      count++;
      for (const w of waiters.filter((w) => count >= w.at)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    },
    passes: (n, timeoutMs = 20_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`The worker did not look at the queue ${n} more times in ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          at: count + n,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      }),
  };
}

/** Polls until `check` returns a value (not undefined/false); fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A promise a test resolves by hand, to hold a stage where it wants it. */
export function gate(): { wait: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

/** Waits for the gate or the run's signal, whichever comes first; an abort rejects like an AWS call would. */
export function held(wait: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    void wait.then(resolve);
  });
}
