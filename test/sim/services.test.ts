import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  EC2Client,
  DescribeRegionsCommand,
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  DescribeSnapshotsCommand,
  DescribeAddressesCommand,
  DescribeImagesCommand,
  paginateDescribeInstances,
} from '@aws-sdk/client-ec2';
import {
  ElasticLoadBalancingV2Client,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  DescribeTagsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  ElasticLoadBalancingClient,
  DescribeLoadBalancersCommand as DescribeClassicCommand,
  DescribeTagsCommand as DescribeClassicTagsCommand,
  DescribeInstanceHealthCommand,
} from '@aws-sdk/client-elastic-load-balancing';
import {
  CloudWatchClient,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  CostExplorerClient,
  GetCostAndUsageCommand,
  GetCostForecastCommand,
  GetReservationUtilizationCommand,
  GetSavingsPlansUtilizationCommand,
  ListCostCategoryDefinitionsCommand,
} from '@aws-sdk/client-cost-explorer';
import {
  OrganizationsClient,
  DescribeOrganizationCommand,
  paginateListAccounts,
} from '@aws-sdk/client-organizations';
import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { startSimulator, type Simulator } from '../../sim/index.js';
import { assumeRole, clientConfig } from './helpers.js';

const NOW = new Date('2025-06-10T08:00:00Z');
const PROD_ROLE = 'arn:aws:iam::200000000002:role/CloudtallyReadOnly';
const PAYER_ROLE = 'arn:aws:iam::100000000001:role/CloudtallyReadOnly';

describe('simulator: every operation through the real SDK clients', () => {
  let sim: Simulator;
  let prod: AwsCredentialIdentity;
  let payer: AwsCredentialIdentity;
  const warn = vi.spyOn(console, 'warn');
  const emitWarning = vi.spyOn(process, 'emitWarning');

  beforeAll(async () => {
    sim = await startSimulator('demo', { now: NOW });
    prod = await assumeRole(sim, PROD_ROLE, 'cloudtally-demo');
    payer = await assumeRole(sim, PAYER_ROLE, 'cloudtally-demo');
  });
  afterAll(async () => {
    await sim.close();
    // The SDK warns on responses it cannot map cleanly; the simulator must not cause any.
    expect(warn).not.toHaveBeenCalled();
    // Node-version and runtime deprecation notices come from the SDK and the test runner, not from responses.
    const own = emitWarning.mock.calls.filter(
      ([w]) =>
        !String(w).includes('NodeVersionSupportWarning') && !String(w).includes('_headers is deprecated'),
    );
    expect(own).toEqual([]);
  });

  it('EC2: regions, instances (filters, pagination), volumes, snapshots, addresses, images', async () => {
    const ec2 = new EC2Client(clientConfig(sim, prod));
    const regions = await ec2.send(new DescribeRegionsCommand({}));
    expect(regions.Regions?.map((r) => r.RegionName)).toEqual([
      'us-east-1',
      'us-west-2',
      'eu-west-1',
      'eu-central-1',
      'ap-southeast-1',
    ]);
    const all = await ec2.send(new DescribeInstancesCommand({}));
    const instances = all.Reservations!.flatMap((r) => r.Instances!);
    expect(instances.map((i) => i.Tags?.find((t) => t.Key === 'Name')?.Value).sort()).toEqual([
      'prod-analytics',
      'prod-jumpbox',
      'prod-web-1',
      'prod-web-2',
      'prod-web-3',
    ]);
    const web1 = instances.find((i) => i.Tags?.some((t) => t.Value === 'prod-web-1'))!;
    expect(web1.State).toEqual({ Code: 16, Name: 'running' });
    expect(web1.InstanceType).toBe('m5.large');
    expect(web1.LaunchTime).toBeInstanceOf(Date);
    expect(web1.Placement?.AvailabilityZone).toBe('us-east-1a');
    expect(web1.BlockDeviceMappings).toHaveLength(2);
    const paged: string[] = [];
    for await (const page of paginateDescribeInstances({ client: ec2, pageSize: 2 }, {
      MaxResults: 2,
    } as never)) {
      paged.push(...page.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId!)));
    }
    expect(paged.sort()).toEqual(instances.map((i) => i.InstanceId!).sort());
    const filtered = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: 'instance-type', Values: ['m5.*'] },
          { Name: 'tag:team', Values: ['web'] },
        ],
      }),
    );
    expect(filtered.Reservations!.flatMap((r) => r.Instances!)).toHaveLength(3);
    const vols = await ec2.send(
      new DescribeVolumesCommand({ Filters: [{ Name: 'status', Values: ['available'] }] }),
    );
    expect(vols.Volumes!.map((v) => [v.VolumeType, v.Size, v.Attachments])).toEqual([['gp3', 500, []]]);
    const gp2 = await ec2.send(
      new DescribeVolumesCommand({ Filters: [{ Name: 'volume-type', Values: ['gp2'] }] }),
    );
    expect(gp2.Volumes![0].Attachments![0].InstanceId).toBe(web1.InstanceId);
    const snaps = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] }));
    expect(snaps.Snapshots).toHaveLength(3);
    expect(snaps.Snapshots![0].StartTime).toBeInstanceOf(Date);
    const images = await ec2.send(new DescribeImagesCommand({ Owners: ['self'] }));
    expect(images.Images![0].BlockDeviceMappings![0].Ebs!.SnapshotId).toMatch(/^snap-/);
    const addrs = await ec2.send(new DescribeAddressesCommand({}));
    expect(addrs.Addresses!.filter((a) => !a.AssociationId)).toHaveLength(1);
    expect(addrs.Addresses!.find((a) => a.AssociationId)!.InstanceId).toBe(web1.InstanceId);
    const west = new EC2Client(clientConfig(sim, prod, 'us-west-2'));
    const westInst = await west.send(new DescribeInstancesCommand({}));
    expect(westInst.Reservations!.flatMap((r) => r.Instances!)).toHaveLength(2);
  });

  it('ELB: v2 load balancers, target groups, target health, and classic', async () => {
    const elb = new ElasticLoadBalancingV2Client(clientConfig(sim, prod));
    const lbs = await elb.send(new DescribeLoadBalancersCommand({}));
    expect(lbs.LoadBalancers!.map((l) => l.LoadBalancerName)).toEqual(['prod-old-alb', 'prod-web-alb']);
    const web = lbs.LoadBalancers!.find((l) => l.LoadBalancerName === 'prod-web-alb')!;
    expect(web.Type).toBe('application');
    expect(web.CreatedTime).toBeInstanceOf(Date);
    const tgs = await elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: web.LoadBalancerArn }));
    expect(tgs.TargetGroups).toHaveLength(1);
    const health = await elb.send(
      new DescribeTargetHealthCommand({ TargetGroupArn: tgs.TargetGroups![0].TargetGroupArn }),
    );
    expect(health.TargetHealthDescriptions!.map((t) => t.TargetHealth?.State)).toEqual([
      'healthy',
      'healthy',
      'healthy',
    ]);
    const old = lbs.LoadBalancers!.find((l) => l.LoadBalancerName === 'prod-old-alb')!;
    const oldTg = await elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: old.LoadBalancerArn }));
    const oldHealth = await elb.send(
      new DescribeTargetHealthCommand({ TargetGroupArn: oldTg.TargetGroups![0].TargetGroupArn }),
    );
    expect(oldHealth.TargetHealthDescriptions).toEqual([]);
    const stg = await assumeRole(sim, 'arn:aws:iam::300000000003:role/CloudtallyReadOnly', 'cloudtally-demo');
    const classic = new ElasticLoadBalancingClient(clientConfig(sim, stg));
    const c = await classic.send(new DescribeClassicCommand({}));
    expect(c.LoadBalancerDescriptions!.map((l) => [l.LoadBalancerName, l.Instances!.length])).toEqual([
      ['stg-classic', 1],
    ]);
  });

  it('ELB: tags of both APIs (the scenario’s), and classic instance health', async () => {
    const elb = new ElasticLoadBalancingV2Client(clientConfig(sim, prod));
    const lbs = (await elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers!;
    const arnOf = (name: string) => lbs.find((l) => l.LoadBalancerName === name)!.LoadBalancerArn!;
    const tg = (await elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: arnOf('prod-web-alb') })))
      .TargetGroups![0].TargetGroupArn!;
    const tags = await elb.send(
      new DescribeTagsCommand({ ResourceArns: [arnOf('prod-web-alb'), arnOf('prod-old-alb'), tg] }),
    );
    expect(tags.TagDescriptions).toEqual([
      {
        ResourceArn: arnOf('prod-web-alb'),
        Tags: [
          { Key: 'env', Value: 'prod' },
          { Key: 'team', Value: 'web' },
        ],
      },
      {
        ResourceArn: arnOf('prod-old-alb'),
        Tags: [
          { Key: 'env', Value: 'prod' },
          { Key: 'team', Value: 'web' },
        ],
      },
      { ResourceArn: tg, Tags: [] },
    ]);
    const west = new ElasticLoadBalancingV2Client(clientConfig(sim, prod, 'us-west-2'));
    const nlb = (await west.send(new DescribeLoadBalancersCommand({}))).LoadBalancers![0];
    const nlbTags = await west.send(new DescribeTagsCommand({ ResourceArns: [nlb.LoadBalancerArn!] }));
    expect(nlbTags.TagDescriptions![0].Tags).toEqual([
      { Key: 'env', Value: 'prod' },
      { Key: 'team', Value: 'api' },
    ]);
    // A balancer of another region (or account) is not found, as on AWS.
    await expect(
      west.send(new DescribeTagsCommand({ ResourceArns: [arnOf('prod-web-alb')] })),
    ).rejects.toMatchObject({ name: 'LoadBalancerNotFoundException', $metadata: { httpStatusCode: 400 } });
    await expect(
      elb.send(
        new DescribeTagsCommand({ ResourceArns: Array.from({ length: 21 }, () => arnOf('prod-web-alb')) }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationError' });

    const stg = await assumeRole(sim, 'arn:aws:iam::300000000003:role/CloudtallyReadOnly', 'cloudtally-demo');
    const classic = new ElasticLoadBalancingClient(clientConfig(sim, stg));
    const classicTags = await classic.send(
      new DescribeClassicTagsCommand({ LoadBalancerNames: ['stg-classic'] }),
    );
    expect(classicTags.TagDescriptions).toEqual([
      {
        LoadBalancerName: 'stg-classic',
        Tags: [
          { Key: 'env', Value: 'staging' },
          { Key: 'team', Value: 'web' },
        ],
      },
    ]);
    await expect(
      classic.send(new DescribeClassicTagsCommand({ LoadBalancerNames: ['stg-classic', 'nope'] })),
    ).rejects.toMatchObject({ name: 'AccessPointNotFoundException', $metadata: { httpStatusCode: 400 } });

    const web1 = sim.world.instances.find((i) => i.name === 'stg-web-1')!;
    const health = await classic.send(new DescribeInstanceHealthCommand({ LoadBalancerName: 'stg-classic' }));
    expect(health.InstanceStates).toEqual([
      { InstanceId: web1.id, State: 'InService', ReasonCode: 'N/A', Description: 'N/A' },
    ]);
    // A registered instance that stops goes out of service; asking for an unregistered one is an error.
    web1.state = 'stopped';
    try {
      const stopped = await classic.send(
        new DescribeInstanceHealthCommand({
          LoadBalancerName: 'stg-classic',
          Instances: [{ InstanceId: web1.id }],
        }),
      );
      expect(stopped.InstanceStates).toEqual([
        {
          InstanceId: web1.id,
          State: 'OutOfService',
          ReasonCode: 'Instance',
          Description: 'Instance is in stopped state.',
        },
      ]);
    } finally {
      web1.state = 'running';
    }
    await expect(
      classic.send(
        new DescribeInstanceHealthCommand({
          LoadBalancerName: 'stg-classic',
          Instances: [{ InstanceId: 'i-00000000000000000' }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidEndPointException' });
    await expect(
      classic.send(new DescribeInstanceHealthCommand({ LoadBalancerName: 'nope' })),
    ).rejects.toMatchObject({ name: 'AccessPointNotFoundException' });
  });

  it('CloudWatch: idle is idle, oversized stays under 40 % at p99, idle load balancers see nothing', async () => {
    const ec2 = new EC2Client(clientConfig(sim, prod));
    const inst = (await ec2.send(new DescribeInstancesCommand({}))).Reservations!.flatMap(
      (r) => r.Instances!,
    );
    const id = (name: string): string => inst.find((i) => i.Tags?.some((t) => t.Value === name))!.InstanceId!;
    const cw = new CloudWatchClient(clientConfig(sim, prod));
    const start = new Date(NOW.getTime() - 14 * 86_400_000);
    const metric = (qid: string, instanceId: string, name: string, stat: string) => ({
      Id: qid,
      MetricStat: {
        Metric: {
          Namespace: 'AWS/EC2',
          MetricName: name,
          Dimensions: [{ Name: 'InstanceId', Value: instanceId }],
        },
        Period: 3600,
        Stat: stat,
      },
    });
    const out = await cw.send(
      new GetMetricDataCommand({
        StartTime: start,
        EndTime: NOW,
        MetricDataQueries: [
          metric('idlecpu', id('prod-jumpbox'), 'CPUUtilization', 'Average'),
          metric('idlenet', id('prod-jumpbox'), 'NetworkIn', 'Sum'),
          metric('bigp99', id('prod-analytics'), 'CPUUtilization', 'p99'),
          metric('busy', id('prod-web-1'), 'CPUUtilization', 'Average'),
        ],
      }),
    );
    const r = Object.fromEntries(out.MetricDataResults!.map((x) => [x.Id, x]));
    expect(r.idlecpu.Timestamps!.length).toBe(14 * 24);
    expect(r.idlecpu.Timestamps![0]).toBeInstanceOf(Date);
    expect(Math.max(...r.idlecpu.Values!)).toBeLessThan(2);
    expect(Math.max(...r.idlenet.Values!) / 3600).toBeLessThan(500);
    expect(Math.max(...r.bigp99.Values!)).toBeLessThan(40);
    expect(Math.min(...r.busy.Values!)).toBeGreaterThan(50);
    const stats = await cw.send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/EC2',
        MetricName: 'CPUUtilization',
        Dimensions: [{ Name: 'InstanceId', Value: id('prod-analytics') }],
        StartTime: new Date(NOW.getTime() - 3 * 86_400_000),
        EndTime: NOW,
        Period: 86_400,
        Statistics: ['Average', 'Maximum'],
        ExtendedStatistics: ['p99'],
      }),
    );
    expect(stats.Datapoints).toHaveLength(3);
    expect(stats.Datapoints![0].Timestamp).toBeInstanceOf(Date);
    expect(stats.Datapoints![0].ExtendedStatistics!.p99).toBeLessThan(40);
    const elb = new ElasticLoadBalancingV2Client(clientConfig(sim, prod));
    const lbs = (await elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers!;
    const dimOf = (name: string): string =>
      lbs.find((l) => l.LoadBalancerName === name)!.LoadBalancerArn!.split(':loadbalancer/')[1];
    const lbOut = await cw.send(
      new GetMetricDataCommand({
        StartTime: start,
        EndTime: NOW,
        MetricDataQueries: ['prod-old-alb', 'prod-web-alb'].map((n, i) => ({
          Id: `lb${i}`,
          MetricStat: {
            Metric: {
              Namespace: 'AWS/ApplicationELB',
              MetricName: 'RequestCount',
              Dimensions: [{ Name: 'LoadBalancer', Value: dimOf(n) }],
            },
            Period: 86_400,
            Stat: 'Sum',
          },
        })),
      }),
    );
    expect(lbOut.MetricDataResults![0].Values!.every((v) => v === 0)).toBe(true);
    expect(lbOut.MetricDataResults![1].Values!.every((v) => v > 0)).toBe(true);
  });

  it('Cost Explorer answers from the same line items as the exports', async () => {
    const ce = new CostExplorerClient(clientConfig(sim, payer));
    const may = await ce.send(
      new GetCostAndUsageCommand({
        TimePeriod: { Start: '2025-05-01', End: '2025-06-01' },
        Granularity: 'MONTHLY',
        Metrics: ['UnblendedCost', 'NetUnblendedCost', 'AmortizedCost'],
        GroupBy: [{ Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' }],
      }),
    );
    const legacy = sim.truth.exports['acme-legacy'];
    const total = may.ResultsByTime![0].Groups!.reduce(
      (s, g) => s + Number(g.Metrics!.UnblendedCost.Amount),
      0,
    );
    expect(Math.round(total * 100) / 100).toBeCloseTo(legacy.periods['2025-05'].billed, 2);
    const net = may.ResultsByTime![0].Groups!.reduce(
      (s, g) => s + Number(g.Metrics!.NetUnblendedCost.Amount),
      0,
    );
    expect(Math.round(net * 100) / 100).toBeCloseTo(sim.truth.exports['acme-cur2'].periods['2025-05'].net, 2);
    expect(may.DimensionValueAttributes!.map((d) => d.Value)).toEqual([
      '100000000001',
      '200000000002',
      '300000000003',
      '400000000004',
    ]);
    const daily: number[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await ce.send(
        new GetCostAndUsageCommand({
          TimePeriod: { Start: '2024-06-01', End: '2025-06-10' },
          Granularity: 'DAILY',
          Metrics: ['UnblendedCost'],
          NextPageToken: token,
        }),
      );
      daily.push(...page.ResultsByTime!.map((r) => Number(r.Total!.UnblendedCost.Amount)));
      token = page.NextPageToken;
      pages++;
    } while (token);
    expect(pages).toBeGreaterThan(1);
    expect(daily).toHaveLength(374);
    const forecast = await ce.send(
      new GetCostForecastCommand({
        TimePeriod: { Start: '2025-06-10', End: '2025-07-01' },
        Metric: 'UNBLENDED_COST',
        Granularity: 'MONTHLY',
      }),
    );
    expect(Number(forecast.Total!.Amount)).toBeGreaterThan(0);
    const ri = await ce.send(
      new GetReservationUtilizationCommand({ TimePeriod: { Start: '2025-05-01', End: '2025-06-01' } }),
    );
    expect(ri.Total!.UtilizationPercentage).toBe('100.00');
    const sp = await ce.send(
      new GetSavingsPlansUtilizationCommand({ TimePeriod: { Start: '2025-05-01', End: '2025-06-01' } }),
    );
    expect(Number(sp.Total!.Utilization!.UtilizationPercentage)).toBeCloseTo(66.4, 0);
    const cats = await ce.send(new ListCostCategoryDefinitionsCommand({}));
    expect(cats.CostCategoryReferences!.map((c) => c.Name)).toEqual(['CostCenter']);
    expect(sim.calls()['ce:GetCostAndUsage']).toBe(pages + 1);
  });

  it('Organizations: describe and list accounts with pagination; members may not list', async () => {
    const org = new OrganizationsClient(clientConfig(sim, payer));
    const d = await org.send(new DescribeOrganizationCommand({}));
    expect(d.Organization!.MasterAccountId).toBe('100000000001');
    const ids: string[] = [];
    for await (const page of paginateListAccounts({ client: org, pageSize: 3 }, {})) {
      expect(page.Accounts!.length).toBeLessThanOrEqual(3);
      ids.push(...page.Accounts!.map((a) => a.Id!));
      expect(page.Accounts![0].JoinedTimestamp).toBeInstanceOf(Date);
    }
    expect(ids).toEqual(['100000000001', '200000000002', '300000000003', '400000000004']);
    sim.addAccount({ id: '500000000005', name: 'acme-new' });
    const after: string[] = [];
    for await (const page of paginateListAccounts({ client: org }, {}))
      after.push(...page.Accounts!.map((a) => a.Id!));
    expect(after).toContain('500000000005');
  });

  it('IAM: SimulatePrincipalPolicy reports allowed and denied actions', async () => {
    const iam = new IAMClient(clientConfig(sim, prod));
    const out = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: PROD_ROLE,
        ActionNames: ['ec2:DescribeInstances', 'cloudwatch:GetMetricData', 's3:GetObject'],
      }),
    );
    expect(out.EvaluationResults!.map((r) => [r.EvalActionName, r.EvalDecision])).toEqual([
      ['ec2:DescribeInstances', 'allowed'],
      ['cloudwatch:GetMetricData', 'allowed'],
      ['s3:GetObject', 'implicitDeny'],
    ]);
  });
});
