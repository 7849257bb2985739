/**
 * Commitments of a Cost Explorer connection (no CUR): the billing stage of the demo payer connected as
 * `cost_explorer` reads reserved instances and savings plans from Cost Explorer (utilization, coverage), the Savings
 * Plans API and EC2 DescribeReservedInstances, through the official SDK clients against the simulator. Terms,
 * utilization, unused cost, net savings and coverage equal the generator's truth to the cent per commitment and
 * month — the same assertions as the CUR path's test — on both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as accountStore from '../../src/accounts/account-store.js';
import { startSimulator, type Simulator } from '../../sim/index.js';
import { createCommitmentService, type CommitmentService } from '../../src/commitments/commitment-service.js';
import { silentLog } from '../../src/lib/log.js';
import { costExplorerCommitmentStep } from '../../src/providers/aws/commitments/commitment-sync.js';
import { createAwsClients } from '../../src/providers/aws/sdk/client-factory.js';
import type { AwsStageContext } from '../../src/providers/aws/sync/aws-stages.js';
import { billingStage } from '../../src/providers/aws/sync/stage-wiring.js';
import type { StageOutcome } from '../../src/sync/sync-types.js';
import { ENGINES } from '../helpers/stores.js';
import {
  clockAt,
  closeBillingFixture,
  openBillingFixture,
  payerCredentials,
  type BillingFixture,
} from '../billing/harness.js';

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator('demo');
}, 120_000);
afterAll(async () => {
  await sim?.close();
});

const ORG = 'org-ce';
const ACCOUNT = 'ca-ce';

describe.each(ENGINES)('commitments from Cost Explorer (demo payer) on %s', (engine) => {
  let fx: BillingFixture;
  let service: CommitmentService;
  let runStage: () => Promise<StageOutcome>;
  let first: StageOutcome;

  beforeAll(async () => {
    fx = await openBillingFixture(engine, sim);
    service = createCommitmentService({
      store: fx.store,
      clock: clockAt(sim),
      readers: [],
      purchaseSettings: () => Promise.resolve({ days: 90, savingsRate: 0.28, minMonthlySavings: 1 }),
      dataThrough: () => Promise.resolve(sim.truth.now.slice(0, 10)),
    });
    const factory = createAwsClients({
      config: { awsEndpointUrl: sim.url, awsRegion: 'us-east-1', awsPrincipalArn: undefined },
      vault: { get: () => Promise.reject(new Error('no vault in this test')) },
      log: silentLog,
    });
    const clients = factory.clientsFor({ orgId: ORG, accessKeys: payerCredentials(sim) }, null);
    const stage = billingStage({
      billing: fx.billing,
      // The accounts owner's reads, over the fixture's store (the stage asks what the account showed before).
      accounts: {
        find: (orgId, id) => accountStore.getAccount(fx.store, orgId, id),
        nativeIds: (orgId, provider) => accountStore.nativeIdsOf(fx.store, orgId, provider),
        shownDiagnostics: (orgId, id) => accountStore.shownDiagnostics(fx.store, orgId, id),
      },
      retentionMonths: 13,
      costExplorerCommitments: costExplorerCommitmentStep(service.sink, 13),
    });
    runStage = () =>
      stage({
        runId: 'run-ce',
        trigger: 'manual',
        options: {},
        account: {
          id: ACCOUNT,
          orgId: ORG,
          name: 'Acme payer (Cost Explorer)',
          provider: 'aws',
          type: 'cost_explorer',
          awsAccountId: sim.world.payerAccountId,
          parentId: null,
          disabled: false,
        },
        session: { clients, connection: { orgId: ORG, id: ACCOUNT }, externalId: null },
        signal: new AbortController().signal,
        progress: () => undefined,
        log: silentLog,
      } as AwsStageContext);
    first = await runStage();
  }, 300_000);
  afterAll(() => closeBillingFixture(fx));

  it('the billing stage reads every commitment, with no diagnostic', () => {
    expect(first.diagnostics ?? []).toEqual([]);
    expect(first.counts?.commitments).toBe(sim.truth.commitments.inventory.length);
    expect(first.counts?.commitmentRequests).toBeGreaterThan(0);
  });

  it('the inventory equals the truth (savings plans from the Savings Plans API, the RI from EC2)', async () => {
    const { items } = await service.list(ORG);
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
      source: c.source,
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
      source: 'cost_explorer',
    }));
    expect(got.sort((a, b) => a.id.localeCompare(b.id))).toEqual(want);
    const ri = items.find((c) => c.type === 'EC2')!;
    expect(ri.state).toBe('expiring');
    expect(ri.daysLeft).toBeLessThan(60);
  });

  it('utilization, unused cost and net savings per commitment and month equal the truth to the cent', async () => {
    const truth = sim.truth.commitments.months;
    const periods = Object.values(truth)
      .flatMap((m) => Object.keys(m))
      .sort();
    const { items, totals } = await service.utilization(ORG, { from: periods[0], to: periods.at(-1) });
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
  });

  it('coverage of EC2, RDS and ElastiCache per account, region and family equals the truth to the cent', async () => {
    const truth = sim.truth.commitments.coverage;
    const periods = [...new Set(truth.map((r) => r.period))].sort();
    const { items } = await service.coverage(ORG, { from: periods[0], to: periods.at(-1) });
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
  });

  it('a later sync reads only the months AWS may restate, and a refused describe keeps Cost Explorer’s terms', async () => {
    const all = sim.truth.commitments.months;
    const periods = Object.values(all)
      .flatMap((m) => Object.keys(m))
      .sort();
    const figures = await service.utilization(ORG, { from: periods[0], to: periods.at(-1) });
    sim.injectFault({ service: 'savingsplans', kind: 'deny', count: 1 });
    const again = await runStage();
    sim.clearFaults();
    expect(again.counts?.commitmentRequests).toBeLessThan(first.counts!.commitmentRequests);
    expect(again.diagnostics?.map((d) => d.message).join('\n')).toMatch(/DescribeSavingsPlans/);
    expect(await service.utilization(ORG, { from: periods[0], to: periods.at(-1) })).toEqual(figures);
    const { items } = await service.list(ORG);
    const plans = items.filter((c) => c.kind === 'savings_plan');
    const truthPlans = sim.truth.commitments.inventory.filter((c) => c.kind === 'savings_plan');
    expect(plans.map((p) => [p.id, p.type, p.hourlyCommitment, p.start, p.end])).toEqual(
      truthPlans.map((p) => [p.arn, p.type, p.commitmentPerHourUsd, p.start, p.end]),
    );
  });

  it('a refused Cost Explorer commitment call leaves the costs loaded and names the permissions to add', async () => {
    const all = sim.truth.commitments.months;
    const periods = Object.values(all)
      .flatMap((m) => Object.keys(m))
      .sort();
    const figures = await service.utilization(ORG, { from: periods[0], to: periods.at(-1) });
    sim.injectFault({ service: 'ce', operation: 'GetSavingsPlansCoverage', kind: 'deny', count: 1 });
    const outcome = await runStage();
    sim.clearFaults();
    expect(outcome.state).toBe('succeeded');
    expect(outcome.diagnostics?.map((d) => d.code)).toEqual(['commitments_not_read']);
    expect(outcome.diagnostics?.[0].remediation).toMatch(/ce:GetSavingsPlansCoverage/);
    // Nothing half-written: the stored months are those of the sync before.
    expect(await service.utilization(ORG, { from: periods[0], to: periods.at(-1) })).toEqual(figures);
  });
});
