import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectionError } from '../../src/lib/errors.js';
import type { Store } from '../../src/store/store.js';
import type { SyncService } from '../../src/sync/sync-service.js';
import { RunAborted } from '../../src/sync/retry.js';
import { createTestDatabase, ENGINES, type TestDatabase } from '../helpers/stores.js';
import { eventually, fakeStages, gate, held, queueChecks, seedAccounts, syncServiceFor } from './helpers.js';

const denied = (code: string, step: string) =>
  new ConnectionError({
    code,
    message: `${step} was denied`,
    remediation: `Allow the ${step} actions in the role policy`,
    step,
  });

function throttled(): Error {
  return Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $metadata: { httpStatusCode: 400 },
  });
}

describe.each(ENGINES)('sync engine on %s', (engine) => {
  let db: TestDatabase;
  let store: Store;
  const services: SyncService[] = [];
  const service = (s: SyncService) => {
    services.push(s);
    return s;
  };

  beforeEach(async () => {
    db = await createTestDatabase(engine);
    store = await db.open();
  });
  afterEach(async () => {
    for (const s of services.splice(0)) await s.stop(1_000);
    await store.close();
    await db.destroy();
  });

  it('records every stage with its outcome, timing and counts, and marks the account healthy', async () => {
    const { orgId, accountIds } = await seedAccounts(store, 1);
    const { stages, calls } = fakeStages({
      billing: async (ctx) => {
        ctx.progress({ done: 1, total: 2, message: '2026-10' });
        ctx.progress({ done: 2, total: 2, message: '2026-11' });
        return { counts: { periods: 2, rows: 120 } };
      },
    });
    const sync = service(syncServiceFor(store, stages));
    await sync.start({ worker: true, scheduler: false });
    const { run } = await sync.trigger({ orgId, accountId: accountIds[0], trigger: 'manual' });
    expect(run.state).toBe('queued');
    const done = await sync.waitForRun(orgId, run.id, { pollMs: 20 });

    expect(done.state).toBe('succeeded');
    expect(done.stages.map((s) => [s.name, s.state])).toEqual([
      ['validate', 'succeeded'],
      ['billing', 'succeeded'],
      ['inventory', 'succeeded'],
      ['metrics', 'succeeded'],
      ['recommendations', 'succeeded'],
    ]);
    const billing = done.stages.find((s) => s.name === 'billing')!;
    expect(billing.counts).toEqual({ periods: 2, rows: 120 });
    expect(billing.progress).toEqual({ done: 2, total: 2, message: '2026-11' });
    for (const s of done.stages) {
      expect(s.durationMs).toBeGreaterThanOrEqual(0);
      expect(Date.parse(s.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(s.startedAt!));
    }
    expect(calls.map((c) => c.stage)).toEqual([
      'validate',
      'billing',
      'inventory',
      'metrics',
      'recommendations',
    ]);

    const status = await sync.accountStatus(orgId, accountIds[0]);
    expect(status.state).toBe('healthy');
    expect(status.runId).toBe(run.id);
    expect(status.lastSyncAt).toBe(done.finishedAt);
    expect(status.lastAttemptAt).toBe(done.startedAt);
    // Default interval: 6 hours after the run finished.
    expect(Date.parse(status.nextSyncAt!) - Date.parse(done.finishedAt!)).toBe(360 * 60_000);
  });

  it('keeps the stages that succeeded when one fails: a denied CloudWatch leaves billing loaded (degraded)', async () => {
    const { orgId, accountIds } = await seedAccounts(store, 1);
    const { stages } = fakeStages({
      billing: async () => ({ counts: { rows: 42 } }),
      metrics: async () => {
        throw denied('cloudwatch_permission_missing', 'metrics');
      },
    });
    const sync = service(syncServiceFor(store, stages));
    await sync.start({ worker: true, scheduler: false });
    const { run } = await sync.trigger({ orgId, accountId: accountIds[0], trigger: 'manual' });
    const done = await sync.waitForRun(orgId, run.id, { pollMs: 20 });

    expect(done.state).toBe('partial');
    const byName = Object.fromEntries(done.stages.map((s) => [s.name, s]));
    expect(byName.billing.state).toBe('succeeded');
    expect(byName.billing.counts).toEqual({ rows: 42 });
    expect(byName.inventory.state).toBe('succeeded');
    expect(byName.metrics.state).toBe('failed');
    expect(byName.metrics.tries).toBe(1);
    expect(byName.metrics.diagnostics[0]).toMatchObject({
      code: 'cloudwatch_permission_missing',
      remediation: 'Allow the metrics actions in the role policy',
    });
    expect(byName.recommendations.state).toBe('succeeded');
    expect(done.error?.code).toBe('cloudwatch_permission_missing');

    const status = await sync.accountStatus(orgId, accountIds[0]);
    expect(status.state).toBe('degraded');
    expect(status.failedStages).toEqual([
      { stage: 'metrics', diagnostics: [expect.objectContaining({ code: 'cloudwatch_permission_missing' })] },
    ]);
    expect(status.lastSyncAt).toBe(done.finishedAt);
  });

  it('fails on an access problem without retrying it, skips what needs access, and says what to fix', async () => {
    const { orgId, accountIds } = await seedAccounts(store, 1);
    const { stages, calls } = fakeStages({
      validate: async () => {
        throw denied('role_not_trusted', 'validate');
      },
    });
    const sync = service(syncServiceFor(store, stages));
    await sync.start({ worker: true, scheduler: false });
    const { run } = await sync.trigger({ orgId, accountId: accountIds[0], trigger: 'manual' });
    const done = await sync.waitForRun(orgId, run.id, { pollMs: 20 });

    expect(done.state).toBe('failed');
    expect(calls.filter((c) => c.stage === 'validate')).toHaveLength(1);
    expect(done.stages.filter((s) => s.name !== 'validate').map((s) => s.state)).toEqual([
      'skipped',
      'skipped',
      'skipped',
      'skipped',
    ]);
    const status = await sync.accountStatus(orgId, accountIds[0]);
    expect(status.state).toBe('failed');
    expect(status.diagnostics[0]).toMatchObject({
      code: 'role_not_trusted',
      message: 'validate was denied',
      remediation: 'Allow the validate actions in the role policy',
    });
    expect(status.lastSyncAt).toBeNull();
    // Not retried before the next schedule: the next run is a full interval away.
    expect(Date.parse(status.nextSyncAt!) - Date.parse(done.finishedAt!)).toBe(360 * 60_000);
  });

  it('retries transient failures (throttling, 5xx, network) with backoff inside the run', async () => {
    const { orgId, accountIds } = await seedAccounts(store, 1);
    let billingTries = 0;
    let inventoryTries = 0;
    const { stages } = fakeStages({
      billing: async () => {
        billingTries++;
        if (billingTries === 1) throw throttled();
        if (billingTries === 2)
          throw Object.assign(new Error('Service Unavailable'), { $metadata: { httpStatusCode: 503 } });
        return { counts: { rows: 1 } };
      },
      inventory: async () => {
        inventoryTries++;
        if (inventoryTries === 1) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        return { counts: { resources: 3 } };
      },
      metrics: async () => {
        throw throttled();
      },
    });
    const sync = service(
      syncServiceFor(store, stages, { retry: { tries: 3, baseDelayMs: 5, maxDelayMs: 10 } }),
    );
    await sync.start({ worker: true, scheduler: false });
    const { run } = await sync.trigger({ orgId, accountId: accountIds[0], trigger: 'manual' });
    const done = await sync.waitForRun(orgId, run.id, { pollMs: 20 });
    const byName = Object.fromEntries(done.stages.map((s) => [s.name, s]));
    expect(byName.billing).toMatchObject({ state: 'succeeded', tries: 3 });
    expect(byName.inventory).toMatchObject({ state: 'succeeded', tries: 2 });
    // Still throttled after every try: the stage fails with a diagnostic that says it was throttled.
    expect(byName.metrics).toMatchObject({ state: 'failed', tries: 3 });
    expect(byName.metrics.diagnostics[0].code).toBe('aws_throttled');
    expect(byName.metrics.diagnostics[0].message).toContain('ThrottlingException');
    expect(done.state).toBe('partial');
  });

  it('runs one run per account at a time: a trigger while one runs queues one behind it, the next joins that one', async () => {
    const { orgId, accountIds } = await seedAccounts(store, 1);
    const accountId = accountIds[0];
    const first = gate();
    let active = 0;
    let maxActive = 0;
    let billingCalls = 0;
    const { stages } = fakeStages({
      billing: async (ctx) => {
        active++;
        maxActive = Math.max(maxActive, active);
        billingCalls++;
        try {
          if (billingCalls === 1) await held(first.wait, ctx.signal);
          return { counts: { calls: billingCalls } };
        } finally {
          active--;
        }
      },
    });
    const checks = queueChecks();
    const sync = service(syncServiceFor(store, stages, { concurrency: 4 }, checks));
    await sync.start({ worker: true, scheduler: false });
    const a = await sync.trigger({ orgId, accountId, trigger: 'manual' });
    await eventually(
      async () => (await sync.getRun(orgId, a.run.id)).stage === 'billing',
      'first run in billing',
    );

    const b = await sync.trigger({ orgId, accountId, trigger: 'manual' });
    expect(b.joined).toBe(false);
    expect(b.run.id).not.toBe(a.run.id);
    expect(b.run.state).toBe('queued');
    const c = await sync.trigger({ orgId, accountId, trigger: 'schedule' });
    expect(c.joined).toBe(true);
    expect(c.run.id).toBe(b.run.id);
    // Workers keep looking while the first run is held: after whole looks at the queue it must stay queued.
    await checks.passes(2);
    expect((await sync.getRun(orgId, b.run.id)).state).toBe('queued');

    first.open();
    const doneA = await sync.waitForRun(orgId, a.run.id, { pollMs: 20 });
    const doneB = await sync.waitForRun(orgId, b.run.id, { pollMs: 20 });
    expect(doneA.state).toBe('succeeded');
    expect(doneB.state).toBe('succeeded');
    expect(Date.parse(doneB.startedAt!)).toBeGreaterThanOrEqual(Date.parse(doneA.finishedAt!));
    expect(maxActive).toBe(1);
    expect(billingCalls).toBe(2);
    expect((await sync.listRuns(orgId, accountId)).map((r) => r.id)).toEqual([b.run.id, a.run.id]);
  });

  it('bounds the runs one process works on at once', async () => {
    const { orgId, accountIds } = await seedAccounts(store, 5);
    const release = gate();
    let active = 0;
    let maxActive = 0;
    const { stages } = fakeStages({
      inventory: async (ctx) => {
        active++;
        maxActive = Math.max(maxActive, active);
        try {
          await held(release.wait, ctx.signal);
          return {};
        } finally {
          active--;
        }
      },
    });
    const checks = queueChecks();
    const sync = service(syncServiceFor(store, stages, { concurrency: 2 }, checks));
    await sync.start({ worker: true, scheduler: false });
    const triggered = await Promise.all(
      accountIds.map((accountId) => sync.trigger({ orgId, accountId, trigger: 'manual' })),
    );
    await eventually(async () => active === 2, 'two runs in inventory');
    // The worker keeps looking at the queue meanwhile; after whole looks the other three must stay queued.
    await checks.passes(2);
    const states = await Promise.all(triggered.map(async (t) => (await sync.getRun(orgId, t.run.id)).state));
    expect(states.filter((s) => s === 'running')).toHaveLength(2);
    expect(states.filter((s) => s === 'queued')).toHaveLength(3);
    release.open();
    for (const t of triggered) {
      expect((await sync.waitForRun(orgId, t.run.id, { pollMs: 20 })).state).toBe('succeeded');
    }
    expect(maxActive).toBe(2);
  });

  it('cancels a running run: the abort reaches the call in flight and the account keeps its previous status', async () => {
    const { orgId, accountIds } = await seedAccounts(store, 1);
    const accountId = accountIds[0];
    let seenReason: unknown;
    let runs = 0;
    const { stages } = fakeStages({
      inventory: async (ctx) => {
        runs++;
        if (runs === 1) return {};
        try {
          await held(new Promise<void>(() => undefined), ctx.signal);
        } catch (err) {
          seenReason = err;
          throw err;
        }
        return {};
      },
    });
    const sync = service(syncServiceFor(store, stages));
    await sync.start({ worker: true, scheduler: false });
    const first = await sync.trigger({ orgId, accountId, trigger: 'manual' });
    const firstDone = await sync.waitForRun(orgId, first.run.id, { pollMs: 20 });
    expect(firstDone.state).toBe('succeeded');

    const second = await sync.trigger({ orgId, accountId, trigger: 'manual' });
    await eventually(
      async () => (await sync.getRun(orgId, second.run.id)).stage === 'inventory',
      'inventory',
    );
    expect((await sync.accountStatus(orgId, accountId)).state).toBe('syncing');
    const cancelled = await sync.cancel(orgId, second.run.id);
    expect(cancelled.cancelRequested).toBe(true);
    const done = await sync.waitForRun(orgId, second.run.id, { pollMs: 20 });
    expect(done.state).toBe('cancelled');
    expect(seenReason).toBeInstanceOf(RunAborted);
    expect((seenReason as RunAborted).kind).toBe('cancel');
    const byName = Object.fromEntries(done.stages.map((s) => [s.name, s.state]));
    expect(byName).toMatchObject({ billing: 'succeeded', inventory: 'cancelled', metrics: 'cancelled' });
    const status = await sync.accountStatus(orgId, accountId);
    expect(status.state).toBe('healthy');
    expect(status.lastSyncAt).toBe(firstDone.finishedAt);

    // A queued run is cancelled at once; a finished one cannot be.
    const blocker = gate();
    const { stages: slow } = fakeStages({
      billing: (ctx) => held(blocker.wait, ctx.signal).then(() => ({})),
    });
    await sync.stop(1_000);
    const other = service(syncServiceFor(store, slow));
    await other.start({ worker: true, scheduler: false });
    const running = await other.trigger({ orgId, accountId, trigger: 'manual' });
    await eventually(async () => (await other.getRun(orgId, running.run.id)).state === 'running', 'running');
    const queued = await other.trigger({ orgId, accountId, trigger: 'manual' });
    expect((await other.cancel(orgId, queued.run.id)).state).toBe('cancelled');
    blocker.open();
    await other.waitForRun(orgId, running.run.id, { pollMs: 20 });
    await expect(other.cancel(orgId, running.run.id)).rejects.toThrow(/already finished/);
  });

  it('shows an account pending while its first billing export is not delivered', async () => {
    const { orgId, accountIds } = await seedAccounts(store, 1);
    const { stages } = fakeStages({
      billing: async () => ({
        state: 'not_ready',
        diagnostics: [
          {
            code: 'export_not_delivered',
            message: 'No billing export has been delivered yet.',
            remediation: 'AWS delivers the first export within 24 hours of creating it.',
          },
        ],
      }),
    });
    const sync = service(syncServiceFor(store, stages));
    await sync.start({ worker: true, scheduler: false });
    const { run } = await sync.trigger({ orgId, accountId: accountIds[0], trigger: 'connected' });
    const done = await sync.waitForRun(orgId, run.id, { pollMs: 20 });
    expect(done.state).toBe('succeeded');
    const status = await sync.accountStatus(orgId, accountIds[0]);
    expect(status.state).toBe('pending');
    expect(status.diagnostics[0].code).toBe('export_not_delivered');
    expect(status.dataFreshness).toBeNull();
  });

  it('schedules due accounts once per interval, per account and per organization, never disabled ones', async () => {
    const { orgId, accountIds } = await seedAccounts(store, 3);
    const [plain, own, off] = accountIds;
    await store.execute(`UPDATE cloud_accounts SET disabled = TRUE WHERE id = $1`, [off]);
    const { stages } = fakeStages();
    const sync = service(syncServiceFor(store, stages));
    const actor = { userId: 'u1', email: 'm@a.test' };
    await sync.setOrganizationInterval(orgId, 120, actor);
    await sync.setAccountInterval(orgId, own, 30, actor);

    expect(await sync.scheduleDue()).toBe(2);
    expect(await sync.scheduleDue()).toBe(0);
    // Due again while its run still waits: the scheduler does not pile a second run behind it.
    await store.execute(`UPDATE cloud_accounts SET next_sync_at = $2 WHERE id = $1`, [plain, new Date(0)]);
    expect(await sync.scheduleDue()).toBe(0);
    const queued = await store.query<{ cloud_account_id: string; trigger: string }>(
      `SELECT cloud_account_id, trigger FROM sync_runs WHERE state = 'queued' ORDER BY cloud_account_id`,
    );
    expect(queued.map((q) => q.cloud_account_id).sort()).toEqual([plain, own].sort());
    expect(queued.every((q) => q.trigger === 'schedule')).toBe(true);

    await sync.start({ worker: true, scheduler: false });
    for (const id of [plain, own]) {
      const [run] = await sync.listRuns(orgId, id);
      const done = await sync.waitForRun(orgId, run.id, { pollMs: 20 });
      const status = await sync.accountStatus(orgId, id);
      const minutes = id === own ? 30 : 120;
      expect(Date.parse(status.nextSyncAt!) - Date.parse(done.finishedAt!)).toBe(minutes * 60_000);
    }
    expect((await sync.accountStatus(orgId, off)).state).toBe('disabled');
    await expect(sync.trigger({ orgId, accountId: off, trigger: 'manual' })).rejects.toThrow(/disabled/);
  });

  it("re-imports the payer's billing when a member connects, merging into a queued run", async () => {
    const { orgId, accountIds } = await seedAccounts(store, 3);
    const [payer, memberA, memberB] = accountIds;
    const seen: unknown[] = [];
    const { stages } = fakeStages({
      billing: async (ctx) => {
        seen.push({ account: ctx.account.id, options: ctx.options });
        return {};
      },
    });
    const sync = service(syncServiceFor(store, stages));
    await sync.events.memberConnected(payer, { id: memberA });
    await sync.events.memberConnected(payer, { id: memberB, orgId });
    const runs = await sync.listRuns(orgId, payer);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: 'member_connected', state: 'queued' });
    expect(runs[0].options).toEqual({
      billingForce: true,
      memberAccountIds: ['100000000001', '100000000002'],
    });
    await sync.start({ worker: true, scheduler: false });
    await sync.waitForRun(orgId, runs[0].id, { pollMs: 20 });
    expect(seen).toEqual([
      { account: payer, options: { billingForce: true, memberAccountIds: ['100000000001', '100000000002'] } },
    ]);
  });

  it('stops the run of a removed account at once, even when the removal deleted its run', async () => {
    const { orgId, accountIds } = await seedAccounts(store, 1);
    let reason: unknown;
    const { stages } = fakeStages({
      billing: async (ctx) => {
        try {
          await held(new Promise<void>(() => undefined), ctx.signal);
        } catch (err) {
          reason = err;
          throw err;
        }
        return {};
      },
    });
    const sync = service(syncServiceFor(store, stages, { leaseMs: 60_000 }));
    await sync.start({ worker: true, scheduler: false });
    const { run } = await sync.trigger({ orgId, accountId: accountIds[0], trigger: 'connected' });
    await eventually(async () => (await sync.getRun(orgId, run.id)).stage === 'billing', 'billing');
    // What the accounts service does: every row of the account goes in one transaction, then the event.
    await store.transaction(async (tx) => {
      await tx.execute(`DELETE FROM sync_runs WHERE cloud_account_id = $1`, [accountIds[0]]);
      await tx.execute(`DELETE FROM cloud_accounts WHERE id = $1`, [accountIds[0]]);
    });
    await sync.events.accountRemoved({ id: accountIds[0], orgId });
    // Sooner than the first heartbeat (5 s) could notice that the run is gone.
    await eventually(async () => reason !== undefined, 'the stage to see the abort', 3_000);
    expect((reason as RunAborted).kind).toBe('cancel');
    const left = await store.query(`SELECT id FROM cloud_accounts WHERE id = $1`, [accountIds[0]]);
    expect(left).toEqual([]);
  });

  async function insertAbandonedRun(orgId: string, accountId: string): Promise<void> {
    const past = new Date(Date.now() - 60_000);
    await store.execute(
      `INSERT INTO sync_runs (id, org_id, cloud_account_id, trigger, state, queued_at, started_at, worker_id,
         lease_expires_at, attempts, active_slot, options, stages)
       VALUES ('run_dead', $1, $2, 'manual', 'running', $3, $3, 'dead-host:1:x', $3, 1, $4, '{}', $5)`,
      [
        orgId,
        accountId,
        past,
        `${accountId}:running`,
        JSON.stringify([{ name: 'billing', state: 'running', startedAt: past.toISOString() }]),
      ],
    );
    await store.execute(
      `UPDATE cloud_accounts SET status_state = 'syncing', status_detail = $2 WHERE id = $1`,
      [
        accountId,
        JSON.stringify({ runId: 'run_dead', previous: { state: 'healthy', detail: {}, diagnostics: [] } }),
      ],
    );
  }

  /** An engine-specific test is registered on its engine only: CI reads a skipped test as a missing part. */
  const itOn = (only: typeof engine) =>
    engine === only ? it : (..._args: Parameters<typeof it>) => undefined;

  itOn('duckdb')(
    'marks a run left running by a dead process interrupted on start-up; the next run starts cleanly',
    async () => {
      const { orgId, accountIds } = await seedAccounts(store, 1);
      await insertAbandonedRun(orgId, accountIds[0]);
      const { stages } = fakeStages();
      const sync = service(syncServiceFor(store, stages));
      await sync.start({ worker: true, scheduler: false });
      const dead = await sync.getRun(orgId, 'run_dead');
      expect(dead.state).toBe('interrupted');
      expect(dead.error?.code).toBe('sync_interrupted');
      expect(dead.stages[0].state).toBe('interrupted');
      const status = await sync.accountStatus(orgId, accountIds[0]);
      expect(status.state).toBe('healthy');
      expect(Date.parse(status.nextSyncAt!)).toBeLessThanOrEqual(Date.now());

      const { run } = await sync.trigger({ orgId, accountId: accountIds[0], trigger: 'manual' });
      expect((await sync.waitForRun(orgId, run.id, { pollMs: 20 })).state).toBe('succeeded');
    },
  );

  it('hands a run in flight back to the queue on shutdown; the next worker finishes it', async () => {
    const { orgId, accountIds } = await seedAccounts(store, 1);
    let aborted: unknown;
    const { stages: hanging } = fakeStages({
      inventory: async (ctx) => {
        try {
          await held(new Promise<void>(() => undefined), ctx.signal);
        } catch (err) {
          aborted = err;
          throw err;
        }
        return {};
      },
    });
    const first = syncServiceFor(store, hanging);
    await first.start({ worker: true, scheduler: false });
    const { run } = await first.trigger({ orgId, accountId: accountIds[0], trigger: 'manual' });
    await eventually(async () => (await first.getRun(orgId, run.id)).stage === 'inventory', 'inventory');
    await first.stop(5_000);
    expect((aborted as RunAborted).kind).toBe('shutdown');
    expect((await first.getRun(orgId, run.id)).state).toBe('queued');

    const { stages } = fakeStages();
    const second = service(syncServiceFor(store, stages));
    await second.start({ worker: true, scheduler: false });
    const done = await second.waitForRun(orgId, run.id, { pollMs: 20 });
    expect(done.state).toBe('succeeded');
    expect(done.attempts).toBe(2);
  });

  itOn('postgres')('takes over a run whose worker stopped heartbeating and runs it again', async () => {
    const { orgId, accountIds } = await seedAccounts(store, 1);
    await insertAbandonedRun(orgId, accountIds[0]);
    const { stages } = fakeStages();
    const sync = service(syncServiceFor(store, stages, { leaseMs: 2_000 }));
    await sync.start({ worker: true, scheduler: false });
    const done = await sync.waitForRun(orgId, 'run_dead', { pollMs: 20 });
    expect(done.state).toBe('succeeded');
    expect(done.attempts).toBe(2);
    expect(done.workerId).toBe(sync.workerId);
  });
});
