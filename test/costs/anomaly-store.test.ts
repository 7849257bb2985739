/**
 * Stored anomalies over both engines: recomputing after the anomalies were checkpointed to disk and after a
 * restart (DuckDB rejected deleting and re-inserting the same unique keys in one transaction for rows already in
 * its storage), and people's choices (acknowledged, expected, comment) kept across recomputes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCostService, type CostService } from '../../src/costs/cost-service.js';
import { silentLog } from '../../src/lib/log.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase, ENGINES, type TestDatabase } from '../helpers/stores.js';
import { insertItems, makeItems, rebuildDaily, type FixtureItem } from './fixtures.js';

const ORG = 'org_a';
const clock = { now: () => new Date('2024-04-10T12:00:00Z') };

/** A runaway resource on many days, so that the recompute rewrites many stored anomalies. */
function spikes(items: readonly FixtureItem[], days: readonly string[]): FixtureItem[] {
  const base = items.find((i) => i.service === 'AWS Lambda' && i.account === '222222222222')!;
  return days.map((date) => ({
    ...base,
    date,
    resource: 'fn-runaway',
    billed: 900,
    net: 900,
    amortized: 900,
    netAmortized: 900,
  }));
}

const SPIKE_DAYS = ['2024-02-05', '2024-02-14', '2024-02-23', '2024-03-03', '2024-03-12', '2024-03-21'];

describe.each(ENGINES)('stored anomalies on %s', (engine) => {
  let db: TestDatabase;
  let store: Store;
  let costs: CostService;
  let items: FixtureItem[];

  const reopen = async () => {
    // Everything stored so far goes to the database file, then the process "restarts".
    if (engine === 'duckdb') await store.execute('CHECKPOINT');
    await store.close();
    store = await db.open();
    costs = createCostService({ store, clock, log: silentLog });
  };

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    store = await db.open();
    items = makeItems(ORG, '2024-01-01', 95);
    await insertItems(store, [...items, ...spikes(items, SPIKE_DAYS)]);
    costs = createCostService({ store, clock, log: silentLog });
  });
  afterAll(async () => {
    await store?.close();
    await db?.destroy();
  });

  it('recomputes after a checkpoint and a restart, keeping the identity of anomalies found again', async () => {
    const first = await costs.recomputeAnomalies(ORG);
    const before = await costs.listAnomalies(ORG);
    expect(new Set(before.map((a) => a.date))).toEqual(new Set(SPIKE_DAYS));
    expect(first.anomalies).toBe(SPIKE_DAYS.length * 2);
    await reopen();
    // The same anomalies again, whole organization and one connection: no unique key is violated.
    expect(await costs.recomputeAnomalies(ORG)).toEqual(first);
    expect(await costs.recomputeAnomalies(ORG, 'ca_payer')).toEqual(first);
    const again = await costs.listAnomalies(ORG);
    expect(again.map((a) => a.id).sort()).toEqual(before.map((a) => a.id).sort());
    expect(again.map((a) => a.detectedAt)).toEqual(before.map((a) => a.detectedAt));
    // The export restates the runaway's cost: the same days are anomalies with new figures, under the same ids.
    await store.execute(
      `UPDATE cost_line_items SET effective_cost = 950 WHERE org_id = $1 AND resource_id = 'fn-runaway'`,
      [ORG],
    );
    await rebuildDaily(store, [ORG]);
    await reopen();
    expect(await costs.recomputeAnomalies(ORG)).toEqual(first);
    const restated = await costs.listAnomalies(ORG, { dimension: 'service' });
    expect(restated.map((a) => a.id).sort()).toEqual(
      before
        .filter((a) => a.dimension === 'service')
        .map((a) => a.id)
        .sort(),
    );
    for (const a of restated) expect(a.drivers[0]).toMatchObject({ resourceId: 'fn-runaway', cost: 950 });
  });

  it('replaces anomalies that are no longer found and adds new ones after a restart', async () => {
    await reopen();
    // The runaway of 2024-02-05 is restated away; a new one appears on 2024-03-30.
    await store.execute(
      `DELETE FROM cost_line_items WHERE org_id = $1 AND resource_id = 'fn-runaway' AND usage_date = '2024-02-05'`,
      [ORG],
    );
    await insertItems(store, spikes(items, ['2024-03-30']));
    await rebuildDaily(store, [ORG]);
    const result = await costs.recomputeAnomalies(ORG);
    const dates = new Set((await costs.listAnomalies(ORG)).map((a) => a.date));
    expect(dates).toEqual(new Set([...SPIKE_DAYS.slice(1), '2024-03-30']));
    expect(result.anomalies).toBe(SPIKE_DAYS.length * 2);
    await reopen();
    expect((await costs.recomputeAnomalies(ORG)).anomalies).toBe(result.anomalies);
  });

  it('keeps acknowledged, expected and comments across recomputes and restarts', async () => {
    const list = await costs.listAnomalies(ORG, { dimension: 'service' });
    expect(list.every((a) => a.state === 'open' && a.comment === null)).toBe(true);
    const [a, b] = list;
    const acked = await costs.setAnomalyState(ORG, a.id, { state: 'acknowledged' }, 'usr_1');
    expect(acked).toMatchObject({ id: a.id, state: 'acknowledged', comment: null, stateUpdatedBy: 'usr_1' });
    expect(acked.stateUpdatedAt).toBe(clock.now().toISOString());
    // A comment alone keeps the state; the state alone keeps the comment.
    await costs.setAnomalyState(ORG, a.id, { comment: 'Load test, planned' }, 'usr_2');
    await costs.setAnomalyState(ORG, b.id, { state: 'expected', comment: 'Month-end batch' }, 'usr_1');
    await costs.recomputeAnomalies(ORG);
    await reopen();
    await costs.recomputeAnomalies(ORG, 'ca_payer');
    const after = new Map((await costs.listAnomalies(ORG)).map((x) => [x.id, x]));
    expect(after.get(a.id)).toMatchObject({ state: 'acknowledged', comment: 'Load test, planned' });
    expect(after.get(b.id)).toMatchObject({ state: 'expected', comment: 'Month-end batch' });
    expect((await costs.listAnomalies(ORG, { state: 'expected' })).map((x) => x.id)).toEqual([b.id]);
    expect((await costs.listAnomalies(ORG, { state: 'open' })).map((x) => x.id)).not.toContain(a.id);
    // Reopened, with its comment cleared.
    const reopened = await costs.setAnomalyState(ORG, a.id, { state: 'open', comment: null }, 'usr_1');
    expect(reopened).toMatchObject({ state: 'open', comment: null });
  });

  it('keeps the choice on the anomaly itself: restated away and found again, it is still acknowledged', async () => {
    const [a] = await costs.listAnomalies(ORG, {
      from: '2024-03-12',
      to: '2024-03-12',
      dimension: 'service',
    });
    await costs.setAnomalyState(ORG, a.id, { state: 'acknowledged', comment: 'known' }, 'usr_1');
    const restated = `DELETE FROM cost_line_items WHERE org_id = $1 AND resource_id = 'fn-runaway' AND usage_date = '2024-03-12'`;
    await store.execute(restated, [ORG]);
    await rebuildDaily(store, [ORG]);
    await costs.recomputeAnomalies(ORG);
    expect(await costs.listAnomalies(ORG, { from: '2024-03-12', to: '2024-03-12' })).toEqual([]);
    await insertItems(store, spikes(items, ['2024-03-12']));
    await costs.recomputeAnomalies(ORG);
    const [back] = await costs.listAnomalies(ORG, {
      from: '2024-03-12',
      to: '2024-03-12',
      dimension: 'service',
    });
    expect(back).toMatchObject({ state: 'acknowledged', comment: 'known' });
  });

  it('says which anomaly was not found', async () => {
    await expect(costs.setAnomalyState(ORG, 'anm_nope', { state: 'expected' }, null)).rejects.toThrow(
      'Anomaly anm_nope was not found',
    );
    await expect(
      costs.setAnomalyState('org_b', (await costs.listAnomalies(ORG))[0].id, {}, null),
    ).rejects.toThrow(/was not found/);
  });
});
