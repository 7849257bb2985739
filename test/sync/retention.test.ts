import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../sim/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { eventually } from './helpers.js';
import { payerBody, SMALL_PAYER, trustOrganization, useHostIdentity } from './sim-support.js';

interface Run {
  state: string;
  stages: {
    name: string;
    state: string;
    note?: string;
    counts: Record<string, number>;
    diagnostics: { code: string; message: string; remediation: string }[];
  }[];
}

/**
 * An export whose periods all lie before the retention window (the `small` scenario's billing ends in March 2025,
 * more than 13 months before today): validation warns with the setting to change, and the sync says that nothing
 * was loaded and why, leaving the account degraded rather than healthy at $0.
 */
describe('an export older than the retention window', () => {
  let sim: Simulator;
  let t: TestServer;
  let restoreEnv: () => void;

  beforeAll(async () => {
    sim = await startSimulator('small');
    restoreEnv = useHostIdentity(sim);
    t = await startTestServer({ config: { awsEndpointUrl: sim.url } });
    const { externalId } = await t.ctx.accounts.externalId(t.users.manager.orgId);
    trustOrganization(sim, externalId, [SMALL_PAYER.roleArn]);
    await t.ctx.sync.start({ worker: true, scheduler: false });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
    restoreEnv?.();
  });

  it('warns at validation, and the sync names the periods skipped and leaves the account degraded', async () => {
    const res = await t.request('/api/v1/cloud-accounts', {
      method: 'POST',
      token: t.users.manager.token,
      body: payerBody(),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const created = (await res.json()) as {
      id: string;
      validation: {
        steps: { step: string; state: string; code: string; message: string; remediation?: string }[];
      };
    };
    const exportStep = created.validation.steps.find((s) => s.step === 'export');
    expect(exportStep).toMatchObject({ state: 'pass', code: 'export_outside_retention' });
    expect(exportStep?.message).toMatch(/newest period 2025-03 is older than the 13 months kept/);
    expect(exportStep?.remediation).toMatch(/CLOUDTALLY_RETENTION_MONTHS \(now 13\)/);

    const run = await eventually(
      async () => {
        const r = await t.request(`/api/v1/cloud-accounts/${created.id}/sync-runs`, {
          token: t.users.manager.token,
        });
        const { items } = (await r.json()) as { items: Run[] };
        return items[0] && !['queued', 'running'].includes(items[0].state) ? items[0] : undefined;
      },
      'the first sync to finish',
      120_000,
    );
    const billing = run.stages.find((s) => s.name === 'billing');
    expect(billing?.state).toBe('failed');
    expect(billing?.counts).toMatchObject({ periodsLoaded: 0, periodsOutsideRetention: 2 });
    expect(billing?.diagnostics[0]).toMatchObject({ code: 'billing_periods_outside_retention' });
    expect(billing?.diagnostics[0].message).toMatch(/2025-02 to 2025-03/);
    expect(billing?.note).toMatch(/2 periods older than the 13 months kept not loaded \(2025-02, 2025-03\)/);

    const account = await t.request(`/api/v1/cloud-accounts/${created.id}`, { token: t.users.manager.token });
    const body = (await account.json()) as { status: { state: string; diagnostics: { code: string }[] } };
    expect(body.status.state).toBe('degraded');
    expect(body.status.diagnostics.map((d) => d.code)).toContain('billing_periods_outside_retention');
  });
});
