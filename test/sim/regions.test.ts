import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeInstancesCommand, DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { loadScenario, startSimulator, type ScenarioInput, type Simulator } from '../../sim/index.js';
import { assumeRole, clientConfig } from './helpers.js';

const ACCOUNT = '111111111111';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/Reader`;

/** One account, two regions that need no opt-in, one opted in and one not; no billing exports. */
const scenario: ScenarioInput = {
  name: 'opt-in',
  seed: 5,
  months: 1,
  now: '2025-03-15T12:00:00Z',
  host: {
    accountId: '999999999999',
    userName: 'cloudtally',
    accessKeyId: 'AKIASIMHOST000000001',
    secretAccessKey: 'simHostSecretKey0000000000000000000001',
  },
  organization: { id: 'o-optin00001', payerAccountId: ACCOUNT },
  accounts: [{ id: ACCOUNT, name: 'payer' }],
  roles: [
    {
      accountId: ACCOUNT,
      name: 'Reader',
      trust: { principals: ['999999999999'] },
      allow: ['ec2:Describe*', 'elasticloadbalancing:Describe*'],
    },
  ],
  regions: ['us-east-1', 'eu-west-1'],
  optInRegions: [
    { name: 'ap-east-1', status: 'not-opted-in' },
    { name: 'me-south-1', status: 'opted-in' },
  ],
  instances: [{ name: 'bahrain-web', accountId: ACCOUNT, region: 'me-south-1', type: 't3.micro' }],
  // From the scenario file: one denied EC2 call in eu-west-1.
  faults: [{ service: 'ec2', region: 'eu-west-1', kind: 'deny', count: 1 }],
};

const regionsOf = (out: { Regions?: { RegionName?: string; OptInStatus?: string }[] }) =>
  (out.Regions ?? []).map((r) => [r.RegionName, r.OptInStatus]);

describe('simulator: opt-in regions and region faults', () => {
  let sim: Simulator;
  let creds: AwsCredentialIdentity;
  beforeAll(async () => {
    sim = await startSimulator(loadScenario(scenario));
    creds = await assumeRole(sim, ROLE);
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('DescribeRegions lists enabled regions, and with AllRegions=true also those not opted in', async () => {
    const ec2 = new EC2Client(clientConfig(sim, creds));
    expect(regionsOf(await ec2.send(new DescribeRegionsCommand({})))).toEqual([
      ['us-east-1', 'opt-in-not-required'],
      ['eu-west-1', 'opt-in-not-required'],
      ['me-south-1', 'opted-in'],
    ]);
    expect(regionsOf(await ec2.send(new DescribeRegionsCommand({ AllRegions: true })))).toEqual([
      ['us-east-1', 'opt-in-not-required'],
      ['eu-west-1', 'opt-in-not-required'],
      ['ap-east-1', 'not-opted-in'],
      ['me-south-1', 'opted-in'],
    ]);
    const notOptedIn = await ec2.send(
      new DescribeRegionsCommand({
        AllRegions: true,
        Filters: [{ Name: 'opt-in-status', Values: ['not-opted-in'] }],
      }),
    );
    expect(regionsOf(notOptedIn)).toEqual([['ap-east-1', 'not-opted-in']]);
    const named = await ec2.send(new DescribeRegionsCommand({ RegionNames: ['me-south-1', 'ap-east-1'] }));
    expect(regionsOf(named)).toEqual([['me-south-1', 'opted-in']]);
    expect(sim.world.regions).toEqual(['us-east-1', 'eu-west-1', 'me-south-1']);
  });

  it('serves an opted-in region and refuses calls to one not opted in as AWS does', async () => {
    const bahrain = new EC2Client(clientConfig(sim, creds, 'me-south-1'));
    const found = await bahrain.send(new DescribeInstancesCommand({}));
    expect(
      found.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.Placement?.AvailabilityZone),
    ).toEqual(['me-south-1a']);
    await expect(
      new EC2Client(clientConfig(sim, creds, 'ap-east-1')).send(new DescribeInstancesCommand({})),
    ).rejects.toMatchObject({
      name: 'AuthFailure',
      message: 'AWS was not able to validate the provided access credentials',
      $metadata: { httpStatusCode: 401 },
    });
    await expect(
      new ElasticLoadBalancingV2Client(clientConfig(sim, creds, 'ap-east-1')).send(
        new DescribeLoadBalancersCommand({}),
      ),
    ).rejects.toMatchObject({ name: 'InvalidClientTokenId', $metadata: { httpStatusCode: 403 } });
  });

  it('opts a region in and out at run time, also over the control endpoint', async () => {
    const ec2 = new EC2Client(clientConfig(sim, creds));
    const hongKong = new EC2Client(clientConfig(sim, creds, 'ap-east-1'));
    sim.setRegionOptIn('ap-east-1', 'opted-in');
    expect(regionsOf(await ec2.send(new DescribeRegionsCommand({})))).toContainEqual([
      'ap-east-1',
      'opted-in',
    ]);
    await expect(hongKong.send(new DescribeInstancesCommand({}))).resolves.toMatchObject({
      Reservations: [],
    });
    const res = await fetch(`${sim.url}/_sim/regions/opt-in`, {
      method: 'POST',
      body: JSON.stringify({ region: 'ap-east-1', status: 'not-opted-in' }),
    });
    expect(res.status).toBe(204);
    expect(regionsOf(await ec2.send(new DescribeRegionsCommand({}))).map(([r]) => r)).not.toContain(
      'ap-east-1',
    );
    await expect(hongKong.send(new DescribeInstancesCommand({}))).rejects.toMatchObject({
      name: 'AuthFailure',
    });
    expect(() => sim.setRegionOptIn('us-east-1', 'not-opted-in')).toThrow(/needs no opt-in/);
  });

  it('applies a region fault from the scenario to calls signed for that region only', async () => {
    const home = new EC2Client(clientConfig(sim, creds));
    const ireland = new EC2Client(clientConfig(sim, creds, 'eu-west-1'));
    await expect(home.send(new DescribeInstancesCommand({}))).resolves.toBeDefined();
    await expect(ireland.send(new DescribeInstancesCommand({}))).rejects.toMatchObject({
      name: 'UnauthorizedOperation',
      $metadata: { httpStatusCode: 403 },
    });
    await expect(ireland.send(new DescribeInstancesCommand({}))).resolves.toBeDefined();
  });

  it('rejects scenarios that place resources in a region not opted in, or list a region twice', () => {
    const bad = (patch: Partial<ScenarioInput>): unknown => {
      try {
        loadScenario({ ...scenario, ...patch });
      } catch (err) {
        return err;
      }
      return undefined;
    };
    const hk = { name: 'hk', accountId: ACCOUNT, region: 'ap-east-1', type: 't3.micro' };
    expect(bad({ instances: [hk] })).toMatchObject({ field: 'instances[0].region' });
    expect(bad({ optInRegions: [{ name: 'eu-west-1', status: 'opted-in' }] })).toMatchObject({
      field: 'optInRegions[0].name',
    });
    expect(bad({})).toBeUndefined();
  });
});
