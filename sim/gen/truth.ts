/** Ground truth that tests compare Cloudtally's results against. Amounts are USD, rounded to the cent. */
import type { TruthCommitments } from './commitment-truth.js';

export type {
  TruthCommitment,
  TruthCommitmentMonth,
  TruthCommitments,
  TruthCoverageRow,
} from './commitment-truth.js';

export interface TruthDailyRow {
  accountId: string;
  serviceCode: string;
  /** YYYY-MM-DD of line_item_usage_start_date (UTC). */
  day: string;
  currency: 'USD';
  billed: number;
  net: number;
  amortized: number;
  netAmortized: number;
}

export interface TruthTotals {
  billed: number;
  net: number;
  amortized: number;
  netAmortized: number;
  rows: number;
}

export interface TruthExport {
  name: string;
  type: 'cur2' | 'legacy';
  format: 'parquet' | 'csv';
  bucket: string;
  prefix: string;
  payerAccountId: string;
  discounts: 'on-line' | 'separate';
  /** Usage accounts that appear in the export (payer included when it has usage). */
  memberAccounts: string[];
  /** Per billing period (YYYY-MM), the totals of the current refresh. */
  periods: Record<string, TruthTotals>;
  daily: TruthDailyRow[];
  /**
   * AWS cost categories as the export carries them: per billing period (YYYY-MM), category name and value, the
   * costs of the lines in that value (lines outside a category are in none of its values).
   */
  costCategories: Record<string, Record<string, Record<string, TruthCosts>>>;
}

export interface TruthCosts {
  billed: number;
  net: number;
  amortized: number;
  netAmortized: number;
}

export type WasteRule =
  | 'idle_instance'
  | 'rightsizing'
  | 'stopped_instance_volumes'
  | 'unattached_volume'
  | 'gp2_to_gp3'
  | 'unassociated_eip'
  | 'idle_load_balancer'
  | 'old_snapshot'
  | 'previous_generation'
  | 'savings_plan_commitment'
  | 'low_commitment_utilization';

export interface WasteItem {
  rule: WasteRule;
  /** Inventory ID: instance, volume, snapshot, allocation ID, load balancer ARN, commitment ARN, or account ID. */
  resourceId: string;
  awsAccountId: string;
  region: string;
  monthlySavings: number;
  /** `line_item_resource_id` values whose billed cost the saving is computed from. */
  billResourceIds: string[];
  details?: Record<string, string | number>;
}

export interface GroundTruth {
  scenario: string;
  seed: number;
  /** The simulator's clock. */
  now: string;
  /** Billing data covers days before this date (UTC). */
  dataEnd: string;
  /** The 30-day window monthly savings are measured over: [from, to). */
  savingsWindow: { from: string; to: string };
  exports: Record<string, TruthExport>;
  waste: WasteItem[];
  /** Reserved instances and savings plans: inventory, per-month utilization and savings, coverage. */
  commitments: TruthCommitments;
}

export function cents(x: number): number {
  const r = Math.round((Math.abs(x) + Number.EPSILON) * 100) / 100;
  return x < 0 ? -r : r === 0 ? 0 : r;
}

export function isoDay(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().slice(0, 10);
}

export function periodLabel(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().slice(0, 7);
}
