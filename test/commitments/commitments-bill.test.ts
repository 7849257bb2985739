/**
 * Commitments read from the demo's CUR 2.0 and legacy CUR exports equal the simulator's truth to the cent: each
 * reserved instance's and savings plan's terms, its committed, used and unused cost, utilization, on-demand
 * equivalent and net savings per month (EC2, RDS and ElastiCache reservations, savings plans), and the coverage of
 * EC2, RDS and ElastiCache instance usage per account, region and family — on both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Client } from '@aws-sdk/client-s3';
import { startSimulator, type Simulator } from '../../sim/index.js';
import { createCommitmentService, type CommitmentService } from '../../src/commitments/commitment-service.js';
import { createCurCommitmentReader } from '../../src/providers/aws/commitments/cur-commitments.js';
import { ENGINES } from '../helpers/stores.js';
import {
  clockAt,
  closeBillingFixture,
  exportLocation,
  openBillingFixture,
  s3Client,
  type BillingFixture,
} from '../billing/harness.js';

let sim: Simulator;
let s3: S3Client;

beforeAll(async () => {
  sim = await startSimulator('demo');
  s3 = s3Client(sim);
}, 120_000);
afterAll(async () => {
  s3?.destroy();
  await sim?.close();
});

describe.each(ENGINES)('commitments from the demo bill on %s', (engine) => {
  let fx: BillingFixture;
  const services: Record<string, CommitmentService> = {};

  beforeAll(async () => {
    fx = await openBillingFixture(engine, sim);
    for (const name of ['acme-cur2', 'acme-legacy']) {
      await fx.billing.syncExport({
        orgId: `org-${name}`,
        cloudAccountId: name,
        awsAccountId: sim.world.payerAccountId,
        export: exportLocation(sim, name),
        edp: true,
        memberImport: 'all',
        connectedAccountIds: [],
        s3,
      });
      services[name] = createCommitmentService({
        store: fx.store,
        clock: clockAt(sim),
        readers: [createCurCommitmentReader(fx.store)],
        purchaseSettings: () => Promise.resolve({ days: 90, savingsRate: 0.28, minMonthlySavings: 1 }),
        dataThrough: () => Promise.resolve(sim.truth.now.slice(0, 10)),
      });
    }
  }, 300_000);
  afterAll(() => closeBillingFixture(fx));

  it.each(['acme-cur2', 'acme-legacy'])('%s: the inventory equals the truth', async (name) => {
    const { items } = await services[name].list(`org-${name}`);
    const got = items.map((c) => ({
      id: c.id,
      kind: c.kind,
      type: c.type,
      accountId: c.awsAccountId,
      region: c.region ?? '',
      instanceType: c.instanceType ?? '',
      count: c.count ?? 0,
      commitmentPerHourUsd: c.hourlyCommitment ?? 0,
      termYears: c.termYears,
      paymentOption: c.paymentOption,
      start: c.start,
      end: c.end,
      upfrontUsd: c.upfrontFee,
      recurringHourlyUsd: c.recurringHourlyFee,
    }));
    const want = sim.truth.commitments.inventory.map((c) => ({
      id: c.arn,
      kind: c.kind,
      type: c.type,
      accountId: c.accountId,
      region: c.region,
      instanceType: c.instanceType,
      count: c.count,
      commitmentPerHourUsd: c.commitmentPerHourUsd,
      termYears: c.termYears,
      paymentOption: c.paymentOption,
      start: c.start,
      end: c.end,
      upfrontUsd: Math.round(c.upfrontUsd * 100) / 100,
      recurringHourlyUsd: c.recurringHourlyUsd,
    }));
    expect(got.sort((a, b) => a.id.localeCompare(b.id))).toEqual(want);
    const ri = items.find((c) => c.type === 'EC2')!;
    expect(ri.state).toBe('expiring');
    expect(ri.daysLeft).toBeLessThan(60);
  });

  it.each(['acme-cur2', 'acme-legacy'])(
    '%s: utilization, unused cost and net savings per commitment and month equal the truth to the cent',
    async (name) => {
      const truth = sim.truth.commitments.months;
      const periods = Object.values(truth)
        .flatMap((m) => Object.keys(m))
        .sort();
      const { items, totals } = await services[name].utilization(`org-${name}`, {
        from: periods[0],
        to: periods.at(-1),
      });
      const got: Record<string, Record<string, unknown>> = {};
      for (const m of items) {
        const { commitmentId, period, currency: _c, ...figures } = m;
        got[commitmentId] ??= {};
        got[commitmentId][period] = Object.fromEntries(Object.entries(figures).filter(([, v]) => v !== null));
      }
      expect(got).toEqual(truth);
      const last = totals.at(-2);
      expect(last?.utilization).toBeGreaterThan(0);
      expect(last?.utilization).toBeLessThan(100);
    },
  );

  it.each(['acme-cur2', 'acme-legacy'])(
    '%s: coverage of EC2, RDS and ElastiCache per account, region and family equals the truth to the cent',
    async (name) => {
      const truth = sim.truth.commitments.coverage;
      const periods = [...new Set(truth.map((r) => r.period))].sort();
      const { items } = await services[name].coverage(`org-${name}`, {
        from: periods[0],
        to: periods.at(-1),
      });
      const got = items
        .filter((r) => r.instanceFamily !== '')
        .map((r) => ({
          period: r.period,
          service: r.service,
          accountId: r.awsAccountId,
          region: r.region,
          instanceFamily: r.instanceFamily,
          covered: r.covered,
          onDemand: r.onDemand,
          total: r.total,
          coverage: r.coverage,
        }))
        .sort((a, b) =>
          [a.period, a.service, a.accountId, a.region, a.instanceFamily]
            .join('|')
            .localeCompare([b.period, b.service, b.accountId, b.region, b.instanceFamily].join('|')),
        );
      expect(got).toEqual(truth);
      expect(got.some((r) => r.onDemand > 0 && r.period === periods.at(-1))).toBe(true);
    },
  );

  it.each(['acme-cur2', 'acme-legacy'])(
    '%s: daily utilization per commitment and day (RIs from purchased hours) equals the truth to the cent',
    async (name) => {
      const months = Object.values(sim.truth.commitments.months)
        .flatMap((m) => Object.keys(m))
        .sort();
      // The last whole month and the month in progress.
      const [from, to] = [months.at(-2)!, months.at(-1)!];
      const r = await services[name].utilization(`org-${name}`, { from, to, granularity: 'daily' });
      expect(r.granularity).toBe('daily');
      const got: Record<string, Record<string, unknown>> = {};
      for (const d of r.items) {
        got[d.commitmentId] ??= {};
        got[d.commitmentId][d.period] = {
          committed: d.committed,
          used: d.used,
          unused: d.unused,
          utilization: d.utilization,
          onDemandEquivalent: d.onDemandEquivalent,
          netSavings: d.netSavings,
        };
      }
      const want: Record<string, Record<string, unknown>> = {};
      for (const [arn, days] of Object.entries(sim.truth.commitments.days)) {
        for (const [day, figures] of Object.entries(days)) {
          if (day.slice(0, 7) < from || day.slice(0, 7) > to) continue;
          want[arn] ??= {};
          want[arn][day] = figures;
        }
      }
      expect(got).toEqual(want);
      expect(Object.keys(want)).toHaveLength(sim.truth.commitments.inventory.length);
      // A day's total is the sum of its commitments; the cache reservation leaves a twentieth unused each day.
      const cache = sim.truth.commitments.inventory.find((c) => c.type === 'ElastiCache')!;
      expect(r.items.find((d) => d.commitmentId === cache.arn)?.utilization).toBe(95);
      expect(r.totals.map((t) => t.period)).toEqual([...new Set(r.items.map((d) => d.period))].sort());
      await expect(
        services[name].utilization(`org-${name}`, { from: months[0], to, granularity: 'daily' }),
      ).rejects.toThrow(/from: at most 3 months/);
    },
  );

  it('expirations: the RI ending in 45 days is within 60 days, with its monthly savings at stake', async () => {
    const svc = services['acme-cur2'];
    const soon = await svc.expiring('org-acme-cur2', 60);
    const ri = sim.truth.commitments.inventory.find((c) => c.type === 'EC2')!;
    expect(soon.map((c) => c.id)).toEqual([ri.arn]);
    expect(soon[0].monthlySavingsAtStake).toBeGreaterThan(0);
    expect(await svc.expiring('org-acme-cur2', 30)).toEqual([]);
    await expect(svc.expiring('org-acme-cur2', 0)).rejects.toThrow(/days/);
  });
});
