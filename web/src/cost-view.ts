/** The cost explorer's state, kept in the URL so that a view can be shared by its address. */
import { addDays, addMonths, isIsoDate, isoDate, monthStart } from '../../src/lib/dates';
import { RELATIVE_RANGES } from '../../src/saved-views/relative-ranges';
import type { CostBasis } from './types';

export type Granularity = 'day' | 'month';

export interface CostFilter {
  dimension: string;
  value: string;
  exclude: boolean;
}

export interface CostView {
  from: string;
  to: string;
  granularity: Granularity;
  groupBy: string[];
  filters: CostFilter[];
  basis: CostBasis;
}

export const DIMENSIONS: { id: string; label: string }[] = [
  { id: 'service', label: 'Service' },
  { id: 'account', label: 'Account' },
  { id: 'region', label: 'Region' },
  { id: 'resource', label: 'Resource' },
  { id: 'chargeCategory', label: 'Charge type' },
  { id: 'usageType', label: 'Usage type' },
];

export const BASES: { id: CostBasis; label: string; help: string }[] = [
  { id: 'billed', label: 'Billed', help: 'Unblended cost: what the invoice says' },
  { id: 'net', label: 'Net', help: 'After negotiated discounts (EDP, private rates)' },
  {
    id: 'amortized',
    label: 'Amortized',
    help: 'Reservations and Savings Plans spread over the usage they cover',
  },
  { id: 'net_amortized', label: 'Net amortized', help: 'Amortized, after negotiated discounts' },
];

export function dimensionLabel(id: string): string {
  if (id.startsWith('tag:')) return `Tag ${id.slice(4)}`;
  if (id.startsWith('costCategory:')) return `Cost category ${id.slice(13)}`;
  if (id.startsWith('allocation:')) return `Allocation ${id.slice(11)}`;
  return DIMENSIONS.find((d) => d.id === id)?.label ?? id;
}

export function today(): string {
  return isoDate(new Date());
}

export interface RangePreset {
  id: string;
  label: string;
  range: (today: string) => { from: string; to: string; granularity: Granularity };
}

/** The explorer's ranges: the saved views' relative ranges ("last 3 full months" among them), one list. */
export const PRESETS: RangePreset[] = RELATIVE_RANGES.map((r) => ({
  id: r.id,
  label: r.label,
  range: (t) => ({ ...r.resolve(t), granularity: r.granularity }),
}));

/** The first day of the month `n` months before the month of `ymd`. */
export function monthsBack(ymd: string, n: number): string {
  return addMonths(monthStart(ymd), -n);
}

export function defaultView(t = today()): CostView {
  return {
    from: addDays(t, -29),
    to: t,
    granularity: 'day',
    groupBy: ['service'],
    filters: [],
    basis: 'billed',
  };
}

export function viewFromParams(params: URLSearchParams, t = today()): CostView {
  const d = defaultView(t);
  const from = params.get('from');
  const to = params.get('to');
  const granularity = params.get('granularity');
  const basis = params.get('basis');
  const groupBy = params.get('groupBy');
  const filters: CostFilter[] = [];
  for (const [key, exclude] of [
    ['filter', false],
    ['exclude', true],
  ] as const) {
    for (const f of params.getAll(key)) {
      const eq = f.indexOf('=');
      if (eq > 0) filters.push({ dimension: f.slice(0, eq), value: f.slice(eq + 1), exclude });
    }
  }
  return {
    from: isIsoDate(from) ? from : d.from,
    to: isIsoDate(to) ? to : d.to,
    granularity: granularity === 'month' || granularity === 'day' ? granularity : d.granularity,
    groupBy: groupBy === null ? d.groupBy : groupBy.split(',').filter(Boolean).slice(0, 2),
    filters,
    basis: BASES.some((b) => b.id === basis) ? (basis as CostBasis) : d.basis,
  };
}

export function viewToParams(v: CostView): URLSearchParams {
  const p = new URLSearchParams();
  p.set('from', v.from);
  p.set('to', v.to);
  p.set('granularity', v.granularity);
  p.set('groupBy', v.groupBy.join(','));
  p.set('basis', v.basis);
  for (const f of v.filters) p.append(f.exclude ? 'exclude' : 'filter', `${f.dimension}=${f.value}`);
  return p;
}

/** The API query of a view (GET /api/v1/costs and its CSV export take the same parameters). */
export function viewToQuery(v: CostView): Record<string, string | string[]> {
  const q: Record<string, string | string[]> = {
    from: v.from,
    to: v.to,
    granularity: v.granularity,
    basis: v.basis,
  };
  if (v.groupBy.length) q.groupBy = v.groupBy.join(',');
  const include = v.filters.filter((f) => !f.exclude).map((f) => `${f.dimension}=${f.value}`);
  const exclude = v.filters.filter((f) => f.exclude).map((f) => `${f.dimension}=${f.value}`);
  if (include.length) q.filter = include;
  if (exclude.length) q.exclude = exclude;
  return q;
}
