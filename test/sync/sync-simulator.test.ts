import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../sim/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { eventually } from './helpers.js';
import { payerBody, SMALL_MEMBER, SMALL_PAYER, trustOrganization, useHostIdentity } from './sim-support.js';

interface Run {
  id: string;
  trigger: string;
  state: string;
  options: { billingForce?: boolean };
  stages: {
    name: string;
    state: string;
    counts: Record<string, number>;
    diagnostics: { code: string; remediation: string }[];
  }[];
}

interface Account {
  id: string;
  status: {
    state: string;
    lastSyncAt: string | null;
    nextSyncAt: string | null;
    dataFreshness?: string | null;
  };
}

describe('sync with the real stages against the simulator', () => {
  let sim: Simulator;
  let t: TestServer;
  let restoreEnv: () => void;
  let payerId: string;
  let memberId: string;

  const token = () => t.users.manager.token;
  const get = async <T>(path: string): Promise<T> => {
    const res = await t.request(path, { token: token() });
    expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
    return (await res.json()) as T;
  };
  const runs = (accountId: string) => get<{ items: Run[] }>(`/api/v1/cloud-accounts/${accountId}/sync-runs`);
  const finished = (accountId: string, count: number) =>
    eventually(
      async () => {
        const { items } = await runs(accountId);
        return items.length >= count && !['queued', 'running'].includes(items[0].state)
          ? items[0]
          : undefined;
      },
      `run ${count} of ${accountId} to finish`,
      90_000,
    );
  const account = async (id: string) =>
    (await get<{ items: Account[] }>('/api/v1/cloud-accounts')).items.find((a) => a.id === id)!;

  beforeAll(async () => {
    sim = await startSimulator('small', { now: new Date() });
    restoreEnv = useHostIdentity(sim);
    t = await startTestServer({ config: { awsEndpointUrl: sim.url } });
    const setup = await get<{ externalId: string }>('/api/v1/setup/aws');
    trustOrganization(sim, setup.externalId, [SMALL_PAYER.roleArn, SMALL_MEMBER.roleArn]);
    await t.ctx.sync.start({ worker: true, scheduler: false });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
    restoreEnv?.();
  });

  it('syncs a connected payer at once: billing, inventory, metrics and recommendations; the account turns healthy', async () => {
    const res = await t.request('/api/v1/cloud-accounts', {
      method: 'POST',
      token: token(),
      body: payerBody(),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    payerId = ((await res.json()) as { id: string }).id;

    const run = await finished(payerId, 1);
    expect(run.trigger).toBe('connected');
    expect(run.stages.map((s) => [s.name, s.state])).toEqual([
      ['validate', 'succeeded'],
      ['billing', 'succeeded'],
      ['inventory', 'succeeded'],
      ['metrics', 'succeeded'],
      ['recommendations', 'succeeded'],
    ]);
    const billing = run.stages.find((s) => s.name === 'billing')!;
    expect(billing.counts.periodsLoaded).toBe(2);
    expect(billing.counts.rows).toBeGreaterThan(0);
    expect(run.state).toBe('succeeded');

    const shown = await account(payerId);
    expect(shown.status.state).toBe('healthy');
    expect(shown.status.lastSyncAt).not.toBeNull();
    expect(Date.parse(shown.status.nextSyncAt!)).toBeGreaterThan(Date.now() + 5 * 3600_000);
    const today = new Date().toISOString().slice(0, 10);
    expect(shown.status.dataFreshness! <= today).toBe(true);
  });

  it("re-imports the payer's billing when a member account is connected", async () => {
    const res = await t.request('/api/v1/cloud-accounts', {
      method: 'POST',
      token: token(),
      body: {
        name: 'prod',
        provider: 'aws',
        type: 'linked',
        awsAccountId: SMALL_MEMBER.awsAccountId,
        roleName: SMALL_MEMBER.roleName,
        payerAccountId: SMALL_PAYER.awsAccountId,
      },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    memberId = ((await res.json()) as { id: string }).id;
    const payerRun = await finished(payerId, 2);
    expect(payerRun).toMatchObject({
      trigger: 'member_connected',
      state: 'succeeded',
      options: { billingForce: true },
    });
    expect(payerRun.stages.find((s) => s.name === 'billing')!.counts.periodsLoaded).toBe(2);
    const memberRun = await finished(memberId, 1);
    expect(memberRun.stages.find((s) => s.name === 'billing')!.state).toBe('skipped');
    expect(memberRun.state).toBe('succeeded');
    const rows = await t.ctx.store.query<{ n: number }>(
      `SELECT count(*) AS n FROM cost_daily WHERE cloud_account_id = $1 AND sub_account_id = $2`,
      [payerId, SMALL_MEMBER.awsAccountId],
    );
    expect(Number(rows[0].n)).toBeGreaterThan(0);
  });

  it('keeps what succeeded when CloudWatch is denied: the run is partial and the account degraded with the reason', async () => {
    sim.injectFault({ service: 'cloudwatch', kind: 'deny', count: 1000 });
    try {
      // The member runs EC2 instances, whose CloudWatch metrics the run asks for.
      const trigger = await t.request(`/api/v1/cloud-accounts/${memberId}/sync`, {
        method: 'POST',
        token: token(),
      });
      expect(trigger.status).toBe(202);
      const run = await finished(memberId, 2);
      expect(run.state).toBe('partial');
      const byName = Object.fromEntries(run.stages.map((s) => [s.name, s]));
      expect(byName.validate.state).toBe('succeeded');
      expect(byName.inventory.state).toBe('succeeded');
      expect(byName.inventory.counts.ec2_instance).toBeGreaterThan(0);
      expect(byName.metrics.state).toBe('failed');
      expect(byName.metrics.diagnostics[0]).toMatchObject({
        code: 'inventory_access_denied',
        remediation: expect.stringContaining('cloudwatch:GetMetricData'),
      });
      expect(byName.recommendations.state).toBe('succeeded');
      const shown = (await account(memberId)).status as Account['status'] & { message?: string | null };
      expect(shown.state).toBe('degraded');
      const status = await get<{
        state: string;
        failedStages: { stage: string; diagnostics: { code: string }[] }[];
      }>(`/api/v1/cloud-accounts/${memberId}/sync-status`);
      expect(status.failedStages.map((f) => f.stage)).toEqual(['metrics']);
      expect(status.failedStages[0].diagnostics.map((d) => d.code)).toEqual([
        'inventory_access_denied',
        'inventory_access_denied',
      ]);
    } finally {
      sim.clearFaults();
    }
  });

  it('absorbs AWS throttling and 5xx answers with retries inside the run', async () => {
    const before = sim.calls()['ec2:DescribeInstances'] ?? 0;
    sim.injectFault({ service: 'ec2', operation: 'DescribeInstances', kind: 'throttle', count: 3 });
    sim.injectFault({ service: 'cloudwatch', kind: '503', count: 2 });
    try {
      await t.request(`/api/v1/cloud-accounts/${memberId}/sync`, { method: 'POST', token: token() });
      const run = await finished(memberId, 3);
      expect(run.state).toBe('succeeded');
      expect(run.stages.every((s) => s.state === 'succeeded' || s.name === 'billing')).toBe(true);
      // The throttled calls were made again: three answers more than one successful call per place asked.
      expect((sim.calls()['ec2:DescribeInstances'] ?? 0) - before).toBeGreaterThanOrEqual(3 + 2);
      expect((await account(memberId)).status.state).toBe('healthy');
    } finally {
      sim.clearFaults();
    }
  });

  it('cancels a run whose AWS call hangs: the abort reaches the call in flight', async () => {
    const ec2Calls = () =>
      Object.entries(sim.calls())
        .filter(([key]) => key.startsWith('ec2:'))
        .reduce((sum, [, n]) => sum + n, 0);
    const ec2Before = ec2Calls();
    sim.injectFault({ service: 'ec2', kind: 'slow', delayMs: 120_000, count: 1 });
    try {
      const trigger = await t.request(`/api/v1/cloud-accounts/${memberId}/sync`, {
        method: 'POST',
        token: token(),
      });
      const { id } = (await trigger.json()) as { id: string };
      // The first EC2 call of the run (validation's discovery check) hangs.
      const hung = await eventually(async () => {
        const r = await get<Run & { stage: string | null }>(`/api/v1/sync-runs/${id}`);
        return r.state === 'running' && r.stage ? r.stage : undefined;
      }, 'the run to start');
      // The hanging call reached the simulator (the one slow fault is taken), so the cancel meets it in flight.
      await eventually(async () => ec2Calls() > ec2Before, 'the run to call EC2');
      const cancel = await t.request(`/api/v1/sync-runs/${id}/cancel`, { method: 'POST', token: token() });
      expect(cancel.status).toBe(200);
      // Far sooner than the simulator would answer: only an aborted request ends this early.
      const run = await eventually(
        async () => {
          const r = await get<Run>(`/api/v1/sync-runs/${id}`);
          return r.state === 'cancelled' ? r : undefined;
        },
        'the run to be cancelled',
        30_000,
      );
      expect(run.stages.find((s) => s.name === hung)!.state).toBe('cancelled');
      expect((await account(memberId)).status.state).toBe('healthy');
    } finally {
      sim.clearFaults();
    }
  });

  it('fails on an access problem with what to fix, and does not retry it', async () => {
    sim.setRoleExternalId(SMALL_MEMBER.roleArn, 'some-other-external-id');
    try {
      const before = sim.calls()['sts:AssumeRole'] ?? 0;
      t.ctx.aws.forget(SMALL_MEMBER.roleArn);
      await t.request(`/api/v1/cloud-accounts/${memberId}/sync`, { method: 'POST', token: token() });
      const run = await eventually(async () => {
        const { items } = await runs(memberId);
        return items[0].state === 'failed' ? items[0] : undefined;
      }, 'the run to fail');
      expect(run.stages[0].state).toBe('failed');
      expect(run.stages.slice(1).every((s) => s.state === 'skipped')).toBe(true);
      const status = await get<{ state: string; diagnostics: { code: string; remediation: string }[] }>(
        `/api/v1/cloud-accounts/${memberId}/sync-status`,
      );
      expect(status.state).toBe('failed');
      expect(status.diagnostics[0].code).toMatch(/external_id|trust/);
      expect(status.diagnostics[0].remediation.length).toBeGreaterThan(10);
      // One validation, no retries of the refused AssumeRole by the run.
      expect((sim.calls()['sts:AssumeRole'] ?? 0) - before).toBeLessThanOrEqual(2);
    } finally {
      const setup = await get<{ externalId: string }>('/api/v1/setup/aws');
      sim.setRoleExternalId(SMALL_MEMBER.roleArn, setup.externalId);
    }
  });
});
