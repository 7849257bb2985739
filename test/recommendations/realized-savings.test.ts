import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecommendationService } from '../../src/recommendations/recommendation-service.js';
import type { Queryable, Store } from '../../src/store/store.js';
import { createTestDatabase, ENGINES, type TestDatabase } from '../helpers/stores.js';
import { daysAgo, insertAccount, insertDailyLines, NOW } from './fixtures.js';

/**
 * Savings realized on both engines: a recommendation closed because the resource changed (or went away) shows the
 * resource's billed cost in the 30 days before the closing day against its cost per day since, times 30 — equal to
 * the bill's own difference to the cent. Recommendations closed because a rule was turned off, still open, or of
 * another organization are not listed.
 */

const ORG = 'org_a';
const OTHER = 'org_b';
const AWS = '111111111111';
const SNAP = 'snap-0abc';
const SNAP_ARN = `arn:aws:ec2:us-east-1:${AWS}:snapshot/${SNAP}`;

async function insertRecommendation(
  q: Queryable,
  input: {
    id: string;
    orgId: string;
    resourceId: string;
    status: 'open' | 'closed';
    closedReason?: string;
    closedAt?: Date;
    savings: number;
  },
): Promise<void> {
  await q.execute(
    `INSERT INTO recommendations (id, org_id, cloud_account_id, aws_account_id, region, rule, resource_id, resource_type,
       title, reason, evidence, action, monthly_savings, savings_basis, currency, status, closed_reason, closed_at,
       created_at, updated_at)
     VALUES ($1, $2, $3, $4, 'us-east-1', 'oversized_instance', $5, 'ec2_instance', 'Downsize', 'idle', '{}', 'Resize',
       $6, 'bill', 'USD', $7, $8, $9, $10, $10)`,
    [
      input.id,
      input.orgId,
      input.orgId === ORG ? 'ca_1' : 'ca_2',
      AWS,
      input.resourceId,
      input.savings,
      input.status,
      input.closedReason ?? null,
      input.closedAt ?? null,
      daysAgo(60),
    ],
  );
}

describe.each(ENGINES)('savings realized on %s', (engine) => {
  let db: TestDatabase;
  let store: Store;
  const log = pino({ level: 'silent' });
  const service = () => createRecommendationService({ store, clock: { now: () => NOW }, log });

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    store = await db.open();
    await insertAccount(store, { id: 'ca_1', orgId: ORG, awsAccountId: AWS });
    await insertAccount(store, { id: 'ca_2', orgId: OTHER, awsAccountId: AWS });
    // The instance costs 2.37 a day until it is resized 10 days ago (1.00 that day), 0.41 a day since.
    const line = (resourceId: string, dailyCost: (i: number) => number, orgId = ORG) =>
      insertDailyLines(store, {
        orgId,
        cloudAccountId: orgId === ORG ? 'ca_1' : 'ca_2',
        subAccountId: AWS,
        resourceId,
        days: 45,
        dailyCost,
      });
    await line('i-resized', (i) => (i < 10 ? 0.41 : i === 10 ? 1 : 2.37));
    // A snapshot billed under its ARN, deleted 5 days ago: 0.13 a day before, nothing since.
    await line(SNAP_ARN, (i) => (i <= 5 ? 0 : 0.13));
    // Another resource's cost and another organization's never count.
    await line('i-other', () => 9.99);
    await line('i-resized', () => 50, OTHER);
    await insertRecommendation(store, {
      id: 'rec_resized',
      orgId: ORG,
      resourceId: 'i-resized',
      status: 'closed',
      closedReason: 'No longer applies: the instance is no longer oversized.',
      closedAt: new Date(daysAgo(10).getTime() - 3 * 3_600_000),
      savings: 55,
    });
    await insertRecommendation(store, {
      id: 'rec_snapshot',
      orgId: ORG,
      resourceId: SNAP,
      status: 'closed',
      closedReason: 'The resource is gone (not seen since 2025-06-10T08:00Z).',
      closedAt: daysAgo(5),
      savings: 4,
    });
    await insertRecommendation(store, {
      id: 'rec_today',
      orgId: ORG,
      resourceId: 'i-other',
      status: 'closed',
      closedReason: 'No longer applies: the condition is no longer met.',
      closedAt: NOW,
      savings: 7,
    });
    await insertRecommendation(store, {
      id: 'rec_rule_off',
      orgId: ORG,
      resourceId: 'i-rule-off',
      status: 'closed',
      closedReason: 'The rule is turned off in the recommendation settings.',
      closedAt: daysAgo(3),
      savings: 100,
    });
    await insertRecommendation(store, {
      id: 'rec_open',
      orgId: ORG,
      resourceId: 'i-open',
      status: 'open',
      savings: 8,
    });
    await insertRecommendation(store, {
      id: 'rec_other_org',
      orgId: OTHER,
      resourceId: 'i-resized',
      status: 'closed',
      closedReason: 'No longer applies: gone small.',
      closedAt: daysAgo(10),
      savings: 1,
    });
  });
  afterAll(async () => {
    await store?.close();
    await db?.destroy();
  });

  /** The bill's own sum of one resource's billed cost over `[from, to)`. */
  async function billed(resourceId: string, from: string, to: string): Promise<number> {
    const [r] = await store.query<{ cost: number | null }>(
      `SELECT CAST(sum(billed_cost) AS DOUBLE PRECISION) AS cost FROM cost_line_items
       WHERE org_id = $1 AND resource_id = $2 AND usage_date >= $3::DATE AND usage_date < $4::DATE`,
      [ORG, resourceId, from, to],
    );
    return Number(r.cost ?? 0);
  }

  it('lists what was acted on, newest first, and nothing closed for another reason, open or of another organization', async () => {
    const r = await service().realized(ORG);
    expect(r.items.map((i) => i.id)).toEqual(['rec_today', 'rec_snapshot', 'rec_resized']);
  });

  it("equals the bill's difference to the cent for a resized instance", async () => {
    const r = await service().realized(ORG);
    const item = r.items.find((i) => i.id === 'rec_resized');
    expect(item).toBeDefined();
    if (!item) return;
    // Closed on 2025-06-05: 30 days before it, then the 9 billed days after it up to the bill's newest (06-14).
    expect(item.before).toEqual({ from: '2025-05-06', to: '2025-06-05' });
    expect(item.after).toEqual({ from: '2025-06-06', to: '2025-06-15' });
    expect(item.daysObserved).toBe(9);
    const before = await billed('i-resized', item.before.from, item.before.to);
    const after = ((await billed('i-resized', item.after.from, item.after.to)) / 9) * 30;
    expect(item.monthlyCostBefore).toBe(71.1);
    expect(item.monthlyCostAfter).toBe(12.3);
    expect(item.observedMonthlySavings).toBe(58.8);
    expect(Math.round(item.observedMonthlySavings! * 100)).toBe(Math.round((before - after) * 100));
  });

  it('matches a resource billed under its ARN, and waits for a billed day after the closing', async () => {
    const r = await service().realized(ORG);
    const snap = r.items.find((i) => i.id === 'rec_snapshot');
    expect(snap).toMatchObject({ monthlyCostBefore: 3.9, monthlyCostAfter: 0, observedMonthlySavings: 3.9 });
    expect(snap?.daysObserved).toBe(4);
    const today = r.items.find((i) => i.id === 'rec_today');
    expect(today).toMatchObject({ daysObserved: 0, monthlyCostAfter: null, observedMonthlySavings: null });
    expect(r.totalObservedMonthlySavings).toBe(62.7);
    expect(r.totalEstimatedMonthlySavings).toBe(66);
  });
});
