/**
 * Tag coverage: per account or service, the share of spend carrying each important tag key (and, with an
 * allocation dimension, the share it assigns a value other than its default), and the largest untagged resources,
 * to fix first. Read from the line items (and the applied assignment), in the currency with the largest total.
 */
import { pickCurrency } from '../costs/cost-answer.js';
import type { CostBasis } from '../costs/cost-query.js';
import { costColumn, Params } from '../costs/cost-sql.js';
import { exactText, toUnits, unitsToNumber } from '../costs/exact-money.js';
import type { Store } from '../store/store.js';

export const COVERAGE_BY = ['account', 'service'] as const;
export type CoverageBy = (typeof COVERAGE_BY)[number];
const COLUMN: Record<CoverageBy, string> = { account: 'sub_account_id', service: 'service_name' };

export interface CoverageAnswer {
  from: string;
  to: string;
  basis: CostBasis;
  currency: string;
  by: CoverageBy;
  keys: string[];
  allocation: { dimension: string; defaultValue: string; version: number | null } | null;
  total: number;
  rows: {
    value: string | null;
    total: number;
    /** Per tag key: the cost carrying it and its percent of the row's total. */
    tags: Record<string, { cost: number; percent: number | null }>;
    allocated: { cost: number; percent: number | null } | null;
  }[];
  /** Resources missing at least one of the keys, largest cost first. */
  untaggedResources: {
    resource: string;
    account: string | null;
    service: string | null;
    cost: number;
    missing: string[];
  }[];
}

const percent = (part: bigint, whole: bigint): number | null =>
  whole === 0n ? null : Number((part * 10_000_000n) / whole) / 100_000;

export async function readCoverage(
  store: Pick<Store, 'query' | 'dialect'>,
  orgId: string,
  o: {
    from: string;
    to: string;
    basis: CostBasis;
    by: CoverageBy;
    keys: string[];
    limit: number;
    allocation: { name: string; defaultValue: string; appliedVersion: number | null } | null;
  },
): Promise<CoverageAnswer> {
  const p = new Params();
  const cost = costColumn('cost_line_items', o.basis);
  const tag = (k: string) => `NULLIF(${store.dialect.jsonText("NULLIF(tags, '')", k, (v) => p.add(v))}, '')`;
  const has = o.keys.map(
    (k, i) => `${exactText(`SUM(CASE WHEN ${tag(k)} IS NOT NULL THEN ${cost} ELSE 0 END)`)} AS t${i}`,
  );
  const range = `org_id = ${p.add(orgId)} AND usage_date >= ${p.add(o.from)} AND usage_date <= ${p.add(o.to)}`;
  const rows = await store.query<Record<string, string | null>>(
    `SELECT COALESCE(${COLUMN[o.by]}, '') AS k, COALESCE(billing_currency, '') AS currency, ${exactText(`SUM(${cost})`)} AS total, ${has.join(', ')}
     FROM cost_line_items WHERE ${range} GROUP BY 1, 2`,
    p.values,
  );
  const perCurrency = new Map<string, number>();
  for (const r of rows)
    perCurrency.set(r.currency ?? '', (perCurrency.get(r.currency ?? '') ?? 0) + Math.abs(Number(r.total)));
  const { currency } = pickCurrency([...perCurrency].map(([c, total]) => ({ currency: c, total })));
  const mine = rows.filter((r) => (r.currency ?? '') === currency);

  const allocated = new Map<string, bigint>();
  if (o.allocation) {
    const a = await store.query<{ k: string; cost: string }>(
      `SELECT COALESCE(${COLUMN[o.by]}, '') AS k, ${exactText(`SUM(${costColumn('cost_allocations', o.basis)})`)} AS cost
       FROM cost_allocations WHERE org_id = $1 AND dimension = $2 AND version = $3 AND value <> $4
         AND usage_date >= $5 AND usage_date <= $6 AND COALESCE(billing_currency, '') = $7 GROUP BY 1`,
      [
        orgId,
        o.allocation.name,
        o.allocation.appliedVersion ?? -1,
        o.allocation.defaultValue,
        o.from,
        o.to,
        currency,
      ],
    );
    for (const r of a) allocated.set(r.k, toUnits(r.cost));
  }

  const q = new Params();
  const tagQ = (k: string) => `NULLIF(${store.dialect.jsonText("NULLIF(tags, '')", k, (v) => q.add(v))}, '')`;
  const missing = o.keys.map((k, i) => `MAX(CASE WHEN ${tagQ(k)} IS NULL THEN 1 ELSE 0 END) AS m${i}`);
  const untagged = await store.query<Record<string, string | number | null>>(
    `SELECT resource_id AS r, MAX(sub_account_id) AS account, MAX(service_name) AS service,
       ${exactText(`SUM(${cost})`)} AS cost, ${missing.join(', ')}
     FROM cost_line_items
     WHERE org_id = ${q.add(orgId)} AND usage_date >= ${q.add(o.from)} AND usage_date <= ${q.add(o.to)}
       AND resource_id IS NOT NULL AND resource_id <> '' AND COALESCE(billing_currency, '') = ${q.add(currency)}
       AND (${o.keys.map((k) => `${tagQ(k)} IS NULL`).join(' OR ')})
     GROUP BY resource_id ORDER BY SUM(${cost}) DESC, resource_id LIMIT ${q.add(o.limit)}`,
    q.values,
  );

  const list = mine
    .map((r) => {
      const total = toUnits(r.total);
      const a = allocated.get(r.k ?? '') ?? 0n;
      return {
        units: total,
        value: r.k ? r.k : null,
        total: unitsToNumber(total),
        tags: Object.fromEntries(
          o.keys.map((k, i) => {
            const t = toUnits(r[`t${i}`]);
            return [k, { cost: unitsToNumber(t), percent: percent(t, total) }];
          }),
        ),
        allocated: o.allocation ? { cost: unitsToNumber(a), percent: percent(a, total) } : null,
      };
    })
    .sort((x, y) => (x.units === y.units ? 0 : x.units > y.units ? -1 : 1));
  return {
    from: o.from,
    to: o.to,
    basis: o.basis,
    currency: currency || 'unknown',
    by: o.by,
    keys: o.keys,
    allocation: o.allocation
      ? {
          dimension: o.allocation.name,
          defaultValue: o.allocation.defaultValue,
          version: o.allocation.appliedVersion,
        }
      : null,
    total: unitsToNumber(list.reduce((s, r) => s + r.units, 0n)),
    rows: list.map(({ units: _u, ...r }) => r),
    untaggedResources: untagged.map((r) => ({
      resource: String(r.r),
      account: r.account === null ? null : String(r.account),
      service: r.service === null ? null : String(r.service),
      cost: unitsToNumber(toUnits(r.cost)),
      missing: o.keys.filter((_, i) => Number(r[`m${i}`]) === 1),
    })),
  };
}
