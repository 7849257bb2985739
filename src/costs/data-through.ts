/**
 * How far the billing data reaches, and the comparisons cut to it. AWS delivers a day's costs about a day late,
 * so "today" usually has no data yet: a month to date that runs to today compares one day fewer than the same
 * days of last month, and every service looks like it fell. Every comparison (summary, movers, forecast, and
 * budgets) cuts both sides at the newest day with data, decided here and nowhere else.
 */
import type { Store } from '../store/store.js';
import type { CostFilter } from './cost-query.js';
import { allocationScope, filterSql, Params, sourceFor } from './cost-sql.js';
import { addDays, monthStartAfter, monthEnd, monthStart } from './dates.js';

export interface DataThroughOptions {
  /** Only days on or before this one count (the "today" of the question); default: any day. */
  asOf?: string;
  /** Narrows the scope (one service, one account…); default: the whole organization. */
  filters?: readonly CostFilter[];
}

/**
 * The newest usage day with any cost row for the organization (or the filtered scope) on or before `asOf`; null
 * when there is none. A day with rows counts even when they sum to zero: it has been billed.
 */
export async function dataThrough(
  store: Pick<Store, 'query' | 'dialect'>,
  orgId: string,
  o: DataThroughOptions = {},
): Promise<string | null> {
  const filters = o.filters ?? [];
  const source = sourceFor(filters.map((f) => f.dimension));
  const p = new Params();
  const where = [`org_id = ${p.add(orgId)}`];
  if (o.asOf) where.push(`usage_date <= ${p.add(o.asOf)}`);
  where.push(...filterSql(filters, source, store.dialect, p));
  if (source === 'cost_allocations')
    where.push(
      ...allocationScope(
        filters.map((f) => f.dimension),
        p,
      ),
    );
  const [row] = await store.query<{ d: string | null }>(
    `SELECT MAX(usage_date) AS d FROM ${source} WHERE ${where.join(' AND ')}`,
    p.values,
  );
  return row?.d ? String(row.d).slice(0, 10) : null;
}

export interface Span {
  from: string;
  /** Last day included; the day before `from` when the span holds no day. */
  to: string;
}

/**
 * Month to date as of `asOf` with data through `through`, and the same days of the previous month: both run from
 * the 1st to the day of the month of the last day with data (the previous month's side clamped to its last day).
 * When this month has no data yet both spans are empty (`to` is the day before `from`); with no data at all
 * (`through` null) they run to `asOf`, as there is nothing to be missing.
 */
export function monthToDateSpans(asOf: string, through: string | null): { current: Span; previous: Span } {
  const from = monthStart(asOf);
  const last = through === null ? asOf : through < asOf ? through : asOf;
  const prevFrom = monthStartAfter(from, -1);
  if (last < from)
    return {
      current: { from, to: addDays(from, -1) },
      previous: { from: prevFrom, to: addDays(prevFrom, -1) },
    };
  const day = Number(last.slice(8, 10));
  const prevEnd = monthEnd(prevFrom);
  const prevTo = day > Number(prevEnd.slice(8, 10)) ? prevEnd : `${prevFrom.slice(0, 8)}${last.slice(8, 10)}`;
  return { current: { from, to: last }, previous: { from: prevFrom, to: prevTo } };
}

/** `to` cut at the newest day with data, when the data ends before it (never before `from`). */
export function cutAt(from: string, to: string, through: string | null): string {
  if (through === null || through >= to) return to;
  return through < from ? addDays(from, -1) : through;
}
