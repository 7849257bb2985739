/**
 * Tag keys are data, never syntax: keys that are JSONPath, JSON pointer, SQL or CSV syntax group and filter
 * exactly the line items that carry them, on every route that takes a dimension, on both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CostAnswer } from '../../src/costs/cost-answer.js';
import type { MoversAnswer } from '../../src/costs/cost-service.js';
import { AWKWARD_KEYS } from '../helpers/awkward-keys.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ENGINES } from '../helpers/stores.js';
import { insertItems, makeItems, type FixtureItem } from './fixtures.js';

const DAY = '2024-01-01';
/** Written the way a client can always write a key: as a JSON string. */
const quoted = (key: string) => `tag:${JSON.stringify(key)}`;
/** Keys a client may also write bare (no `=` or `,`, no space or quote at the ends). */
const bareOk = (key: string) => !/[=,]/.test(key) && key === key.trim() && !key.startsWith('"');

describe.each(ENGINES)('tag keys on %s', (engine) => {
  let t: TestServer;
  /** The one line item tagged with each key, at the key's index. */
  let tagged: FixtureItem[];
  let all: FixtureItem[];

  beforeAll(async () => {
    t = await startTestServer({ engine });
    all = makeItems(t.users.manager.orgId, DAY, 1).map((i) => ({ ...i, tags: null }));
    tagged = AWKWARD_KEYS.map((key, i) => {
      // A decoy member beside the key: a key read as a path or wildcard would pick it up or fail.
      const item = { ...all[i], tags: { [key]: `value ${i}`, decoy: 'decoy' } };
      all[i] = item;
      return item;
    });
    await insertItems(t.ctx.store, all);
  });
  afterAll(async () => {
    await t?.close();
  });

  const get = async (path: string, query: Record<string, string>): Promise<Response> => {
    const res = await t.request(`${path}?${new URLSearchParams(query)}`, { token: t.users.viewer.token });
    expect(res.status, `${path} ${JSON.stringify(query)}: ${await res.clone().text()}`).toBe(200);
    return res;
  };
  const total = (items: FixtureItem[]) => Math.round(items.reduce((s, i) => s + i.billed, 0) * 1e6) / 1e6;

  it.each(AWKWARD_KEYS.map((key, i) => [key, i] as const))(
    'groups by and filters on the key %j exactly',
    async (key, i) => {
      const mine = tagged[i];
      const forms = bareOk(key) ? [quoted(key), `tag:${key}`] : [quoted(key)];
      for (const dim of forms) {
        const grouped = (await (
          await get('/api/v1/costs', { from: DAY, to: DAY, groupBy: dim })
        ).json()) as CostAnswer;
        const groups = Object.fromEntries(grouped.groups.map((g) => [String(g.key[`tag:${key}`]), g.total]));
        expect(Object.keys(groups).sort(), dim).toEqual(['null', `value ${i}`]);
        expect(groups[`value ${i}`]).toBeCloseTo(mine.billed, 6);
        expect(groups.null).toBeCloseTo(total(all.filter((x) => x !== mine)), 6);

        const filter = `${dim}=value ${i}`;
        const filtered = (await (
          await get('/api/v1/costs', { from: DAY, to: DAY, filter })
        ).json()) as CostAnswer;
        expect(filtered.total, filter).toBeCloseTo(mine.billed, 6);
      }

      const filter = `${quoted(key)}=value ${i}`;
      const csv = await (
        await get('/api/v1/costs/export', { from: DAY, to: DAY, groupBy: quoted(key) })
      ).text();
      expect(csv).toContain(`value ${i}`);

      const movers = (await (
        await get('/api/v1/costs/movers', { from: DAY, to: DAY, filter })
      ).json()) as MoversAnswer;
      expect(movers.current.total).toBeCloseTo(mine.billed, 6);

      const lines = await (
        await get('/api/v1/costs/line-items/export', { from: DAY, to: DAY, filter, format: 'csv' })
      ).text();
      expect(lines.trim().split('\n')).toHaveLength(2);
      expect(lines).toContain(mine.resource ?? mine.usageType);
    },
  );

  it('a key no line item carries matches nothing, even when it reads as a wildcard', async () => {
    for (const dim of ['tag:$..*', 'tag:/*', 'tag:$[*]', 'tag:**']) {
      const a = (await (
        await get('/api/v1/costs', { from: DAY, to: DAY, groupBy: dim })
      ).json()) as CostAnswer;
      expect(a.groups.map((g) => g.key[dim])).toEqual([null]);
      const f = (await (
        await get('/api/v1/costs', { from: DAY, to: DAY, filter: `${dim}=decoy` })
      ).json()) as CostAnswer;
      expect(f.total).toBe(0);
    }
  });
});
