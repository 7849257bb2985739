import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CostExplorerClient,
  GetReservationCoverageCommand,
  GetReservationUtilizationCommand,
  GetSavingsPlansCoverageCommand,
  GetSavingsPlansUtilizationDetailsCommand,
} from '@aws-sdk/client-cost-explorer';
import { DescribeReservedInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeSavingsPlansCommand, SavingsplansClient } from '@aws-sdk/client-savingsplans';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { startSimulator, type Simulator } from '../../sim/index.js';
import { cents } from '../../sim/gen/truth.js';
import { assumeRole, clientConfig } from './helpers.js';

const NOW = new Date('2025-06-10T08:00:00Z');
const PAYER_ROLE = 'arn:aws:iam::100000000001:role/CloudtallyReadOnly';
const MAY = { Start: '2025-05-01', End: '2025-06-01' };

describe('simulator: reserved instances and savings plans', () => {
  let sim: Simulator;
  let payer: AwsCredentialIdentity;

  beforeAll(async () => {
    sim = await startSimulator('demo', { now: NOW });
    payer = await assumeRole(sim, PAYER_ROLE, 'cloudtally-demo');
  });
  afterAll(async () => {
    await sim.close();
  });

  it('plants a partly used and a fully used savings plan, an RI expiring within 60 days and a coverage gap', () => {
    const t = sim.truth.commitments;
    expect(t.inventory.map((c) => c.type).sort()).toEqual([
      'ComputeSavingsPlans',
      'EC2',
      'EC2InstanceSavingsPlans',
      'ElastiCache',
      'RDS',
    ]);
    const plans = t.inventory.filter((c) => c.kind === 'savings_plan');
    const use = plans.map((p) => [p.type, t.months[p.arn]['2025-05'].utilization]);
    expect(Object.fromEntries(use)).toEqual({ ComputeSavingsPlans: 61.2, EC2InstanceSavingsPlans: 100 });
    for (const p of plans) {
      const may = t.months[p.arn]['2025-05'];
      // Each figure is rounded on its own: they agree within a cent.
      expect(Math.abs(may.unused - (may.committed - may.used))).toBeLessThanOrEqual(0.011);
      expect(Math.abs(may.netSavings - (may.onDemandEquivalent - may.amortized))).toBeLessThanOrEqual(0.011);
    }
    const ri = t.inventory.find((c) => c.type === 'EC2');
    const daysLeft = (Date.parse(ri!.end) - NOW.getTime()) / 86_400_000;
    expect(daysLeft).toBeGreaterThan(0);
    expect(daysLeft).toBeLessThan(60);
    expect(t.months[ri!.arn]['2025-05']).toMatchObject({ utilization: 100, purchasedHours: 2 * 31 * 24 });
    const gap = t.coverage.filter((r) => r.period === '2025-05' && r.onDemand > 0);
    expect(gap.length).toBeGreaterThan(0);
    expect(t.coverage.some((r) => r.period === '2025-05' && r.covered > 0)).toBe(true);
  });

  it('Cost Explorer utilization per savings plan and per reservation equals the truth to the cent', async () => {
    const ce = new CostExplorerClient(clientConfig(sim, payer));
    try {
      const t = sim.truth.commitments;
      const details = await ce.send(new GetSavingsPlansUtilizationDetailsCommand({ TimePeriod: MAY }));
      const plans = details.SavingsPlansUtilizationDetails ?? [];
      expect(plans).toHaveLength(2);
      for (const d of plans) {
        const truth = t.months[d.SavingsPlanArn!]['2025-05'];
        expect(cents(Number(d.Utilization!.TotalCommitment))).toBe(truth.committed);
        expect(cents(Number(d.Utilization!.UsedCommitment))).toBe(truth.used);
        expect(cents(Number(d.Utilization!.UnusedCommitment))).toBe(truth.unused);
        expect(cents(Number(d.Savings!.OnDemandCostEquivalent))).toBe(truth.onDemandEquivalent);
        expect(cents(Number(d.Savings!.NetSavings))).toBe(truth.netSavings);
        expect(d.Attributes?.SavingsPlansType).toMatch(/SavingsPlans$/);
      }
      const ri = await ce.send(
        new GetReservationUtilizationCommand({
          TimePeriod: MAY,
          Granularity: 'MONTHLY',
          GroupBy: [{ Type: 'DIMENSION', Key: 'SUBSCRIPTION_ID' }],
        }),
      );
      const groups = ri.UtilizationsByTime![0].Groups ?? [];
      expect(groups).toHaveLength(1);
      const inv = t.inventory.find((c) => c.id === groups[0].Value)!;
      const truth = t.months[inv.arn]['2025-05'];
      const u = groups[0].Utilization!;
      expect(cents(Number(u.TotalAmortizedFee))).toBe(truth.amortized);
      expect(cents(Number(u.RICostForUnusedHours))).toBe(truth.unused);
      expect(cents(Number(u.OnDemandCostOfRIHoursUsed))).toBe(truth.onDemandEquivalent);
      expect(cents(Number(u.NetRISavings))).toBe(truth.netSavings);
      expect(Number(u.PurchasedHours)).toBe(truth.purchasedHours);
      expect(groups[0].Attributes?.endDateTime).toBe(inv.end);
    } finally {
      ce.destroy();
    }
  });

  it('RDS and ElastiCache reservations: CUR truth, and Cost Explorer answers them when the SERVICE filter asks', async () => {
    const t = sim.truth.commitments;
    const db = t.inventory.find((c) => c.type === 'RDS')!;
    const cache = t.inventory.find((c) => c.type === 'ElastiCache')!;
    expect(db).toMatchObject({ instanceType: 'db.m5.large', count: 1, paymentOption: 'Partial Upfront' });
    expect(db.arn).toBe(`arn:aws:rds:us-east-1:200000000002:ri:${db.id}`);
    expect(t.months[db.arn]['2025-05']).toMatchObject({ utilization: 100, purchasedHours: 31 * 24 });
    expect(t.months[cache.arn]['2025-05']).toMatchObject({ utilization: 95, purchasedHours: 20 * 31 * 24 });
    expect(t.months[cache.arn]['2025-05'].unused).toBeGreaterThan(0);
    const gaps = t.coverage.filter((r) => r.period === '2025-05' && r.service !== 'AmazonEC2');
    expect(gaps.map((r) => [r.service, r.instanceFamily, r.coverage])).toEqual([
      ['AmazonElastiCache', 'cache.t4g', 100],
      ['AmazonRDS', 'db.m5', 100],
    ]);
    const ce = new CostExplorerClient(clientConfig(sim, payer));
    try {
      const ri = await ce.send(
        new GetReservationUtilizationCommand({
          TimePeriod: MAY,
          Granularity: 'MONTHLY',
          GroupBy: [{ Type: 'DIMENSION', Key: 'SUBSCRIPTION_ID' }],
          Filter: {
            Dimensions: {
              Key: 'SERVICE',
              Values: ['Amazon Relational Database Service', 'Amazon ElastiCache'],
            },
          },
        }),
      );
      const groups = ri.UtilizationsByTime![0].Groups ?? [];
      expect(groups.map((g) => g.Value).sort()).toEqual([db.id, cache.id].sort());
      for (const g of groups) {
        const inv = t.inventory.find((c) => c.id === g.Value)!;
        const truth = t.months[inv.arn]['2025-05'];
        const u = g.Utilization!;
        expect(cents(Number(u.TotalAmortizedFee))).toBe(truth.amortized);
        expect(cents(Number(u.RICostForUnusedHours))).toBe(truth.unused);
        expect(cents(Number(u.OnDemandCostOfRIHoursUsed))).toBe(truth.onDemandEquivalent);
        expect(cents(Number(u.NetRISavings))).toBe(truth.netSavings);
        expect(Number(u.TotalActualHours)).toBe(truth.usedHours);
        expect(g.Attributes?.instanceType).toBe(inv.instanceType);
      }
      const cov = await ce.send(
        new GetReservationCoverageCommand({
          TimePeriod: MAY,
          Granularity: 'MONTHLY',
          GroupBy: [{ Type: 'DIMENSION', Key: 'INSTANCE_TYPE' }],
          Filter: { Dimensions: { Key: 'SERVICE', Values: ['Amazon ElastiCache'] } },
        }),
      );
      const types = cov.CoveragesByTime![0].Groups!.map((g) => [
        g.Attributes?.INSTANCE_TYPE,
        g.Coverage?.CoverageHours?.ReservedHours,
      ]);
      expect(types).toEqual([['cache.t4g.small', (19 * 31 * 24).toFixed(2)]]);
    } finally {
      ce.destroy();
    }
  });

  it('Cost Explorer coverage: savings plan spend and reservation hours by account, region and family', async () => {
    const ce = new CostExplorerClient(clientConfig(sim, payer));
    try {
      const sp = await ce.send(
        new GetSavingsPlansCoverageCommand({
          TimePeriod: MAY,
          Granularity: 'MONTHLY',
          GroupBy: [
            { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' },
            { Type: 'DIMENSION', Key: 'REGION' },
            { Type: 'DIMENSION', Key: 'INSTANCE_FAMILY' },
          ],
        }),
      );
      const rows = sim.truth.commitments.coverage.filter((r) => r.period === '2025-05');
      const cov = sp.SavingsPlansCoverages ?? [];
      for (const r of rows.filter((x) => x.onDemand > 0 && x.service === 'AmazonEC2')) {
        const c = cov.find(
          (x) =>
            x.Attributes?.LINKED_ACCOUNT === r.accountId &&
            x.Attributes.REGION === r.region &&
            x.Attributes.INSTANCE_FAMILY === r.instanceFamily,
        );
        expect(cents(Number(c?.Coverage?.OnDemandCost))).toBe(r.onDemand);
      }
      expect(cov.some((c) => Number(c.Coverage!.CoveragePercentage) > 0)).toBe(true);
      const ri = await ce.send(
        new GetReservationCoverageCommand({
          TimePeriod: MAY,
          Granularity: 'MONTHLY',
          GroupBy: [{ Type: 'DIMENSION', Key: 'INSTANCE_TYPE' }],
        }),
      );
      const m5 = ri.CoveragesByTime![0].Groups!.find((g) => g.Attributes?.INSTANCE_TYPE === 'm5.large');
      expect(Number(m5!.Coverage!.CoverageHours!.ReservedHours)).toBe(2 * 31 * 24);
      await expect(
        ce.send(
          new GetSavingsPlansCoverageCommand({
            TimePeriod: MAY,
            GroupBy: [{ Type: 'DIMENSION', Key: 'AZ' }],
          }),
        ),
      ).rejects.toThrow(/GroupBy AZ is not supported/);
    } finally {
      ce.destroy();
    }
  });

  it('Savings Plans DescribeSavingsPlans and EC2 DescribeReservedInstances list the caller’s own commitments', async () => {
    const sp = new SavingsplansClient(clientConfig(sim, payer));
    const ec2 = new EC2Client(clientConfig(sim, payer));
    try {
      const t = sim.truth.commitments.inventory;
      const own = t.filter((c) => c.accountId === sim.world.payerAccountId);
      const plans = (await sp.send(new DescribeSavingsPlansCommand({}))).savingsPlans ?? [];
      expect(plans.map((p) => p.savingsPlanArn)).toEqual(
        own.filter((c) => c.kind === 'savings_plan').map((c) => c.arn),
      );
      const truthPlan = own.find((c) => c.kind === 'savings_plan')!;
      expect(plans[0]).toMatchObject({
        savingsPlanType: truthPlan.type.replace(/SavingsPlans$/, ''),
        paymentOption: truthPlan.paymentOption,
        commitment: String(truthPlan.commitmentPerHourUsd),
        termDurationInSeconds: truthPlan.termYears * 365 * 86_400,
        state: 'active',
      });
      expect(new Date(plans[0].start!).toISOString()).toBe(truthPlan.start);
      const byArn = await sp.send(new DescribeSavingsPlansCommand({ savingsPlanArns: ['arn:aws:x'] }));
      expect(byArn.savingsPlans).toEqual([]);
      await expect(sp.send(new DescribeSavingsPlansCommand({ maxResults: 0 }))).rejects.toThrow(/maxResults/);

      const ri = own.find((c) => c.kind === 'reservation')!;
      const out = await ec2.send(new DescribeReservedInstancesCommand({}));
      expect(out.ReservedInstances).toHaveLength(1);
      expect(out.ReservedInstances![0]).toMatchObject({
        ReservedInstancesId: ri.id,
        InstanceType: ri.instanceType,
        InstanceCount: ri.count,
        FixedPrice: ri.upfrontUsd,
        OfferingType: ri.paymentOption,
        State: 'active',
        RecurringCharges: [{ Frequency: 'Hourly', Amount: ri.recurringHourlyUsd }],
      });
      expect(out.ReservedInstances![0].End!.toISOString()).toBe(ri.end);
      await expect(
        ec2.send(new DescribeReservedInstancesCommand({ ReservedInstancesIds: ['nope'] })),
      ).rejects.toThrow(/does not exist/);
      const elsewhere = new EC2Client(clientConfig(sim, payer, 'eu-west-1'));
      expect((await elsewhere.send(new DescribeReservedInstancesCommand({}))).ReservedInstances).toEqual([]);
      elsewhere.destroy();
    } finally {
      sp.destroy();
      ec2.destroy();
    }
  });
});
