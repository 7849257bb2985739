/**
 * What a change of a dimension's rules would do before it is saved: over a date range, the spend that would move
 * from one value to another (shared costs shown as going to "shared by rule N"), and each value's cost before and
 * after. Read straight off the line items with both rule sets side by side, so nothing is written.
 */
import { pickCurrency } from '../costs/cost-answer.js';
import type { CostBasis } from '../costs/cost-query.js';
import { costColumn } from '../costs/cost-sql.js';
import { exactText, toUnits, unitsToNumber } from '../costs/exact-money.js';
import type { SqlParam, Store } from '../store/store.js';
import { SHARE_MARKER, type Definition } from './allocation-schemas.js';
import { assignmentSql } from './rule-sql.js';

export interface PreviewAnswer {
  from: string;
  to: string;
  basis: CostBasis;
  currency: string;
  total: number;
  /** Spend whose value changes. */
  moved: number;
  /** The largest moves first. */
  moves: { from: string; to: string; cost: number }[];
  values: { value: string; before: number; after: number; change: number }[];
}

const MAX_MOVES = 50;

function label(value: string, def: Definition | null): string {
  if (!value.startsWith(SHARE_MARKER)) return value;
  const i = Number(value.slice(SHARE_MARKER.length));
  const rule = def?.rules[i];
  return `(shared by rule ${i + 1}${rule?.name ? ` "${rule.name}"` : ''}, ${rule?.share?.method ?? 'split'})`;
}

export async function previewChange(
  store: Pick<Store, 'query' | 'dialect'>,
  orgId: string,
  current: Definition | null,
  proposed: Definition,
  o: { from: string; to: string; basis: CostBasis },
): Promise<PreviewAnswer> {
  const params: SqlParam[] = [];
  const bind = (v: SqlParam) => {
    params.push(v);
    return `$${params.length}`;
  };
  const before = current ? assignmentSql(current, store.dialect, bind) : `'(none)'`;
  const after = assignmentSql(proposed, store.dialect, bind);
  const rows = await store.query<{ a: string; b: string; currency: string; cost: string }>(
    `SELECT ${before} AS a, ${after} AS b, COALESCE(billing_currency, '') AS currency,
       ${exactText(`SUM(${costColumn('cost_line_items', o.basis)})`)} AS cost
     FROM cost_line_items WHERE org_id = ${bind(orgId)} AND usage_date >= ${bind(o.from)} AND usage_date <= ${bind(o.to)}
     GROUP BY 1, 2, 3`,
    params,
  );
  const perCurrency = new Map<string, number>();
  for (const r of rows)
    perCurrency.set(r.currency, (perCurrency.get(r.currency) ?? 0) + Math.abs(Number(r.cost)));
  const { currency } = pickCurrency([...perCurrency].map(([c, total]) => ({ currency: c, total })));
  const mine = rows.filter((r) => r.currency === currency);
  let total = 0n;
  let moved = 0n;
  const values = new Map<string, { before: bigint; after: bigint }>();
  const slot = (v: string) => values.get(v) ?? values.set(v, { before: 0n, after: 0n }).get(v)!;
  const moves: { from: string; to: string; units: bigint }[] = [];
  for (const r of mine) {
    const u = toUnits(r.cost);
    total += u;
    const a = label(r.a, current);
    const b = label(r.b, proposed);
    slot(a).before += u;
    slot(b).after += u;
    if (a !== b) {
      moved += u;
      moves.push({ from: a, to: b, units: u });
    }
  }
  const abs = (x: bigint) => (x < 0n ? -x : x);
  moves.sort((x, y) => (abs(y.units) > abs(x.units) ? 1 : abs(y.units) < abs(x.units) ? -1 : 0));
  return {
    from: o.from,
    to: o.to,
    basis: o.basis,
    currency: currency || 'unknown',
    total: unitsToNumber(total),
    moved: unitsToNumber(moved),
    moves: moves.slice(0, MAX_MOVES).map((m) => ({ from: m.from, to: m.to, cost: unitsToNumber(m.units) })),
    values: [...values]
      .map(([value, v]) => ({
        value,
        before: unitsToNumber(v.before),
        after: unitsToNumber(v.after),
        change: unitsToNumber(v.after - v.before),
      }))
      .sort((x, y) => y.after - x.after || x.value.localeCompare(y.value)),
  };
}
