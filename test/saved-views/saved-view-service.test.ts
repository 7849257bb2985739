/** Saved views on both engines: relative ranges resolved against today, who sees and changes what, bad input. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCostService, type CostService } from '../../src/costs/cost-service.js';
import { silentLog } from '../../src/lib/log.js';
import type { AppError } from '../../src/lib/errors.js';
import { createSavedViewService, type SavedViewService } from '../../src/saved-views/saved-view-service.js';
import { RELATIVE_RANGES } from '../../src/saved-views/relative-ranges.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase, ENGINES, type TestDatabase } from '../helpers/stores.js';
import { insertItems, makeItems, SERVICES, sum, type FixtureItem } from '../costs/fixtures.js';
import { principal } from '../recommendations/fixtures.js';

const ORG = 'org_a';
const OTHER_ORG = 'org_b';
const clock = { now: () => new Date('2024-03-19T08:00:00Z') };
const EC2 = SERVICES[0];
const alice = principal(ORG, 'engineer', 'usr_alice');
const bob = principal(ORG, 'viewer', 'usr_bob');
const boss = principal(ORG, 'manager', 'usr_boss');
const stranger = principal(OTHER_ORG, 'manager', 'usr_stranger');

async function failure(p: Promise<unknown>): Promise<AppError & { field?: string }> {
  try {
    await p;
  } catch (err) {
    return err as AppError & { field?: string };
  }
  throw new Error('expected a failure');
}

describe('relative ranges', () => {
  it('resolve against today; full months leave the current month out', () => {
    const at = (id: string) => RELATIVE_RANGES.find((r) => r.id === id)!.resolve('2024-03-19');
    expect(at('last_3_full_months')).toEqual({ from: '2023-12-01', to: '2024-02-29' });
    expect(at('last_month')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(at('last_3_months')).toEqual({ from: '2024-01-01', to: '2024-03-19' });
    expect(at('month_to_date')).toEqual({ from: '2024-03-01', to: '2024-03-19' });
    expect(at('last_30_days')).toEqual({ from: '2024-02-19', to: '2024-03-19' });
    expect(at('year_to_date')).toEqual({ from: '2024-01-01', to: '2024-03-19' });
    expect(at('last_12_full_months')).toEqual({ from: '2023-03-01', to: '2024-02-29' });
  });
});

describe.each(ENGINES)('saved views on %s', (engine) => {
  let db: TestDatabase;
  let store: Store;
  let costs: CostService;
  let views: SavedViewService;
  let items: FixtureItem[];

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    store = await db.open();
    items = makeItems(ORG, '2023-12-01', 110);
    await insertItems(store, [...items, ...makeItems(OTHER_ORG, '2023-12-01', 110, { scale: 50 })]);
    costs = createCostService({ store, clock, log: silentLog });
    views = createSavedViewService({ store, clock, costs });
  });

  afterAll(async () => {
    await store?.close();
    await db?.destroy();
  });

  it('runs a relative range as the explorer would over the dates it stands for today', async () => {
    const v = await views.create(alice, {
      name: 'EC2 by account',
      query: {
        range: { relative: 'last_3_full_months' },
        groupBy: ['account'],
        filter: [`service=${EC2}`],
        basis: 'net',
      },
    });
    expect(v).toMatchObject({ visibility: 'private', pinned: false, mine: true, canEdit: true });
    expect(v.query).toMatchObject({ granularity: 'month', exclude: [] });
    const r = await views.run(alice, v.id);
    expect({ from: r.from, to: r.to }).toEqual({ from: '2023-12-01', to: '2024-02-29' });
    const inRange = (i: FixtureItem) => i.service === EC2 && i.date >= '2023-12-01' && i.date <= '2024-02-29';
    expect(r.answer.total).toBeCloseTo(sum(items, 'net', inRange), 6);
    expect(r.answer.groups).toHaveLength(3);
    const direct = await costs.queryText(ORG, {
      from: '2023-12-01',
      to: '2024-02-29',
      groupBy: ['account'],
      filter: [`service=${EC2}`],
      basis: 'net',
    });
    expect(r.answer.groups.map((g) => [g.label, g.total])).toEqual(
      direct.groups.map((g) => [g.label, g.total]),
    );
  });

  it('keeps a private view to its owner, shows a shared one to the organization only', async () => {
    const mine = await views.create(alice, {
      name: 'Private',
      query: { range: { from: '2024-01-01', to: '2024-01-31' } },
    });
    const shared = await views.create(alice, {
      name: 'Shared',
      visibility: 'organization',
      pinned: true,
      query: { range: { relative: 'last_month' }, groupBy: ['service'] },
    });
    const bobSees = (await views.list(bob)).map((v) => v.name);
    expect(bobSees).toContain('Shared');
    expect(bobSees).not.toContain('Private');
    expect((await failure(views.get(bob, mine.id))).kind).toBe('not_found');
    expect((await failure(views.run(bob, mine.id))).kind).toBe('not_found');
    expect((await failure(views.get(stranger, shared.id))).kind).toBe('not_found');
    expect(await views.list(stranger)).toEqual([]);
    // Another member sees but may not change it; a manager may change a shared view.
    expect(await views.get(bob, shared.id)).toMatchObject({ mine: false, canEdit: false });
    expect((await failure(views.update(bob, shared.id, { name: 'Mine now' }))).kind).toBe('permission');
    expect((await failure(views.remove(bob, shared.id))).kind).toBe('permission');
    expect((await views.update(boss, shared.id, { description: 'Checked monthly' })).description).toBe(
      'Checked monthly',
    );
    expect((await failure(views.update(boss, mine.id, { pinned: true }))).kind).toBe('not_found');
    // Pinned: only the pinned views, for everyone who sees them.
    expect((await views.list(bob, { pinned: true })).map((v) => v.name)).toEqual(['Shared']);
    const unpinned = await views.update(alice, shared.id, { pinned: false });
    expect(unpinned.pinned).toBe(false);
    expect(await views.list(bob, { pinned: true })).toEqual([]);
  });

  it('refuses bad input naming the field, a duplicate name, and removes for good', async () => {
    const bad = (body: unknown) => failure(views.create(alice, body));
    expect((await bad({ name: '', query: { range: { relative: 'last_month' } } })).field).toBe('name');
    expect((await bad({ name: 'x', query: { range: { relative: 'last_fortnight' } } })).field).toBe(
      'query.range',
    );
    expect(
      (await bad({ name: 'x', query: { range: { relative: 'last_month' }, filter: ['service'] } })).field,
    ).toBe('query.filter');
    expect(
      (await bad({ name: 'x', query: { range: { relative: 'last_month' }, groupBy: ['colour'] } })).field,
    ).toBe('query.groupBy');
    expect(
      (await bad({ name: 'x', query: { range: { from: '2024-02-10', to: '2024-02-01' } } })).field,
    ).toMatch(/^query\.range/);
    expect((await bad({ name: 'x', query: { range: { relative: 'last_month' } }, colour: 1 })).field).toBe(
      'colour',
    );
    expect((await bad({ name: 'Private', query: { range: { relative: 'last_month' } } })).kind).toBe(
      'conflict',
    );
    // Another member may use the same name for their own view.
    const bobs = await views.create(bob, { name: 'Private', query: { range: { relative: 'last_month' } } });
    await views.remove(bob, bobs.id);
    expect((await failure(views.get(bob, bobs.id))).kind).toBe('not_found');
    const audit = await store.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE org_id = $1 AND object_id = $2 ORDER BY created_at`,
      [ORG, bobs.id],
    );
    expect(audit.map((a) => a.action)).toEqual(['saved_view.create', 'saved_view.delete']);
  });
});
