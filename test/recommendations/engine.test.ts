import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecommendationService } from '../../src/recommendations/recommendation-service.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase, ENGINES, type TestDatabase } from '../helpers/stores.js';
import {
  daysAgo,
  insertAccount,
  insertDailyLines,
  insertMetric,
  insertResource,
  NOW,
  principal,
} from './fixtures.js';

const ORG = 'org_a';
const CA = 'ca_1';
const AWS = '111111111111';
const SP_ARN = `arn:aws:savingsplans::${AWS}:savingsplan/sp-1`;
const RI_ARN = `arn:aws:ec2:us-east-1:${AWS}:reserved-instances/ri-1`;

const instance = (type: string, extra: Record<string, unknown> = {}) => ({
  instanceType: type,
  launchTime: daysAgo(100).toISOString(),
  platform: 'Linux/UNIX',
  availabilityZone: 'us-east-1a',
  lifecycle: 'on-demand',
  imageId: null,
  volumeIds: [],
  stoppedAt: null,
  stateReason: null,
  ...extra,
});
const volume = (
  type: string,
  size: number,
  attachedTo: string | null,
  extra: Record<string, unknown> = {},
) => ({
  volumeType: type,
  sizeGiB: size,
  iops: null,
  availabilityZone: 'us-east-1a',
  createTime: daysAgo(40).toISOString(),
  attachments: attachedTo ? [{ instanceId: attachedTo, device: '/dev/xvda', state: 'attached' }] : [],
  unattachedSince: attachedTo ? null : daysAgo(40).toISOString(),
  ...extra,
});
const lb = (healthy: number, extra: Record<string, unknown> = {}) => ({
  lbType: 'application',
  dnsName: null,
  scheme: 'internet-facing',
  createdTime: daysAgo(100).toISOString(),
  targetGroups: [],
  instances: [],
  registeredTargets: healthy,
  healthyTargets: healthy,
  metricDimension: 'app/x/1',
  ...extra,
});

async function seed(store: Store): Promise<void> {
  await insertAccount(store, { id: CA, orgId: ORG, awsAccountId: AWS });
  const base = { orgId: ORG, cloudAccountId: CA, awsAccountId: AWS };
  const res = (
    type: string,
    id: string,
    state: string | undefined,
    details: Record<string, unknown>,
    more = {},
  ) => insertResource(store, { ...base, type, id, state, details: { ...details, billIds: [id] }, ...more });
  const metric = (resourceId: string, metric: string, value: number | ((h: number) => number), days = 14) =>
    insertMetric(store, { orgId: ORG, cloudAccountId: CA, resourceId, metric, days, value });
  const lines = (resourceId: string | null, days: number, dailyCost: number, more = {}) =>
    insertDailyLines(store, {
      orgId: ORG,
      cloudAccountId: 'ca_payer',
      subAccountId: AWS,
      resourceId,
      days,
      dailyCost,
      usageType: resourceId?.startsWith('i-') ? 'BoxUsage:m5.large' : 'EBS:VolumeUsage.gp3',
      ...more,
    });

  // Instances.
  await res('ec2_instance', 'i-idle', 'running', instance('m5.large'));
  await metric('i-idle', 'CPUUtilization', 1.2);
  await metric('i-idle', 'NetworkIn', 360_000);
  await metric('i-idle', 'NetworkOut', 720_000);
  await lines('i-idle', 40, 2.304);
  await res('ec2_instance', 'i-busy', 'running', instance('m5.xlarge'));
  await metric('i-busy', 'CPUUtilization', 60);
  await lines('i-busy', 40, 4.608);
  await res('ec2_instance', 'i-oversized', 'running', instance('m5.2xlarge'));
  await metric('i-oversized', 'CPUUtilization', (h) => 10 + (h % 20));
  await metric('i-oversized', 'NetworkIn', 200_000_000);
  await lines('i-oversized', 40, 9.216);
  await res('ec2_instance', 'i-old', 'running', instance('m4.large'));
  await metric('i-old', 'CPUUtilization', 55);
  await lines('i-old', 40, 2.4);
  await res(
    'ec2_instance',
    'i-young',
    'running',
    instance('m5.large', { launchTime: daysAgo(3).toISOString() }),
  );
  await metric('i-young', 'CPUUtilization', 0.5, 3);
  await res(
    'ec2_instance',
    'i-stopped',
    'stopped',
    instance('m5.large', { stoppedAt: daysAgo(10).toISOString(), stoppedSince: daysAgo(10).toISOString() }),
  );
  await res('ebs_volume', 'vol-s1', 'in-use', volume('gp3', 100, 'i-stopped'));
  await lines('vol-s1', 40, 8 / 30);
  await res(
    'ec2_instance',
    'i-stopped-recent',
    'stopped',
    instance('m5.large', { stoppedSince: daysAgo(2).toISOString() }),
  );
  await res('ebs_volume', 'vol-s2', 'in-use', volume('gp3', 100, 'i-stopped-recent'));
  await lines('vol-s2', 40, 8 / 30);

  // Volumes.
  await res('ebs_volume', 'vol-free', 'available', volume('gp2', 50, null));
  await lines('vol-free', 40, 5 / 30);
  await res('ebs_volume', 'vol-busy', 'in-use', volume('gp3', 20, 'i-busy'));
  await lines('vol-busy', 40, 1.6 / 30);

  // Addresses: the free one was first seen an hour ago, but the bill shows it idle for 20 days.
  await insertResource(store, {
    ...base,
    type: 'elastic_ip',
    id: 'eipalloc-free',
    state: 'unassociated',
    firstSeenAt: new Date(NOW.getTime() - 3_600_000),
    details: {
      publicIp: '3.3.3.3',
      allocationId: 'eipalloc-free',
      associationId: null,
      instanceId: null,
      networkInterfaceId: null,
      domain: 'vpc',
      unassociatedSince: null,
      billIds: ['3.3.3.3', 'eipalloc-free'],
    },
  });
  await lines('3.3.3.3', 20, 0.12, { usageType: 'USE1-PublicIPv4:IdleAddress' });
  await insertResource(store, {
    ...base,
    type: 'elastic_ip',
    id: 'eipalloc-used',
    state: 'associated',
    details: {
      publicIp: '4.4.4.4',
      allocationId: 'eipalloc-used',
      associationId: 'eipassoc-1',
      instanceId: 'i-busy',
      networkInterfaceId: 'eni-1',
      domain: 'vpc',
      unassociatedSince: null,
      billIds: ['4.4.4.4', 'eipalloc-used'],
    },
  });
  await lines('4.4.4.4', 40, 0.12, { usageType: 'USE1-PublicIPv4:InUseAddress' });

  // Load balancers; metrics of the region were fetched successfully.
  await store.execute(
    `INSERT INTO inventory_scan_status (org_id, cloud_account_id, region, scan_unit, state, item_count, diagnostic, scanned_at, last_success_at)
     VALUES ($1, $2, 'us-east-1', 'metrics', 'ok', 1, NULL, $3, $3)`,
    [ORG, CA, NOW],
  );
  await res('load_balancer', 'arn:lb/no-targets', 'active', lb(0));
  await lines('arn:lb/no-targets', 40, 0.54);
  await res('load_balancer', 'arn:lb/busy', 'active', lb(2));
  await metric('arn:lb/busy', 'RequestCount', 100);
  await lines('arn:lb/busy', 40, 0.9);
  await res('load_balancer', 'arn:lb/quiet', 'active', lb(1));
  await lines('arn:lb/quiet', 40, 0.54);

  // Snapshots.
  const snap = (age: number, used: string[] | null) => ({
    volumeId: 'vol-x',
    volumeSizeGiB: 10,
    startTime: daysAgo(age).toISOString(),
    description: null,
    usedByImages: used,
  });
  await res('ebs_snapshot', 'snap-old', 'completed', snap(120, []));
  await lines('snap-old', 40, 0.5 / 30);
  await res('ebs_snapshot', 'snap-ami', 'completed', snap(200, ['ami-1']));
  await lines('snap-ami', 40, 0.5 / 30);
  await res('ebs_snapshot', 'snap-unknown', 'completed', snap(200, null));
  await res('ebs_snapshot', 'snap-young', 'completed', snap(30, []));

  // Steady on-demand usage for 90 days: at least $10 a day.
  await lines('i-steady', 90, 0, { dailyCost: (i: number) => 10 + (i % 7) });
  // A savings plan used at 75 %, a reservation at 95 %.
  await lines(SP_ARN, 30, 24, {
    lineType: 'SavingsPlanRecurringFee',
    usageType: 'ComputeSP:1yrNoUpfront',
    commitmentId: SP_ARN,
    effectiveCost: 6,
  });
  await lines('i-covered', 30, 25, {
    lineType: 'SavingsPlanCoveredUsage',
    commitmentId: SP_ARN,
    effectiveCost: 18,
  });
  await lines(RI_ARN, 30, 3, {
    lineType: 'RIFee',
    usageType: 'HeavyUsage:m5.large',
    commitmentId: RI_ARN,
    effectiveCost: 0.1,
  });
  await lines('i-reserved', 30, 0, { lineType: 'DiscountedUsage', commitmentId: RI_ARN, effectiveCost: 1.9 });
}

describe.each(ENGINES)('recommendation engine on %s', (engine) => {
  let db: TestDatabase;
  let store: Store;
  let clockNow = NOW;
  const log = pino({ level: 'silent' });
  const service = () => createRecommendationService({ store, clock: { now: () => clockNow }, log });

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    store = await db.open();
    await seed(store);
  });
  afterAll(async () => {
    await store?.close();
    await db?.destroy();
  });

  it('finds each kind of waste with the saving taken from the bill, and nothing that is busy or in use', async () => {
    const run = await service().runForAccount({ orgId: ORG, cloudAccountId: CA });
    expect(run.skipped).toEqual([]);
    const { items, totals } = await service().list(ORG, { limit: 500 });
    const got = Object.fromEntries(items.map((i) => [`${i.rule} ${i.resourceId}`, i.monthlySavings]));
    expect(got).toEqual({
      'idle_instance i-idle': 69.12,
      'rightsizing i-oversized': 138.24,
      'previous_generation i-old': 2.88,
      'stopped_instance_volumes i-stopped': 8,
      'unattached_volume vol-free': 5,
      'gp2_to_gp3 vol-free': 1,
      'unassociated_eip eipalloc-free': 2.4,
      'idle_load_balancer arn:lb/no-targets': 16.2,
      'idle_load_balancer arn:lb/quiet': 16.2,
      'old_snapshot snap-old': 0.5,
      [`savings_plan_commitment ${AWS}`]: 84,
      [`low_commitment_utilization ${SP_ARN}`]: 180,
    });
    expect(run.opened).toBe(items.length);
    for (const i of items) {
      expect(i.state).toBe('open');
      expect(i.awsAccountId).toBe(AWS);
      expect(i.savingsBasis).toBe('bill');
      expect(i.currency).toBe('USD');
      expect(i.reason.length).toBeGreaterThan(10);
      expect(i.action.length).toBeGreaterThan(5);
    }
    const idle = items.find((i) => i.rule === 'idle_instance');
    expect(idle?.reason).toContain('average CPU 1.2 %, network 300 B/s over 7 days');
    expect(items.find((i) => i.rule === 'rightsizing')?.evidence.targetType).toBe('m5.xlarge');
    expect(items.find((i) => i.rule === 'previous_generation')?.evidence.targetType).toBe('m5.large');
    expect(totals.monthlySavings).toBeCloseTo(
      items.reduce((a, i) => a + i.monthlySavings, 0),
      2,
    );
    expect(totals.byRule.find((r) => r.rule === 'idle_load_balancer')).toEqual({
      rule: 'idle_load_balancer',
      count: 2,
      monthlySavings: 32.4,
    });
    expect(totals.byAccount).toEqual([
      { awsAccountId: AWS, count: items.length, monthlySavings: totals.monthlySavings },
    ]);
  });

  it('keeps a dismissal and a snooze across re-runs, and reopens on request; each action is audited', async () => {
    const svc = service();
    const idle = (await svc.list(ORG, { rule: 'idle_instance' })).items[0];
    const eip = (await svc.list(ORG, { rule: 'unassociated_eip' })).items[0];
    await expect(svc.dismiss(principal(ORG), idle.id, { reason: '  ' })).rejects.toMatchObject({
      field: 'reason',
    });
    await expect(svc.dismiss(principal(ORG, 'viewer'), idle.id, { reason: 'x' })).rejects.toMatchObject({
      kind: 'permission',
    });
    await expect(svc.dismiss(principal('org_b'), idle.id, { reason: 'x' })).rejects.toMatchObject({
      kind: 'not_found',
    });
    const dismissed = await svc.dismiss(principal(ORG), idle.id, { reason: 'batch host, idle by design' });
    expect(dismissed).toMatchObject({ state: 'dismissed', stateReason: 'batch host, idle by design' });
    await expect(svc.snooze(principal(ORG), eip.id, { until: daysAgo(1) })).rejects.toMatchObject({
      field: 'until',
    });
    const until = new Date(NOW.getTime() + 7 * 86_400_000);
    expect(await svc.snooze(principal(ORG), eip.id, { until: until.toISOString() })).toMatchObject({
      state: 'snoozed',
    });

    const again = await svc.runForAccount({ orgId: ORG, cloudAccountId: CA });
    expect(again.opened).toBe(0);
    expect(again.closed).toBe(0);
    expect((await svc.get(ORG, idle.id)).state).toBe('dismissed');
    expect((await svc.get(ORG, eip.id)).state).toBe('snoozed');
    const open = await svc.list(ORG, {});
    expect(open.items.map((i) => i.id)).not.toContain(idle.id);
    expect(open.totals.byRule.map((r) => r.rule)).not.toContain('idle_instance');
    expect((await svc.list(ORG, { state: 'dismissed' })).items.map((i) => i.id)).toEqual([idle.id]);

    // The snooze runs out by itself.
    clockNow = new Date(until.getTime() + 1000);
    expect((await service().get(ORG, eip.id)).state).toBe('open');
    clockNow = NOW;
    expect((await svc.reopen(principal(ORG), idle.id)).state).toBe('open');

    const audit = await store.query<{ action: string; object_id: string }>(
      `SELECT action, object_id FROM audit_log WHERE org_id = $1 ORDER BY created_at`,
      [ORG],
    );
    expect(audit.map((a) => `${a.action} ${a.object_id}`)).toEqual([
      `recommendation.dismiss ${idle.id}`,
      `recommendation.snooze ${eip.id}`,
      `recommendation.reopen ${idle.id}`,
    ]);
  });

  it('closes a recommendation that no longer applies, with the reason, and reopens it when it applies again', async () => {
    const svc = service();
    await store.execute(`UPDATE resources SET gone_at = $1 WHERE resource_id = 'vol-free'`, [NOW]);
    await store.execute(`UPDATE resources SET state = 'associated' WHERE resource_id = 'eipalloc-free'`);
    const run = await svc.runForAccount({ orgId: ORG, cloudAccountId: CA });
    expect(run.closed).toBe(3);
    const closed = (await svc.list(ORG, { state: 'closed' })).items;
    expect(closed.map((c) => `${c.rule} ${c.resourceId}`).sort()).toEqual([
      'gp2_to_gp3 vol-free',
      'unassociated_eip eipalloc-free',
      'unattached_volume vol-free',
    ]);
    expect(closed.find((c) => c.rule === 'unattached_volume')?.closedReason).toMatch(/resource is gone/);
    expect(closed.find((c) => c.rule === 'unassociated_eip')?.closedReason).toMatch(/associated again/);
    await expect(svc.dismiss(principal(ORG), closed[0].id, { reason: 'x' })).rejects.toMatchObject({
      kind: 'conflict',
    });

    await store.execute(`UPDATE resources SET state = 'unassociated' WHERE resource_id = 'eipalloc-free'`);
    const back = await svc.runForAccount({ orgId: ORG, cloudAccountId: CA });
    expect(back.opened).toBe(1);
    const eip = (await svc.list(ORG, { rule: 'unassociated_eip', state: 'all' })).items[0];
    expect(eip).toMatchObject({ state: 'snoozed', closedReason: null });
  });

  it('turns a rule off through settings, closing its recommendations', async () => {
    const svc = service();
    const manager = principal(ORG, 'manager');
    await expect(
      svc.updateSettings(principal(ORG), 'old_snapshot', { enabled: false }),
    ).rejects.toMatchObject({
      kind: 'permission',
    });
    await expect(svc.updateSettings(manager, 'old_snapshot', { minAgeDays: -1 })).rejects.toMatchObject({
      field: 'settings.old_snapshot.minAgeDays',
    });
    await svc.updateSettings(manager, 'old_snapshot', { enabled: false });
    await svc.runForAccount({ orgId: ORG, cloudAccountId: CA });
    const snap = (await svc.list(ORG, { rule: 'old_snapshot', state: 'all' })).items[0];
    expect(snap).toMatchObject({ state: 'closed', closedReason: expect.stringMatching(/turned off/) });
    await svc.updateSettings(manager, 'old_snapshot', { enabled: true, minAgeDays: 150 });
    await svc.runForAccount({ orgId: ORG, cloudAccountId: CA });
    expect((await svc.get(ORG, snap.id)).state).toBe('closed');
  });
});
