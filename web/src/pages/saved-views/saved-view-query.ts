/** Between the cost explorer's state (in its address) and a saved view's query. */
import {
  matchRelativeRange,
  relativeRange,
  type RelativeRangeId,
} from '../../../../src/saved-views/relative-ranges';
import { viewToParams, type CostView } from '../../cost-view';
import type { JsonAnswer } from '../../../../src/api-client/client.js';

export type SavedView = JsonAnswer<'/api/v1/saved-views/{id}', 'get'>;
export type SavedQuery = SavedView['query'];
export type SavedRange = SavedQuery['range'];
export type SavedViewRun = JsonAnswer<'/api/v1/saved-views/{id}/run', 'get'>;

/** The explorer's query as a saved one: a range that matches a preset today is kept in words unless `fixed`. */
export function queryFromExplorer(view: CostView, today: string, fixed = false): SavedQuery {
  const relative = fixed ? undefined : matchRelativeRange(view.from, view.to, today);
  return {
    range: relative ? { relative: relative.id } : { from: view.from, to: view.to },
    granularity: view.granularity,
    groupBy: view.groupBy,
    filter: view.filters.filter((f) => !f.exclude).map((f) => `${f.dimension}=${f.value}`),
    exclude: view.filters.filter((f) => f.exclude).map((f) => `${f.dimension}=${f.value}`),
    basis: view.basis,
  };
}

export function resolveRange(range: SavedRange, today: string): { from: string; to: string } {
  return 'relative' in range ? relativeRange(range.relative as RelativeRangeId).resolve(today) : range;
}

/** The range in words: "Last 3 full months" or "1 Jan 2024 – 31 Mar 2024" (formatted by `date`). */
export function rangeLabel(range: SavedRange, date: (d: string) => string): string {
  return 'relative' in range
    ? relativeRange(range.relative as RelativeRangeId).label
    : `${date(range.from)} – ${date(range.to)}`;
}

/** The explorer's address showing the saved view as of today. */
export function explorerHref(q: SavedQuery, today: string): string {
  const split = (text: string, exclude: boolean) => {
    const eq = text.indexOf('=');
    return { dimension: text.slice(0, eq), value: text.slice(eq + 1), exclude };
  };
  const view: CostView = {
    ...resolveRange(q.range, today),
    granularity: q.granularity,
    groupBy: q.groupBy,
    basis: q.basis,
    filters: [...q.filter.map((f) => split(f, false)), ...q.exclude.map((f) => split(f, true))],
  };
  return `/costs?${viewToParams(view).toString()}`;
}
