import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids.js';
import type { SyncService } from '../../src/sync/sync-service.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { eventually, fakeStages, gate, held, syncServiceFor } from './helpers.js';

async function addAccount(t: TestServer, orgId: string, name: string): Promise<string> {
  const id = newId('acc');
  await t.ctx.store.execute(
    `INSERT INTO cloud_accounts (id, org_id, name, provider, type, aws_account_id, created_at, updated_at)
     VALUES ($1, $2, $3, 'aws', 'assumed_role', $4, $5, $5)`,
    [id, orgId, name, String(200000000000 + Math.floor(Math.random() * 1e9)), new Date()],
  );
  return id;
}

interface RunBody {
  id: string;
  state: string;
  joined?: boolean;
  cancelRequested: boolean;
  stages: { name: string; state: string; counts: Record<string, number> }[];
  workerId?: unknown;
}

describe('sync API', () => {
  let t: TestServer;
  let worker: SyncService;
  const billingGate = gate();

  beforeAll(async () => {
    t = await startTestServer();
    // The server's own service only queues (no worker in tests); this one runs the queue with stand-in stages.
    const { stages } = fakeStages({
      billing: async (ctx) => {
        if (ctx.account.name === 'held') await held(billingGate.wait, ctx.signal);
        return { counts: { rows: 7 } };
      },
    });
    worker = syncServiceFor(t.ctx.store, stages);
  });
  afterAll(async () => {
    billingGate.open();
    await worker?.stop(1_000);
    await t?.close();
  });

  const manager = () => t.users.manager.token;

  it('queues a run (202), joins a queued one, and shows the finished run with its stages', async () => {
    const accountId = await addAccount(t, t.users.manager.orgId, 'plain');
    const first = await t.request(`/api/v1/cloud-accounts/${accountId}/sync`, {
      method: 'POST',
      token: t.users.engineer.token,
    });
    expect(first.status).toBe(202);
    const run = (await first.json()) as RunBody;
    expect(run).toMatchObject({ state: 'queued', joined: false });
    expect(run.workerId).toBeUndefined();
    const again = (await (
      await t.request(`/api/v1/cloud-accounts/${accountId}/sync`, { method: 'POST', token: manager() })
    ).json()) as RunBody;
    expect(again).toMatchObject({ id: run.id, joined: true });

    await worker.start({ worker: true, scheduler: false });
    const done = await eventually(async () => {
      const body = (await (
        await t.request(`/api/v1/sync-runs/${run.id}`, { token: t.users.viewer.token })
      ).json()) as RunBody;
      return body.state === 'succeeded' ? body : undefined;
    }, 'the run to succeed');
    expect(done.stages.map((s) => s.name)).toEqual([
      'validate',
      'billing',
      'inventory',
      'metrics',
      'recommendations',
    ]);
    expect(done.stages[1].counts).toEqual({ rows: 7 });

    const history = (await (
      await t.request(`/api/v1/cloud-accounts/${accountId}/sync-runs?limit=10`, {
        token: t.users.viewer.token,
      })
    ).json()) as { items: RunBody[]; nextBefore: string | null };
    expect(history.items.map((r) => r.id)).toEqual([run.id]);
    expect(history.nextBefore).toBeNull();

    const status = (await (
      await t.request(`/api/v1/cloud-accounts/${accountId}/sync-status`, { token: t.users.viewer.token })
    ).json()) as { state: string; lastSyncAt: string | null; nextSyncAt: string | null };
    expect(status.state).toBe('healthy');
    expect(status.lastSyncAt).not.toBeNull();
    expect(status.nextSyncAt).not.toBeNull();

    // The trigger is in the audit log, by whom.
    const audit = await t.ctx.store.query<{ actor: string }>(
      `SELECT actor FROM audit_log WHERE action = 'sync.trigger' AND object_id = $1 ORDER BY created_at`,
      [accountId],
    );
    expect(audit.map((a) => a.actor)).toEqual([t.users.engineer.email, t.users.manager.email]);
  });

  it('cancels a running run through the API', async () => {
    const accountId = await addAccount(t, t.users.manager.orgId, 'held');
    await worker.start({ worker: true, scheduler: false });
    const run = (await (
      await t.request(`/api/v1/cloud-accounts/${accountId}/sync`, { method: 'POST', token: manager() })
    ).json()) as RunBody;
    await eventually(async () => {
      const body = (await (await t.request(`/api/v1/sync-runs/${run.id}`, { token: manager() })).json()) as {
        stage: string | null;
      };
      return body.stage === 'billing';
    }, 'billing to start');
    const status = (await (
      await t.request(`/api/v1/cloud-accounts/${accountId}/sync-status`, { token: manager() })
    ).json()) as { state: string; stage: string | null };
    expect(status).toMatchObject({ state: 'syncing', stage: 'billing' });

    const cancel = await t.request(`/api/v1/sync-runs/${run.id}/cancel`, {
      method: 'POST',
      token: t.users.engineer.token,
    });
    expect(cancel.status).toBe(200);
    expect(((await cancel.json()) as RunBody).cancelRequested).toBe(true);
    const done = await eventually(async () => {
      const body = (await (
        await t.request(`/api/v1/sync-runs/${run.id}`, { token: manager() })
      ).json()) as RunBody;
      return body.state === 'cancelled' ? body : undefined;
    }, 'the run to be cancelled');
    expect(done.stages.find((s) => s.name === 'billing')?.state).toBe('cancelled');
    const finished = await t.request(`/api/v1/sync-runs/${run.id}/cancel`, {
      method: 'POST',
      token: manager(),
    });
    expect(finished.status).toBe(200);
  });

  it("keeps runs inside their organization and refuses viewers' triggers", async () => {
    const accountId = await addAccount(t, t.users.manager.orgId, 'private');
    const viewer = await t.request(`/api/v1/cloud-accounts/${accountId}/sync`, {
      method: 'POST',
      token: t.users.viewer.token,
    });
    expect(viewer.status).toBe(403);
    const other = await t.request(`/api/v1/cloud-accounts/${accountId}/sync`, {
      method: 'POST',
      token: t.users.otherManager.token,
    });
    expect(other.status).toBe(404);
    const run = (await (
      await t.request(`/api/v1/cloud-accounts/${accountId}/sync`, { method: 'POST', token: manager() })
    ).json()) as RunBody;
    expect(
      (await t.request(`/api/v1/sync-runs/${run.id}`, { token: t.users.otherManager.token })).status,
    ).toBe(404);
    expect(
      (
        await t.request(`/api/v1/sync-runs/${run.id}/cancel`, {
          method: 'POST',
          token: t.users.otherManager.token,
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await t.request(`/api/v1/cloud-accounts/${accountId}/sync-runs`, {
          token: t.users.otherManager.token,
        })
      ).status,
    ).toBe(404);
  });

  it('sets the schedule per organization and per account', async () => {
    const accountId = await addAccount(t, t.users.manager.orgId, 'scheduled');
    const bad = await t.request('/api/v1/sync-settings', {
      method: 'PATCH',
      token: manager(),
      body: { syncIntervalMinutes: 1 },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('syncIntervalMinutes');
    const engineer = await t.request('/api/v1/sync-settings', {
      method: 'PATCH',
      token: t.users.engineer.token,
      body: { syncIntervalMinutes: 60 },
    });
    expect(engineer.status).toBe(403);
    const ok = await t.request('/api/v1/sync-settings', {
      method: 'PATCH',
      token: manager(),
      body: { syncIntervalMinutes: 720 },
    });
    expect(await ok.json()).toEqual({ syncIntervalMinutes: 720, defaultIntervalMinutes: 360 });
    const read = await t.request('/api/v1/sync-settings', { token: t.users.viewer.token });
    expect(await read.json()).toEqual({ syncIntervalMinutes: 720, defaultIntervalMinutes: 360 });

    const own = await t.request(`/api/v1/cloud-accounts/${accountId}/sync-settings`, {
      method: 'PATCH',
      token: manager(),
      body: { syncIntervalMinutes: 30 },
    });
    expect(own.status).toBe(200);
    const [row] = await t.ctx.store.query<{ sync_interval_minutes: number }>(
      `SELECT sync_interval_minutes FROM cloud_accounts WHERE id = $1`,
      [accountId],
    );
    expect(row.sync_interval_minutes).toBe(30);
    const shown = await t.request(`/api/v1/cloud-accounts/${accountId}`, { token: t.users.viewer.token });
    expect(((await shown.json()) as { syncIntervalMinutes: number | null }).syncIntervalMinutes).toBe(30);
  });
});
