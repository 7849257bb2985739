import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../sim/index.js';
import { createInventoryService, type InventoryService } from '../../src/inventory/inventory-service.js';
import { loadResources, type StoredResource } from '../../src/inventory/resource-store.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase, ENGINES, type TestDatabase } from '../helpers/stores.js';
import { insertAccount } from '../recommendations/fixtures.js';
import { simClients, simClock, type SimClients } from './sim-support.js';

const ORG = 'org_inv';
const PROD = '200000000002';
const STAGING = '300000000003';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator('demo');
});
afterAll(async () => {
  await sim?.close();
});

const named = (resources: StoredResource[], name: string) => resources.find((r) => r.name === name);

describe.each(ENGINES)('inventory scan against the simulator on %s', (engine) => {
  let db: TestDatabase;
  let store: Store;
  let inventory: InventoryService;
  const clients: SimClients[] = [];
  const clientsFor = (account: string) => {
    const c = simClients(sim, account);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    store = await db.open();
    inventory = createInventoryService({ store, clock: simClock(sim), log: pino({ level: 'silent' }) });
    await insertAccount(store, { id: 'ca_prod', orgId: ORG, awsAccountId: PROD });
    await insertAccount(store, { id: 'ca_stg', orgId: ORG, awsAccountId: STAGING });
  });
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await store?.close();
    await db?.destroy();
  });

  it('finds every kind of resource in every enabled region, with the facts the rules need', async () => {
    const progress: number[] = [];
    const result = await inventory.scanAccount({
      orgId: ORG,
      cloudAccountId: 'ca_prod',
      awsAccountId: PROD,
      clients: clientsFor(PROD),
      onProgress: (p) => progress.push(p.done),
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.regions.scanned).toEqual([...sim.world.regions].sort());
    const world = sim.world;
    const mine = <T extends { accountId: string }>(xs: T[]) => xs.filter((x) => x.accountId === PROD);
    expect(result.counts).toEqual({
      ec2_instance: mine(world.instances).length,
      ebs_volume: mine(world.volumes).length,
      ebs_snapshot: mine(world.snapshots).length,
      ami: mine(world.images).length,
      elastic_ip: mine(world.addresses).length,
      load_balancer: mine(world.loadBalancers).length,
    });
    expect(progress.at(-1)).toBe(sim.world.regions.length * 7);

    const resources = await loadResources(store, ORG, 'ca_prod');
    const web = named(resources, 'prod-web-1');
    expect(web).toMatchObject({ type: 'ec2_instance', state: 'running', region: 'us-east-1' });
    expect(web?.tags).toMatchObject({ team: 'web', env: 'prod' });
    expect(web?.details).toMatchObject({ instanceType: 'm5.large', platform: 'Linux/UNIX' });
    expect((web?.details.volumeIds as string[]).length).toBe(2);

    const gp2 = resources.find((r) => r.type === 'ebs_volume' && r.details.volumeType === 'gp2');
    expect(gp2?.details).toMatchObject({ sizeGiB: 300, attachments: [{ instanceId: web?.id }] });
    const loose = named(resources, 'prod-old-data');
    expect(loose).toMatchObject({ state: 'available', details: { attachments: [], volumeType: 'gp3' } });
    // AWS gives no detach time: a volume first seen unattached counts from its creation.
    expect(loose?.details.unattachedSince).toBe(loose?.details.createTime);

    const golden = named(resources, 'prod-golden-image');
    const image = resources.find((r) => r.type === 'ami');
    expect(golden?.details.usedByImages).toEqual([image?.id]);
    expect(named(resources, 'prod-db-2023')?.details.usedByImages).toEqual([]);
    expect(golden?.details.billIds).toContain(`arn:aws:ec2:us-east-1:${PROD}:snapshot/${golden?.id}`);

    expect(named(resources, 'prod-web-ip')).toMatchObject({
      state: 'associated',
      details: { instanceId: web?.id },
    });
    const spare = named(resources, 'prod-spare-ip');
    expect(spare?.state).toBe('unassociated');
    expect(spare?.details.billIds).toContain(spare?.details.publicIp);

    const alb = named(resources, 'prod-web-alb');
    expect(alb?.tags).toEqual({ team: 'web', env: 'prod' });
    expect(alb?.details).toMatchObject({ lbType: 'application', registeredTargets: 3, healthyTargets: 3 });
    expect(alb?.details.metricDimension).toMatch(/^app\/prod-web-alb\//);
    expect(named(resources, 'prod-old-alb')?.details).toMatchObject({
      registeredTargets: 0,
      healthyTargets: 0,
    });
    const nlb = named(resources, 'prod-api-nlb');
    expect(nlb?.tags).toEqual({ team: 'api', env: 'prod' });
    expect(nlb?.details).toMatchObject({ lbType: 'network', healthyTargets: 2 });
  });

  it('lists classic load balancers with their tags and instance health, and stopped instances with the time they stopped', async () => {
    const result = await inventory.scanAccount({
      orgId: ORG,
      cloudAccountId: 'ca_stg',
      awsAccountId: STAGING,
      clients: clientsFor(STAGING),
      regions: ['us-east-1'],
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.regions.scanned).toEqual(['us-east-1']);
    const resources = await loadResources(store, ORG, 'ca_stg');
    const classic = named(resources, 'stg-classic');
    expect(classic?.id).toBe(`arn:aws:elasticloadbalancing:us-east-1:${STAGING}:loadbalancer/stg-classic`);
    const web1 = sim.world.instances.find((i) => i.name === 'stg-web-1');
    expect(classic?.tags).toEqual({ team: 'web', env: 'staging' });
    expect(classic?.details).toMatchObject({
      lbType: 'classic',
      instances: [{ id: web1?.id, state: 'InService' }],
      registeredTargets: 1,
      healthyTargets: 1,
      metricDimension: 'stg-classic',
    });
    const perf = sim.world.instances.find((i) => i.name === 'stg-perf');
    const stopped = named(resources, 'stg-perf');
    expect(stopped?.state).toBe('stopped');
    expect(stopped?.details.stoppedAt).toBe(new Date((perf?.stoppedAt ?? 0) * 1000).toISOString());
  });

  it('collects hourly CloudWatch points for many resources per request', async () => {
    const result = await inventory.collectMetrics({
      orgId: ORG,
      cloudAccountId: 'ca_prod',
      clients: clientsFor(PROD),
    });
    expect(result.diagnostics).toEqual([]);
    const running = sim.world.instances.filter((i) => i.accountId === PROD && i.state === 'running');
    const lbs = sim.world.loadBalancers.filter((l) => l.accountId === PROD);
    const regions = new Set([...running.map((i) => i.region), ...lbs.map((l) => l.region)]);
    // One request per region: every series of a region goes in one batch.
    expect(result.requests).toBe(regions.size);
    expect(result.series).toBe(running.length * 3 + lbs.length * 2);
    const jumpbox = running.find((i) => i.name === 'prod-jumpbox');
    const [cpu] = await store.query<{ n: number; avg: number }>(
      `SELECT count(*) AS n, avg(value) AS avg FROM resource_metrics WHERE resource_id = $1 AND metric = 'CPUUtilization'`,
      [jumpbox?.id ?? ''],
    );
    expect(Number(cpu.n)).toBe(14 * 24);
    expect(Number(cpu.avg)).toBeLessThan(2);
    // A second collection fetches only the newest hours and stores no duplicates.
    const again = await inventory.collectMetrics({
      orgId: ORG,
      cloudAccountId: 'ca_prod',
      clients: clientsFor(PROD),
    });
    expect(again.points).toBeLessThan(result.points / 100);
    const [after] = await store.query<{ n: number }>(
      `SELECT count(*) AS n FROM resource_metrics WHERE resource_id = $1 AND metric = 'CPUUtilization'`,
      [jumpbox?.id ?? ''],
    );
    expect(Number(after.n)).toBe(14 * 24);
  });

  it('absorbs throttling with backoff', async () => {
    sim.injectFault({ service: 'ec2', operation: 'DescribeVolumes', kind: 'throttle', count: 3 });
    sim.injectFault({
      service: 'elasticloadbalancing',
      operation: 'DescribeTargetHealth',
      kind: 'throttle',
      count: 2,
    });
    sim.injectFault({ service: 'monitoring', operation: 'GetMetricData', kind: 'throttle', count: 2 });
    const before = sim.calls()['ec2:DescribeVolumes'] ?? 0;
    const result = await inventory.scanAccount({
      orgId: ORG,
      cloudAccountId: 'ca_prod',
      awsAccountId: PROD,
      clients: clientsFor(PROD),
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.counts.ebs_volume).toBe(sim.world.volumes.filter((v) => v.accountId === PROD).length);
    expect((sim.calls()['ec2:DescribeVolumes'] ?? 0) - before).toBeGreaterThanOrEqual(
      sim.world.regions.length + 3,
    );
    const metrics = await inventory.collectMetrics({
      orgId: ORG,
      cloudAccountId: 'ca_prod',
      clients: clientsFor(PROD),
    });
    expect(metrics.diagnostics).toEqual([]);
    sim.clearFaults();
  });

  it('records a denied region as a diagnostic, scans the other regions, and keeps the denied region’s resources', async () => {
    // A service control policy that denies eu-west-1: every call signed for the region is refused, whatever
    // the service. The count is more than one scan makes; the rest is cleared below.
    sim.injectFault({ service: '*', region: 'eu-west-1', kind: 'deny', count: 1000 });
    const result = await inventory
      .scanAccount({ orgId: ORG, cloudAccountId: 'ca_prod', awsAccountId: PROD, clients: clientsFor(PROD) })
      .finally(() => sim.clearFaults());
    expect(result.regions.failed).toEqual(['eu-west-1']);
    expect(result.regions.scanned).toEqual(sim.world.regions.filter((r) => r !== 'eu-west-1').sort());
    const diagnostics = result.diagnostics;
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'region_access_denied', key: 'eu-west-1' });
    expect(diagnostics[0].remediation).toMatch(/eu-west-1/);
    const resources = await loadResources(store, ORG, 'ca_prod');
    expect(named(resources, 'prod-legacy-app')?.goneAt).toBeNull();
    expect(named(resources, 'prod-web-1')?.goneAt).toBeNull();
    const status = await inventory.scanStatus(ORG, 'ca_prod');
    const eu = status.filter((s) => s.region === 'eu-west-1' && s.unit !== 'metrics');
    expect(eu.every((s) => s.state === 'failed' && s.diagnostic?.code === 'inventory_access_denied')).toBe(
      true,
    );
    expect(status.filter((s) => s.region === 'us-east-1').every((s) => s.state === 'ok')).toBe(true);
  });

  it('marks resources that disappear as gone, with the time, and brings them back if they return', async () => {
    const scan = () =>
      inventory.scanAccount({
        orgId: ORG,
        cloudAccountId: 'ca_prod',
        awsAccountId: PROD,
        clients: clientsFor(PROD),
      });
    const nightly = sim.world.snapshots.find((s) => s.name === 'prod-nightly');
    expect(nightly).toBeDefined();
    const snapshots = [...sim.world.snapshots];
    expect(sim.removeResource(nightly?.id ?? '')).toBe(true);
    const result = await scan();
    expect(result.gone).toBe(1);
    const all = await loadResources(store, ORG, 'ca_prod', { includeGone: true });
    expect(all.find((r) => r.id === nightly?.id)?.goneAt?.toISOString()).toBe(sim.truth.now);
    expect((await loadResources(store, ORG, 'ca_prod')).some((r) => r.id === nightly?.id)).toBe(false);
    const listed = await inventory.list(ORG, { type: 'ebs_snapshot', includeGone: true });
    expect(listed.items.find((r) => r.id === nightly?.id)?.goneAt).toBe(sim.truth.now);

    sim.world.snapshots = snapshots;
    await scan();
    expect((await loadResources(store, ORG, 'ca_prod')).find((r) => r.id === nightly?.id)?.goneAt).toBeNull();
  });

  it('filters the resource list by account, region, type, state and tag', async () => {
    const byTag = await inventory.list(ORG, { tag: 'team=web', type: 'ec2_instance', awsAccountId: PROD });
    expect(byTag.items.map((r) => r.name).sort()).toEqual(['prod-web-1', 'prod-web-2', 'prod-web-3']);
    const hasTag = await inventory.list(ORG, { tag: 'env', region: 'us-west-2' });
    expect(hasTag.items.map((r) => r.name).sort()).toEqual(['prod-api-1', 'prod-api-2', 'prod-api-nlb']);
    const stopped = await inventory.list(ORG, { state: 'stopped' });
    expect(stopped.items.map((r) => r.name)).toEqual(['stg-perf']);
    const everyWebBox = await inventory.list(ORG, { tag: 'team=web', type: 'ec2_instance' });
    expect(everyWebBox.items.map((r) => r.name)).toContain('stg-web-1');
    const staging = await inventory.list(ORG, { awsAccountId: STAGING, type: 'ebs_volume' });
    expect(staging.total).toBe(
      sim.world.volumes.filter((v) => v.accountId === STAGING && v.region === 'us-east-1').length,
    );
  });
});
