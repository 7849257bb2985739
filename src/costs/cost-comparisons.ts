/**
 * Comparisons of two periods: month to date against the same days of last month, and the top movers between a
 * period and the one before it (or one given), per dimension.
 */
import { checkDateRange, checkOptionalDate } from '../lib/date-rules.js';
import { InputError } from '../lib/errors.js';
import type { Store } from '../store/store.js';
import type { AccountNames } from './account-names.js';
import type { Mover, MoversAnswer, MoversOptions, SummaryAnswer } from './comparison-types.js';
import { pickCurrency, round6 } from './cost-answer.js';
import { dimensionName, type CostBasis } from './cost-query.js';
import { cutAt, monthToDateSpans } from './data-through.js';
import { addDays, daysBetween, monthEnd, monthStart, monthStartAfter } from './dates.js';
import { rangeSums } from './period-sums.js';

/** What the comparisons read through: the cost rollup, account names, the newest day with data, today. */
export interface ComparisonDeps {
  store: Pick<Store, 'query' | 'dialect'>;
  accountNames: AccountNames;
  through(orgId: string, asOf?: string): Promise<string | null>;
  today(): string;
}

function percent(change: number, base: number): number | null {
  return base === 0 ? null : round6((change / Math.abs(base)) * 100);
}

/** Month to date against the same days of last month, and last month whole. */
export async function summarize(
  deps: ComparisonDeps,
  orgId: string,
  o: { basis?: CostBasis; currency?: string; asOf?: string } = {},
): Promise<SummaryAnswer> {
  const asOf = checkOptionalDate(o.asOf, 'asOf', deps.today()) ?? deps.today();
  const basis = o.basis ?? 'billed';
  const newest = await deps.through(orgId, asOf);
  const { current: mtd, previous: prev } = monthToDateSpans(asOf, newest);
  const lastFrom = monthStartAfter(asOf, -1);
  const last = { from: lastFrom, to: monthEnd(lastFrom) };
  const rows = await rangeSums(deps.store, orgId, [mtd, prev, last], basis);
  // The currency of this month's spend, else last month's.
  const period = rows.some((r) => r.sums[0] !== 0) ? 0 : 2;
  const byMtd = pickCurrency(
    rows.map((r) => ({ currency: r.currency, total: Math.abs(r.sums[period]) })),
    o.currency,
  );
  const row = rows.find((r) => r.currency === byMtd.currency);
  const [m, p, l] = (row?.sums ?? [0, 0, 0]).map(round6);
  return {
    asOf,
    dataThrough: newest,
    basis,
    currency: byMtd.currency || 'unknown',
    monthToDate: { ...mtd, total: m },
    samePeriodLastMonth: { ...prev, total: p },
    change: round6(m - p),
    changePercent: percent(m - p, p),
    lastMonth: { ...last, total: l },
  };
}

/** The dimension values whose cost rose or fell most between the period and the one compared. */
export async function topMovers(
  deps: ComparisonDeps,
  orgId: string,
  o: MoversOptions = {},
): Promise<MoversAnswer> {
  const basis = o.basis ?? 'billed';
  const asked = checkOptionalDate(o.to, 'to', deps.today()) ?? deps.today();
  const from = checkOptionalDate(o.from, 'from', deps.today()) ?? monthStart(asked);
  checkDateRange({ from, to: asked }, deps.today());
  const newest = await deps.through(orgId, asked);
  const to = cutAt(from, asked, newest);
  let prevRange: { from: string; to: string };
  if (o.compareFrom || o.compareTo) {
    if (!o.compareFrom || !o.compareTo)
      throw new InputError(
        o.compareFrom ? 'compareTo' : 'compareFrom',
        'compareFrom and compareTo go together',
      );
    checkDateRange(
      { from: o.compareFrom, to: o.compareTo, fromField: 'compareFrom', toField: 'compareTo' },
      deps.today(),
    );
    prevRange = { from: o.compareFrom, to: o.compareTo };
  } else if (from === monthStart(from) && asked.slice(0, 7) === from.slice(0, 7)) {
    prevRange = monthToDateSpans(asked, newest).previous;
  } else {
    const span = daysBetween(from, to) + 1;
    prevRange = { from: addDays(from, -span), to: addDays(from, -1) };
  }
  const limit = o.limit ?? 5;
  const filters = o.filters ?? [];
  const ranges = [{ from, to }, prevRange];
  const out: MoversAnswer['dimensions'] = [];
  let currency = o.currency;
  let totals: [number, number] = [0, 0];
  for (const dim of o.dimensions ?? [{ kind: 'service' }, { kind: 'account' }]) {
    const dimension = dimensionName(dim);
    const rows = await rangeSums(deps.store, orgId, ranges, basis, filters, dim);
    if (currency === undefined) {
      const period = rows.some((r) => r.sums[0] !== 0) ? 0 : 1;
      const perCurrency = new Map<string, number>();
      for (const r of rows)
        perCurrency.set(r.currency, (perCurrency.get(r.currency) ?? 0) + Math.abs(r.sums[period]));
      currency = pickCurrency([...perCurrency].map(([c, total]) => ({ currency: c, total }))).currency;
    }
    const mine = rows.filter((r) => r.currency === currency);
    totals = [mine.reduce((s, r) => s + r.sums[0], 0), mine.reduce((s, r) => s + r.sums[1], 0)];
    const names =
      dim.kind === 'account'
        ? await deps.accountNames.lookup(orgId, mine.map((r) => r.key).filter(Boolean))
        : new Map<string, string>();
    const all: Mover[] = mine.map((r) => {
      const key = r.key === '' ? null : r.key;
      const name = key ? names.get(key) : undefined;
      const change = r.sums[0] - r.sums[1];
      return {
        key,
        label: key === null ? '(none)' : name ? `${name} (${key})` : key,
        current: round6(r.sums[0]),
        previous: round6(r.sums[1]),
        change: round6(change),
        changePercent: percent(change, r.sums[1]),
      };
    });
    out.push({
      dimension,
      increases: all
        .filter((m) => m.change > 0)
        .sort((a, b) => b.change - a.change)
        .slice(0, limit),
      decreases: all
        .filter((m) => m.change < 0)
        .sort((a, b) => a.change - b.change)
        .slice(0, limit),
    });
  }
  return {
    dataThrough: newest,
    basis,
    currency: currency || 'USD',
    current: { from, to, total: round6(totals[0]) },
    previous: { ...prevRange, total: round6(totals[1]) },
    dimensions: out,
  };
}
