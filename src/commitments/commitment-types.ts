/**
 * What the commitments domain speaks of: a commitment (a reserved instance or a savings plan), its figures per
 * month, the coverage of eligible usage, and the port a provider fills to read them from its bill.
 */

export const COMMITMENT_KINDS = ['savings_plan', 'reservation'] as const;
export type CommitmentKind = (typeof COMMITMENT_KINDS)[number];

/** A commitment's terms as the bill (or the Cost Explorer API) describes them; unknown terms are null. */
export interface CommitmentTerms {
  /** The ARN (or, from Cost Explorer, the reservation's subscription ID). */
  id: string;
  kind: CommitmentKind;
  /** `ComputeSavingsPlans`, `EC2InstanceSavingsPlans`, `SageMakerSavingsPlans`, `DatabaseSavingsPlans`; RIs `EC2`, `RDS`, … */
  type: string;
  /** The connection whose bill holds it. */
  cloudAccountId: string;
  /** The cloud account that bought it. */
  awsAccountId: string | null;
  region: string | null;
  instanceType: string | null;
  /** Reserved instances: how many. */
  count: number | null;
  /** Savings plans: the commitment per hour. */
  hourlyCommitment: number | null;
  termYears: number | null;
  paymentOption: 'No Upfront' | 'Partial Upfront' | 'All Upfront' | null;
  /** ISO instants. */
  start: string | null;
  end: string | null;
  upfrontFee: number | null;
  /** Savings plans: per hour; reserved instances: per instance-hour. */
  recurringHourlyFee: number | null;
  currency: string;
  source: 'bill' | 'cost_explorer';
}

/**
 * One commitment over one month (AWS's definitions):
 * - committed: what the month's commitment cost, amortized (savings plans: the total commitment to date;
 *   reserved instances: the amortized cost of every purchased hour);
 * - used: the part that paid for usage; unused = committed − used (the waste);
 * - utilization: used / committed in % (reserved instances: used hours / purchased hours);
 * - onDemandEquivalent: what the covered usage would have cost on demand;
 * - netSavings = onDemandEquivalent − committed.
 */
export interface CommitmentMonth {
  commitmentId: string;
  /** `YYYY-MM`. */
  period: string;
  committed: number;
  used: number;
  unused: number;
  utilization: number;
  onDemandEquivalent: number;
  amortized: number;
  netSavings: number;
  purchasedHours: number | null;
  usedHours: number | null;
  currency: string;
}

/** Eligible usage of one month, service, account, region and instance family, at on-demand prices. */
export interface CoverageRow {
  period: string;
  service: string;
  awsAccountId: string;
  region: string;
  instanceFamily: string;
  /** Usage a reservation or savings plan paid for. */
  covered: number;
  /** Usage that ran on demand: the coverage gap. */
  onDemand: number;
  total: number;
  coverage: number;
  currency: string;
}

/** Raw figures of one commitment and month, as a provider's reader sums them (unrounded). */
export interface MonthSums {
  cloudAccountId: string;
  commitmentId: string;
  kind: CommitmentKind;
  period: string;
  used: number;
  unused: number;
  onDemandEquivalent: number;
  /** Reserved instances: instance-hours purchased and used; savings plans: null. */
  purchasedHours: number | null;
  usedHours: number | null;
  currency: string;
}

/** One commitment's month as Cost Explorer answered it, with the terms it stated (table `commitment_months`). */
export interface StoredMonth extends MonthSums {
  terms: Omit<CommitmentTerms, 'cloudAccountId' | 'id' | 'kind' | 'currency' | 'source'>;
}

/** Raw eligible-usage sums of one month, service, account, region and instance type. */
export interface CoverageSums {
  cloudAccountId: string;
  period: string;
  service: string;
  awsAccountId: string;
  region: string;
  instanceType: string;
  covered: number;
  onDemand: number;
  currency: string;
}

/**
 * One commitment's line sums of one day, as a provider's reader sums them (unrounded): usage it paid for, and for
 * savings plans the unused part of the day's recurring fees. A reserved instance's unused cost is not on any
 * daily line (its RIFee line is monthly): the service derives it from the purchased hours (commitment-daily.ts).
 */
export interface DaySums {
  cloudAccountId: string;
  commitmentId: string;
  kind: CommitmentKind;
  /** `YYYY-MM-DD`. */
  day: string;
  used: number;
  /** Savings plans: the unused commitment of the day's fee lines; reserved instances: 0. */
  unused: number;
  onDemandEquivalent: number;
  /** Reserved instances: instance-hours used; savings plans: 0. */
  usedHours: number;
  currency: string;
}

/** One commitment over one day (see CommitmentMonth; `period` is the day `YYYY-MM-DD`). */
export type CommitmentDay = CommitmentMonth;

/** Uncovered eligible usage of one day at on-demand prices, per account (for what to buy). */
export interface OnDemandDay {
  awsAccountId: string;
  day: string;
  onDemand: number;
  covered: number;
  currency: string;
}

/**
 * How a provider reads commitments from the line items its billing sources wrote (AWS: the CUR's commitment line
 * types and columns). Months are `YYYY-MM-01` dates, inclusive.
 */
export interface CommitmentReader {
  terms(orgId: string): Promise<CommitmentTerms[]>;
  months(orgId: string, from: string, to: string): Promise<MonthSums[]>;
  coverage(orgId: string, from: string, to: string): Promise<CoverageSums[]>;
  /** Commitment line sums per day over `[from, to)` (`YYYY-MM-DD`). */
  days(orgId: string, from: string, to: string): Promise<DaySums[]>;
  /** Compute usage per day over `[from, to)` (`YYYY-MM-DD`). */
  onDemandDaily(orgId: string, from: string, to: string): Promise<OnDemandDay[]>;
}

/**
 * Where a provider's sync stage puts the commitments it read from an API (AWS: Cost Explorer) rather than from
 * line items: the commitments domain keeps them in its own tables.
 */
export interface CommitmentSink {
  now(): Date;
  /** Whether the connection has any stored commitment months (a first sync reads the whole window). */
  hasMonths(orgId: string, cloudAccountId: string): Promise<boolean>;
  /** Replaces the connection's months `[from, to]` (`YYYY-MM-01`) with the given rows, in one transaction. */
  save(input: {
    orgId: string;
    cloudAccountId: string;
    from: string;
    to: string;
    months: readonly StoredMonth[];
    coverage: readonly CoverageSums[];
  }): Promise<void>;
}
