/**
 * A billing load whose anomaly recompute fails shows on the account's status (degraded, with the diagnostic),
 * not only in the run log; the next sync recomputes even when no period changed, and the account recovers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../sim/index.js';
import { costsMigration } from '../../src/store/migrations/008-costs.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ENGINES } from '../helpers/stores.js';
import { eventually } from './helpers.js';
import { payerBody, SMALL_PAYER, trustOrganization, useHostIdentity } from './sim-support.js';

interface Diagnostic {
  code: string;
  message: string;
  remediation: string;
}
interface Run {
  id: string;
  state: string;
  stages: { name: string; state: string; diagnostics: Diagnostic[] }[];
}
interface Account {
  id: string;
  status: {
    state: string;
    message: string | null;
    diagnostics: Diagnostic[];
    failedStages: { stage: string }[];
  };
}

describe.each(ENGINES)('a failed anomaly recompute on %s', (engine) => {
  let sim: Simulator;
  let t: TestServer;
  let restoreEnv: () => void;
  let payerId: string;

  const token = () => t.users.manager.token;
  const get = async <T>(path: string): Promise<T> => {
    const res = await t.request(path, { token: token() });
    expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
    return (await res.json()) as T;
  };
  const finished = (count: number) =>
    eventually(
      async () => {
        const { items } = await get<{ items: Run[] }>(`/api/v1/cloud-accounts/${payerId}/sync-runs`);
        return items.length >= count && !['queued', 'running'].includes(items[0].state)
          ? items[0]
          : undefined;
      },
      `run ${count} to finish`,
      90_000,
    );
  const account = async () =>
    (await get<{ items: Account[] }>('/api/v1/cloud-accounts')).items.find((a) => a.id === payerId)!;

  beforeAll(async () => {
    sim = await startSimulator('small', { now: new Date() });
    restoreEnv = useHostIdentity(sim);
    t = await startTestServer({ engine, config: { awsEndpointUrl: sim.url } });
    const setup = await get<{ externalId: string }>('/api/v1/setup/aws');
    trustOrganization(sim, setup.externalId, [SMALL_PAYER.roleArn]);
    await t.ctx.sync.start({ worker: true, scheduler: false });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
    restoreEnv?.();
  });

  it('shows degraded with the diagnostic, then recovers on the next sync', async () => {
    // A real failure of the recompute: its table is gone while the first load runs.
    await t.ctx.store.execute('DROP TABLE cost_anomalies');
    const res = await t.request('/api/v1/cloud-accounts', {
      method: 'POST',
      token: token(),
      body: payerBody(),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    payerId = ((await res.json()) as { id: string }).id;
    const run = await finished(1);
    expect(run.state).toBe('partial');
    const billing = run.stages.find((s) => s.name === 'billing')!;
    expect(billing.state).toBe('failed');
    expect(billing.diagnostics.map((d) => d.code)).toEqual(['anomaly_recompute_failed']);

    const shown = await account();
    expect(shown.status.state).toBe('degraded');
    expect(shown.status.failedStages.map((f) => f.stage)).toEqual(['billing']);
    expect(shown.status.diagnostics).toEqual([
      expect.objectContaining({
        code: 'anomaly_recompute_failed',
        message: expect.stringContaining('cost anomalies could not be recomputed'),
        remediation: expect.stringContaining('POST /api/v1/costs/anomalies/recompute'),
      }),
    ]);
    expect(shown.status.message).toContain('cost anomalies could not be recomputed');

    // Repaired: a plain sync (no period changed) recomputes because the last one failed, and the account is healthy.
    for (const statement of costsMigration.statements.filter((x) => x.includes('cost_anomalies')))
      await t.ctx.store.execute(statement);
    const again = await t.request(`/api/v1/cloud-accounts/${payerId}/sync`, {
      method: 'POST',
      token: token(),
    });
    expect(again.status).toBe(202);
    const second = await finished(2);
    expect(second.state).toBe('succeeded');
    expect((await account()).status.state).toBe('healthy');
    const recompute = await t.request('/api/v1/costs/anomalies/recompute', {
      method: 'POST',
      token: token(),
    });
    expect(recompute.status).toBe(200);
  });
});
