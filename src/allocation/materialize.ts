/**
 * Writes a dimension's assignment for all retained data as one version of `cost_allocations`: line items summed
 * to the daily rollup's grain (day, currency, account, service, region, charge category) per value, then each
 * shared cost split across its values, per cost basis, in units of 1e-10 so that the parts sum exactly to it.
 * The version becomes visible to queries only when complete (markApplied).
 */
import { toUnits } from '../costs/exact-money.js';
import type { SqlParam, Store } from '../store/store.js';
import { SHARE_MARKER, type Definition, type Share } from './allocation-schemas.js';
import { assignmentSql } from './rule-sql.js';
import { splitUnits } from './split.js';

const GRAIN = [
  'usage_date',
  'billing_currency',
  'sub_account_id',
  'service_name',
  'region_id',
  'charge_category',
];
const COSTS = ['billed_cost', 'net_billed_cost', 'effective_cost', 'net_effective_cost'] as const;
const LINE_ITEM_COSTS = ['billed_cost', 'x_net_billed_cost', 'effective_cost', 'x_net_effective_cost'];
const INSERT_COLUMNS = ['org_id', 'dimension', 'version', ...GRAIN, 'value', 'shared', ...COSTS];
const BATCH = 200;

/** 10-decimal text of an amount in units of 1e-10. */
export function unitsText(u: bigint): string {
  const negative = u < 0n;
  const abs = negative ? -u : u;
  const s = abs.toString().padStart(11, '0');
  return `${negative ? '-' : ''}${s.slice(0, -10)}.${s.slice(-10)}`;
}

type GrainRow = {
  usage_date: string;
  billing_currency: string | null;
  sub_account_id: string | null;
  service_name: string | null;
  region_id: string | null;
  charge_category: string | null;
  value: string;
} & Record<(typeof COSTS)[number], string | null>;

function binder() {
  const params: SqlParam[] = [];
  return {
    params,
    bind: (v: SqlParam) => {
      params.push(v);
      return `$${params.length}`;
    },
  };
}

/** Each value's weight per basis for a shared cost of `month` and currency. */
type Weights = Map<string, bigint[]>;

function targetsOf(
  share: Share,
  direct: Weights | undefined,
  def: Definition,
): { value: string; w: bigint[] }[] {
  if (share.method === 'fixed')
    return Object.entries(share.percentages ?? {}).map(([value, pct]) => {
      const w = BigInt(Math.round(pct * 1e6));
      return { value, w: COSTS.map(() => w) };
    });
  const names = share.values ?? [...(direct?.keys() ?? [])].filter((v) => v !== def.defaultValue).sort();
  if (share.method === 'even') return names.map((value) => ({ value, w: COSTS.map(() => 1n) }));
  return names.map((value) => ({
    value,
    w: (direct?.get(value) ?? COSTS.map(() => 0n)).map((x) => (x > 0n ? x : 0n)),
  }));
}

/** The parts of one shared row: per basis, split by the targets' weights (evenly when they are all zero). */
function splitRow(row: GrainRow, targets: { value: string; w: bigint[] }[], def: Definition): GrainRow[] {
  if (targets.length === 0) return [{ ...row, value: def.defaultValue }];
  const parts = COSTS.map((c, b) => {
    const weights = targets.map((t) => t.w[b]);
    const usable = weights.some((w) => w > 0n) ? weights : weights.map(() => 1n);
    return splitUnits(toUnits(row[c]), usable);
  });
  return targets.map((t, i) => ({
    ...row,
    value: t.value,
    ...Object.fromEntries(COSTS.map((c, b) => [c, unitsText(parts[b][i])])),
  }));
}

async function insertRows(store: Store, orgId: string, name: string, version: number, rows: GrainRow[]) {
  for (let s = 0; s < rows.length; s += BATCH) {
    const { params, bind } = binder();
    const tuples = rows
      .slice(s, s + BATCH)
      .map(
        (r) =>
          `(${[
            bind(orgId),
            bind(name),
            bind(version),
            `CAST(${bind(String(r.usage_date).slice(0, 10))} AS DATE)`,
            bind(r.billing_currency),
            bind(r.sub_account_id),
            bind(r.service_name),
            bind(r.region_id),
            bind(r.charge_category),
            bind(r.value),
            'TRUE',
            ...COSTS.map((c) => `CAST(${bind(r[c])} AS DECIMAL(18,10))`),
          ].join(', ')})`,
      );
    await store.execute(
      `INSERT INTO cost_allocations (${INSERT_COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`,
      params,
    );
  }
}

export async function materialize(
  store: Store,
  orgId: string,
  name: string,
  version: number,
  def: Definition,
) {
  const scope = 'org_id = $1 AND dimension = $2 AND version = $3';
  await store.execute(`DELETE FROM cost_allocations WHERE ${scope}`, [orgId, name, version]);
  const { params, bind } = binder();
  const [o, n, v] = [bind(orgId), bind(name), bind(version)];
  const value = assignmentSql(def, store.dialect, bind);
  await store.execute(
    `INSERT INTO cost_allocations (${INSERT_COLUMNS.join(', ')})
     SELECT ${o}, ${n}, ${v}, ${GRAIN.join(', ')}, value, FALSE, ${COSTS.map((c) => `SUM(${c})`).join(', ')}
     FROM (SELECT ${GRAIN.join(', ')}, ${value} AS value,
             ${LINE_ITEM_COSTS.map((c, i) => `${c} AS ${COSTS[i]}`).join(', ')}
           FROM cost_line_items WHERE org_id = ${o} AND usage_date IS NOT NULL) li
     GROUP BY ${GRAIN.join(', ')}, value`,
    params,
  );
  if (!def.rules.some((r) => r.share)) return;
  const text = (c: string) => `CAST(${c} AS VARCHAR) AS ${c}`;
  const shared = await store.query<GrainRow>(
    `SELECT CAST(usage_date AS VARCHAR) AS usage_date, billing_currency, sub_account_id, service_name, region_id,
       charge_category, value, ${COSTS.map(text).join(', ')}
     FROM cost_allocations WHERE ${scope} AND substr(value, 1, ${SHARE_MARKER.length}) = '${SHARE_MARKER}'`,
    [orgId, name, version],
  );
  if (shared.length === 0) return;
  // Direct cost per month, currency and value: the weights of proportional shares.
  const direct = await store.query<GrainRow & { month: string }>(
    `SELECT CAST(date_trunc('month', usage_date) AS VARCHAR) AS month, COALESCE(billing_currency, '') AS billing_currency,
       value, ${COSTS.map((c) => `CAST(SUM(${c}) AS VARCHAR) AS ${c}`).join(', ')}
     FROM cost_allocations WHERE ${scope} AND substr(value, 1, ${SHARE_MARKER.length}) <> '${SHARE_MARKER}' GROUP BY 1, 2, 3`,
    [orgId, name, version],
  );
  const weights = new Map<string, Weights>();
  for (const r of direct) {
    const key = `${r.month.slice(0, 7)}|${r.billing_currency ?? ''}`;
    if (!weights.has(key)) weights.set(key, new Map());
    weights.get(key)?.set(
      r.value,
      COSTS.map((c) => toUnits(r[c])),
    );
  }
  const out: GrainRow[] = [];
  for (const row of shared) {
    const rule = def.rules[Number(row.value.slice(SHARE_MARKER.length))];
    const key = `${String(row.usage_date).slice(0, 7)}|${row.billing_currency ?? ''}`;
    out.push(...splitRow(row, rule?.share ? targetsOf(rule.share, weights.get(key), def) : [], def));
  }
  await store.execute(
    `DELETE FROM cost_allocations WHERE ${scope} AND substr(value, 1, ${SHARE_MARKER.length}) = '${SHARE_MARKER}'`,
    [orgId, name, version],
  );
  await insertRows(store, orgId, name, version, out);
}
