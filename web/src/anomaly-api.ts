/** The anomaly calls of the dashboard: the list (with the API's own filters) and what people decide about one. */
import { addDays } from '../../src/lib/dates';
import { api } from './api';
import type { CostAnomaly, Page } from './types';

export type AnomalyState = CostAnomaly['state'];

export const ANOMALY_STATE_LABELS: Record<AnomalyState, string> = {
  open: 'Open',
  acknowledged: 'Acknowledged',
  expected: 'Expected',
};

export interface AnomalyQuery {
  from: string;
  to: string;
  dimension?: CostAnomaly['dimension'];
  direction?: CostAnomaly['direction'];
  state?: AnomalyState;
}

export const ANOMALIES_PATH = '/api/v1/costs/anomalies';

/** The query of GET /api/v1/costs/anomalies (as many as the API gives: 500). */
export function anomalyListQuery(q: AnomalyQuery): Record<string, string | number | undefined> {
  return { ...q, limit: 500 };
}

/** One anomaly by its ID; the day (from the list's link) narrows the search to that day's anomalies. */
export async function findAnomaly(
  id: string,
  date: string | null,
  today: string,
): Promise<CostAnomaly | null> {
  const range = date ? { from: date, to: date } : { from: addDays(today, -400), to: today };
  const page = await api.get<Page<CostAnomaly>>(ANOMALIES_PATH, { ...range, limit: 500 });
  return page.items.find((a) => a.id === id) ?? null;
}

/** Acknowledges, marks expected or opens again, and/or sets the comment (null clears it). */
export function updateAnomaly(
  id: string,
  change: { state?: AnomalyState; comment?: string | null },
): Promise<CostAnomaly> {
  return api.patch<CostAnomaly>(`${ANOMALIES_PATH}/${encodeURIComponent(id)}`, change);
}

/** The address of an anomaly's detail page. */
export function anomalyHref(a: Pick<CostAnomaly, 'id' | 'date'>): string {
  return `/anomalies/${encodeURIComponent(a.id)}?date=${a.date}`;
}
