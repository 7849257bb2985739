/**
 * Azure discovery against the simulator's Resource Manager and Monitor, through the official clients
 * (@azure/arm-compute, -network, -monitor, -resources-subscriptions) signed in by the simulator's Entra ID: every
 * VM with its power state, disks with their state, public IPs with their association, load balancers, paged with
 * nextLink; CPU points of running VMs; and each failure (403, 404, 429 after the retries) as its diagnostic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AZURE_SMALL_SUBSCRIPTIONS,
  azureSmallWorld,
  startAzureSimulator,
  type AzureSimulator,
} from '../../sim/azure/index.js';
import { servicePrincipalCredential } from '../../src/providers/azure/sdk/credentials.js';
import { createArmClients, type ArmClients } from '../../src/providers/azure/inventory/arm-clients.js';
import { AZURE_SCANNERS, subscriptionsOf } from '../../src/providers/azure/inventory/azure-scanners.js';
import { armDiagnostic } from '../../src/providers/azure/inventory/arm-failures.js';
import { fetchVmCpu, wantsCpu } from '../../src/providers/azure/inventory/azure-metrics.js';
import type { AzureResource } from '../../src/providers/azure/inventory/azure-resources.js';
import { TEST_TLS } from '../helpers/azurite.js';

const SP = {
  tenantId: 'aaaaaaaa-0000-4000-8000-00000000000a',
  clientId: 'bbbbbbbb-0000-4000-8000-00000000000b',
  clientSecret: 'azureSimSecret~0123456789',
};
const NO_READER = { ...SP, clientId: 'dddddddd-0000-4000-8000-00000000000d' };
const [PROD, STAGE, DATA] = AZURE_SMALL_SUBSCRIPTIONS.map((s) => s.id);

describe('Azure discovery through Resource Manager and Monitor (simulator)', () => {
  let sim: AzureSimulator;
  const clientsFor = (sp = SP, retry = { maxRetries: 1, retryDelayInMs: 50, maxRetryDelayInMs: 200 }) =>
    createArmClients({
      endpoint: sim.url,
      credential: servicePrincipalCredential(sp, { authorityHost: sim.url, extraCaPem: TEST_TLS.cert }),
      extraCaPem: TEST_TLS.cert,
      retry,
    });
  const scanAll = async (clients: ArmClients, sub: string) => {
    const out: AzureResource[] = [];
    for (const s of AZURE_SCANNERS) out.push(...(await s.scan({ clients, subscriptionId: sub })));
    return out;
  };

  beforeAll(async () => {
    sim = await startAzureSimulator({
      tls: { cert: TEST_TLS.cert, key: TEST_TLS.key },
      principals: [SP, NO_READER],
      world: azureSmallWorld(SP.tenantId),
      pageSize: 1,
    });
    sim.setReader(NO_READER.clientId, [PROD]);
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('lists the subscriptions a principal reads, and every resource with its state, paging through nextLink', async () => {
    const clients = clientsFor();
    expect(await subscriptionsOf(clients, { scopeType: 'billingAccount', scopeId: 'x' })).toEqual(
      [PROD, STAGE, DATA].sort(),
    );
    expect(
      await subscriptionsOf(clientsFor(NO_READER), { scopeType: 'managementGroup', scopeId: 'mg' }),
    ).toEqual([PROD]);
    const found = [
      ...(await scanAll(clients, PROD)),
      ...(await scanAll(clients, STAGE)),
      ...(await scanAll(clients, DATA)),
    ];
    const byName = Object.fromEntries(found.map((r) => [r.name, r]));
    expect(
      Object.fromEntries(found.filter((r) => r.type === 'azure_vm').map((r) => [r.name, r.state])),
    ).toEqual({
      'vm-web-1': 'running',
      'vm-web-2': 'running',
      'vm-stage-1': 'stopped',
      'vm-batch-1': 'deallocated',
    });
    expect(byName['disk-orphan']).toMatchObject({ type: 'azure_disk', state: 'Unattached' });
    expect(byName['disk-orphan'].details).toMatchObject({ managedBy: null, sizeGb: 512 });
    expect(byName['vm-batch-1-osdisk']).toMatchObject({ state: 'Attached' });
    expect(byName['vm-batch-1-osdisk'].details.managedBy).toBe(byName['vm-batch-1'].id);
    expect(byName['pip-old']).toMatchObject({ type: 'azure_public_ip', state: 'unassociated' });
    expect(byName['pip-lb-web']).toMatchObject({ state: 'associated' });
    expect(byName['lb-web'].details).toMatchObject({ frontends: 1, publicIpIds: [byName['pip-lb-web'].id] });
    // IDs are kept in lower case (ARM capitalized the resource group), the ARM spelling in `arn`.
    expect(byName['vm-web-2'].id).toBe(
      `/subscriptions/${PROD}/resourcegroups/rg-web/providers/microsoft.compute/virtualmachines/vm-web-2`,
    );
    expect(byName['vm-web-2'].arn).toContain('/resourceGroups/RG-WEB/');
    // Pages of one item: the disk list of prod (two disks) took two calls, the second through nextLink.
    const diskCalls = sim.armCalls().filter((c) => c.includes(`${PROD}/providers/Microsoft.Compute/disks`));
    expect(diskCalls.length).toBe(2);
    expect(diskCalls[1]).toContain('skiptoken');
    expect(sim.armCalls().every((c) => /api-version=\d{4}-\d{2}-\d{2}/.test(c))).toBe(true);
  });

  it('reads hourly CPU of running VMs from Azure Monitor', async () => {
    const clients = clientsFor();
    const vms = await AZURE_SCANNERS[0].scan({ clients, subscriptionId: PROD });
    const idle = vms.find((v) => v.name === 'vm-web-2')!;
    expect(wantsCpu(idle)).toBe(true);
    const end = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
    const start = new Date(end.getTime() - 7 * 86_400_000);
    const points = await fetchVmCpu(clients, idle, { start, end });
    expect(points.length).toBe(7 * 24);
    const avg = points.reduce((s, p) => s + p.value, 0) / points.length;
    expect(avg).toBeLessThan(5);
    const call = sim.armCalls().find((c) => c.includes('Microsoft.Insights/metrics'))!;
    expect(decodeURIComponent(call)).toMatch(/metricnames=Percentage CPU/);
    expect(call).toMatch(/interval=PT1H/);
    const stage = await AZURE_SCANNERS[0].scan({ clients, subscriptionId: STAGE });
    expect(wantsCpu(stage[0])).toBe(false);
  });

  it('words a denied subscription, an unknown one and lasting throttling as diagnostics', async () => {
    const denied = await AZURE_SCANNERS[1]
      .scan({ clients: clientsFor(NO_READER), subscriptionId: STAGE })
      .catch((e: unknown) => e);
    expect(armDiagnostic(denied, 'Microsoft.Compute/disks/read', STAGE, 'inventory')).toMatchObject({
      code: 'azure_discovery_denied',
      key: STAGE,
    });
    const unknown = '99999999-aaaa-4aaa-8aaa-000000000009';
    const missing = await AZURE_SCANNERS[0]
      .scan({ clients: clientsFor(), subscriptionId: unknown })
      .catch((e: unknown) => e);
    expect(armDiagnostic(missing, 'x', unknown, 'inventory').code).toBe('azure_subscription_not_found');
    // One 429 is retried after its Retry-After; throttling beyond the retries is reported.
    sim.throttle(1);
    expect((await AZURE_SCANNERS[3].scan({ clients: clientsFor(), subscriptionId: PROD })).length).toBe(1);
    sim.throttle(10);
    const throttled = await AZURE_SCANNERS[3]
      .scan({
        clients: clientsFor(SP, { maxRetries: 0, retryDelayInMs: 10, maxRetryDelayInMs: 10 }),
        subscriptionId: PROD,
      })
      .catch((e: unknown) => e);
    sim.throttle(0);
    expect(armDiagnostic(throttled, 'x', PROD, 'inventory').code).toBe('azure_discovery_throttled');
  });
});
