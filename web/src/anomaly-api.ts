/** The anomaly calls of the dashboard: the list (with the API's own filters) and what people decide about one. */
import { api, ApiError } from './api';
import type { CostAnomaly } from './types';

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

/** One anomaly by its ID; null when there is none (a recompute may have dropped it). */
export async function findAnomaly(id: string): Promise<CostAnomaly | null> {
  try {
    return await api.get<CostAnomaly>(`${ANOMALIES_PATH}/${encodeURIComponent(id)}`);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
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
