import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Client, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { EC2Client, DescribeVolumesCommand } from '@aws-sdk/client-ec2';
import { startSimulator, loadScenario, ScenarioError, type Simulator } from '../../sim/index.js';
import { assumeRole, clientConfig } from './helpers.js';

const PAYER_ROLE = 'arn:aws:iam::111111111111:role/CloudtallyReadOnly';

describe('scenario validation', () => {
  it('names the offending field', () => {
    const base = loadScenario('small');
    const bad = (patch: object): unknown => {
      try {
        loadScenario({ ...base, ...patch });
      } catch (err) {
        return err;
      }
      return undefined;
    };
    expect(bad({ accounts: [{ id: '12', name: 'x' }] })).toMatchObject({ field: 'accounts[0].id' });
    expect(bad({ exports: [{ ...base.exports[0], bucket: 'missing' }] })).toMatchObject({
      field: 'exports[0].bucket',
    });
    expect(bad({ instances: [{ ...base.instances[0], coveredBy: 'nothing' }] })).toMatchObject({
      field: 'instances[0].coveredBy',
    });
    expect(bad({ seed: 'x' })).toBeInstanceOf(ScenarioError);
  });
});

describe('simulator world changes at run time', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator('small');
  });
  afterAll(async () => {
    await sim.close();
  });

  it('restates a period: a new legacy assembly and a changed truth, the old one left stale', async () => {
    const creds = await assumeRole(sim, PAYER_ROLE, 'ext-small-1');
    const s3 = new S3Client(clientConfig(sim, creds));
    const key = 'legacy/small-legacy/20250201-20250301/small-legacy-Manifest.json';
    const read = async (): Promise<{ assemblyId: string; reportKeys: string[] }> =>
      JSON.parse(
        await (
          await s3.send(new GetObjectCommand({ Bucket: 'small-cur', Key: key }))
        ).Body!.transformToString(),
      ) as {
        assemblyId: string;
        reportKeys: string[];
      };
    const before = await read();
    const billedBefore = sim.truth.exports['small-legacy'].periods['2025-02'].billed;
    const cur2Before = sim.truth.exports['small-cur2'].periods['2025-02'].billed;
    const marchBefore = sim.truth.exports['small-legacy'].periods['2025-03'];
    await sim.restatePeriod('2025-02');
    const after = await read();
    expect(after.assemblyId).not.toBe(before.assemblyId);
    expect(sim.truth.exports['small-legacy'].periods['2025-02'].billed).toBeCloseTo(billedBefore - 1, 2);
    expect(sim.truth.exports['small-cur2'].periods['2025-02'].billed).toBeCloseTo(cur2Before - 1, 2);
    expect(sim.truth.exports['small-legacy'].periods['2025-03']).toEqual(marchBefore);
    const listing = await s3.send(
      new ListObjectsV2Command({
        Bucket: 'small-cur',
        Prefix: 'legacy/small-legacy/20250201-20250301/',
        Delimiter: '/',
      }),
    );
    const folders = listing.CommonPrefixes!.map((p) => p.Prefix!);
    expect(folders).toContain(`legacy/small-legacy/20250201-20250301/${before.assemblyId}/`);
    expect(folders).toContain(`legacy/small-legacy/20250201-20250301/${after.assemblyId}/`);
  });

  it('removes a resource from inventory', async () => {
    const creds = await assumeRole(sim, 'arn:aws:iam::222222222222:role/NoS3');
    const ec2 = new EC2Client(clientConfig(sim, creds));
    const vols = await ec2.send(
      new DescribeVolumesCommand({ Filters: [{ Name: 'status', Values: ['available'] }] }),
    );
    expect(vols.Volumes).toHaveLength(1);
    expect(sim.removeResource(vols.Volumes![0].VolumeId!)).toBe(true);
    const again = await ec2.send(
      new DescribeVolumesCommand({ Filters: [{ Name: 'status', Values: ['available'] }] }),
    );
    expect(again.Volumes).toEqual([]);
    expect(sim.removeResource('vol-00000000000000000')).toBe(false);
  });
});

describe('member accounts', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator('small');
  });
  afterAll(async () => {
    await sim.close();
  });

  it('may not list the organization, and Cost Explorer shows them only their own costs', async () => {
    const { OrganizationsClient, ListAccountsCommand, DescribeOrganizationCommand } =
      await import('@aws-sdk/client-organizations');
    const { CostExplorerClient, GetCostAndUsageCommand } = await import('@aws-sdk/client-cost-explorer');
    const role = sim.addRole({
      accountId: '222222222222',
      name: 'BillingViewer',
      trust: { principals: ['999999999999'] },
      externalId: 'member-ext',
      allow: ['organizations:*', 'ce:*'],
    });
    await expect(assumeRole(sim, role.arn)).rejects.toMatchObject({ name: 'AccessDenied' });
    const creds = await assumeRole(sim, role.arn, 'member-ext');
    const org = new OrganizationsClient(clientConfig(sim, creds));
    expect((await org.send(new DescribeOrganizationCommand({}))).Organization!.MasterAccountId).toBe(
      '111111111111',
    );
    await expect(org.send(new ListAccountsCommand({}))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    const ce = new CostExplorerClient(clientConfig(sim, creds));
    const out = await ce.send(
      new GetCostAndUsageCommand({
        TimePeriod: { Start: '2025-02-01', End: '2025-03-01' },
        Granularity: 'MONTHLY',
        Metrics: ['NetUnblendedCost'],
        GroupBy: [{ Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' }],
      }),
    );
    expect(out.ResultsByTime![0].Groups!.map((g) => g.Keys![0])).toEqual(['222222222222']);
    const own = sim.truth.exports['small-cur2'].daily
      .filter((d) => d.accountId === '222222222222' && d.day.startsWith('2025-02'))
      .reduce((s, d) => s + d.net, 0);
    expect(Number(out.ResultsByTime![0].Groups![0].Metrics!.NetUnblendedCost.Amount)).toBeCloseTo(own, 1);
  });
});
