import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario, startSimulator, type ScenarioInput, type Simulator } from '../../sim/index.js';
import { createInventoryService, type InventoryService } from '../../src/inventory/inventory-service.js';
import { loadResources } from '../../src/inventory/resource-store.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase, ENGINES, type TestDatabase } from '../helpers/stores.js';
import { insertAccount } from '../recommendations/fixtures.js';
import { EXTERNAL_ID, ROLE_NAME, simClients, simClock, type SimClients } from './sim-support.js';

const ORG = 'org_regions';
const ACCOUNT = '500000000005';

/**
 * An account with two regions that need no opt-in, one it opted in to (me-south-1, with an instance) and one it
 * did not (ap-east-1, where the simulator refuses every call as AWS does).
 */
const scenario: ScenarioInput = {
  name: 'opt-in-regions',
  seed: 3,
  months: 1,
  now: '2025-03-15T12:00:00Z',
  host: {
    accountId: '999999999999',
    userName: 'cloudtally',
    accessKeyId: 'AKIASIMHOST000000001',
    secretAccessKey: 'simHostSecretKey0000000000000000000001',
  },
  organization: { id: 'o-regions0001', payerAccountId: ACCOUNT },
  accounts: [{ id: ACCOUNT, name: 'solo' }],
  roles: [
    {
      accountId: ACCOUNT,
      name: ROLE_NAME,
      trust: { principals: ['999999999999'], externalId: EXTERNAL_ID },
      allow: ['ec2:Describe*', 'elasticloadbalancing:Describe*', 'cloudwatch:Get*'],
    },
  ],
  regions: ['us-east-1', 'eu-west-1'],
  optInRegions: [
    { name: 'ap-east-1', status: 'not-opted-in' },
    { name: 'me-south-1', status: 'opted-in' },
  ],
  instances: [
    { name: 'virginia-web', accountId: ACCOUNT, region: 'us-east-1', type: 't3.micro' },
    { name: 'bahrain-web', accountId: ACCOUNT, region: 'me-south-1', type: 't3.micro' },
  ],
};

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator(loadScenario(scenario));
});
afterAll(async () => {
  await sim?.close();
});

describe.each(ENGINES)('inventory regions with opt-in regions on %s', (engine) => {
  let db: TestDatabase;
  let store: Store;
  let inventory: InventoryService;
  const clients: SimClients[] = [];
  const scan = (regions?: string[]) => {
    const c = simClients(sim, ACCOUNT);
    clients.push(c);
    return inventory.scanAccount({
      orgId: ORG,
      cloudAccountId: 'ca_solo',
      awsAccountId: ACCOUNT,
      clients: c,
      regions,
    });
  };

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    store = await db.open();
    inventory = createInventoryService({ store, clock: simClock(sim), log: pino({ level: 'silent' }) });
    await insertAccount(store, { id: 'ca_solo', orgId: ORG, awsAccountId: ACCOUNT });
  });
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await store?.close();
    await db?.destroy();
  });

  it('scans the regions that need no opt-in and the opted-in ones, never one not opted in', async () => {
    const result = await scan();
    expect(result.regions.scanned).toEqual(['eu-west-1', 'me-south-1', 'us-east-1']);
    expect(result.regions.failed).toEqual([]);
    expect(result.diagnostics).toEqual([]);
    const resources = await loadResources(store, ORG, 'ca_solo');
    expect(resources.map((r) => [r.name, r.region]).sort()).toEqual([
      ['bahrain-web', 'me-south-1'],
      ['bahrain-web-root', 'me-south-1'],
      ['virginia-web', 'us-east-1'],
      ['virginia-web-root', 'us-east-1'],
    ]);
    // Scanning ap-east-1 would not have gone unnoticed: every call there fails.
    const forced = await scan(['ap-east-1']);
    expect(forced.regions.failed).toEqual(['ap-east-1']);
  });

  it('scans a region once the account opts in to it', async () => {
    sim.setRegionOptIn('ap-east-1', 'opted-in');
    try {
      const result = await scan();
      expect(result.regions.scanned).toEqual(['ap-east-1', 'eu-west-1', 'me-south-1', 'us-east-1']);
      expect(result.diagnostics).toEqual([]);
    } finally {
      sim.setRegionOptIn('ap-east-1', 'not-opted-in');
    }
  });
});
