/** The vocabulary of cost anomalies, shared by the engine, its states and its drivers. */

export const ANOMALY_DIMENSIONS = ['account', 'service'] as const;
export type AnomalyDimension = (typeof ANOMALY_DIMENSIONS)[number];

export interface AnomalyDriver {
  resourceId: string | null;
  usageType: string | null;
  service: string | null;
  account: string | null;
  region: string | null;
  /** Cost of these line items on the anomalous day. */
  cost: number;
  /** Their average daily cost over the baseline window. */
  baseline: number;
  change: number;
}
