import type { BilledCost, BillWindow } from '../inventory/resource-costs.js';
import type { StoredResource } from '../inventory/resource-store.js';
import type { MetricSummary } from '../inventory/metric-store.js';
import type { ScanStatus } from '../inventory/resource-store.js';
import type { RuleName, RuleSettings } from './settings.js';

export type SavingsBasis = 'bill' | 'estimate';

/** What a rule found about one resource (or account, or commitment). */
export interface Finding {
  resourceId: string;
  resourceType: string;
  region: string | null;
  title: string;
  /** Plain words with the evidence, e.g. "average CPU 1.2 %, network 300 B/s over 7 days". */
  reason: string;
  evidence: Record<string, unknown>;
  action: string;
  monthlySavings: number;
  savingsBasis: SavingsBasis;
}

export interface DailyCost {
  day: string;
  cost: number;
}

export interface CommitmentUse {
  /** The reservation or savings plan ARN. */
  id: string;
  kind: 'savings_plan' | 'reservation';
  region: string | null;
  /** Effective cost of the usage it covered in the window. */
  used: number;
  /** Unused commitment in the window (amortized cost of the fee lines). */
  unused: number;
  /** What the fee lines billed in the window. */
  fees: number;
}

/** Everything a rule may look at, for one connection; the engine builds it once per run. */
export interface RuleContext {
  orgId: string;
  cloudAccountId: string;
  awsAccountId: string;
  now: Date;
  currency: string;
  /** The bill for this AWS account, or null before billing data exists. */
  bill: BillWindow | null;
  /** The 30-day window savings are measured over, `[from, to)`. */
  savingsWindow: { from: string; to: string } | null;
  resources: StoredResource[];
  byId: Map<string, StoredResource>;
  /** Billed and effective cost of a resource over the savings window; null when the bill has no line for it. */
  cost(r: StoredResource): BilledCost | null;
  /** Aggregates of hourly metrics over the `days` before now, per resource and metric. */
  metrics(days: number): Promise<Map<string, Map<string, MetricSummary>>>;
  /** How the last scans and metric fetches went, per region and unit. */
  scanStatus: ScanStatus[];
  /** Daily on-demand EC2 instance cost (Usage lines of BoxUsage) over the `days` ending with the bill's newest day. */
  onDemandDaily(days: number): Promise<DailyCost[]>;
  /** Where commitment use comes from: the CUR fee lines, Cost Explorer's utilization API, or nowhere yet. */
  commitmentSource: 'bill' | 'cost_explorer' | null;
  /** Reservations and savings plans owned by this account, with use over the `days` ending with the newest day. */
  commitments(days: number): Promise<CommitmentUse[]>;
  /** For public IPs: the first day of the unbroken run of idle-address charges that ends with the bill's newest day. */
  idleAddressSince(publicIps: string[]): Promise<Map<string, string>>;
  /** Resource IDs an earlier rule of this run already recommended acting on (idle beats rightsizing, …). */
  claimed: Set<string>;
}

export interface RuleResult {
  findings: Finding[];
  /** False when the rule could not look (no bill yet, metrics failing): its open recommendations stay as they are. */
  evaluated: boolean;
}

/** One rule: a file of its own under rules/, with thresholds from settings.ts. */
export interface Rule<K extends RuleName = RuleName> {
  name: K;
  /** Why an earlier recommendation of this rule was closed when the rule no longer finds it. */
  noLongerApplies: string;
  evaluate(ctx: RuleContext, settings: RuleSettings[K]): Promise<RuleResult>;
}

export function round2(x: number): number {
  return Math.round((x + Number.EPSILON) * 100) / 100;
}

export function money(x: number, currency = 'USD'): string {
  return currency === 'USD' ? `$${x.toFixed(2)}` : `${x.toFixed(2)} ${currency}`;
}

export function daysBetween(from: Date, to: Date): number {
  return (to.getTime() - from.getTime()) / 86_400_000;
}

/**
 * The saving of acting on a resource: `fraction` of what it cost in the bill over the savings window, or of a
 * list-price estimate when the bill has no line for it. A bill line of zero (covered by a commitment) saves nothing.
 */
export function savingFrom(
  ctx: RuleContext,
  r: StoredResource,
  fraction: number,
  estimateMonthly: () => number | null,
): { monthlySavings: number; basis: SavingsBasis; monthlyCost: number } | null {
  const c = ctx.cost(r);
  if (c) return { monthlySavings: round2(c.billed * fraction), basis: 'bill', monthlyCost: round2(c.billed) };
  const est = estimateMonthly();
  if (est === null) return null;
  return { monthlySavings: round2(est * fraction), basis: 'estimate', monthlyCost: round2(est) };
}

/** The words that tell where a saving comes from. */
export function basisWords(basis: SavingsBasis, days = 30): string {
  return basis === 'bill'
    ? `from its billed cost over the last ${days} days`
    : 'estimated from us-east-1 list prices (the bill has no line for it yet)';
}
