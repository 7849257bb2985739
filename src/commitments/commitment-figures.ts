/** The arithmetic of commitments: a month's figures from its sums, coverage rows grouped, expirations. */
import type {
  CommitmentMonth,
  CommitmentTerms,
  CoverageRow,
  CoverageSums,
  MonthSums,
} from './commitment-types.js';

/** Rounded to the cent, half away from zero (no -0). */
export function cents(x: number): number {
  const r = Math.round((Math.abs(x) + Number.EPSILON) * 100) / 100;
  return x < 0 ? -r : r === 0 ? 0 : r;
}
/** A share in % with two decimals (0 of nothing). */
export const percent = (part: number, whole: number): number =>
  whole > 0 ? Math.round((part / whole) * 10000) / 100 : 0;

/** One commitment's month in AWS's terms (see CommitmentMonth). */
export function monthOf(s: MonthSums): CommitmentMonth {
  const committed = s.used + s.unused;
  const utilization =
    s.kind === 'reservation' && s.purchasedHours
      ? percent(s.usedHours ?? 0, s.purchasedHours)
      : percent(s.used, committed);
  return {
    commitmentId: s.commitmentId,
    period: s.period,
    committed: cents(committed),
    used: cents(s.used),
    unused: cents(s.unused),
    utilization,
    onDemandEquivalent: cents(s.onDemandEquivalent),
    amortized: cents(committed),
    netSavings: cents(s.onDemandEquivalent - committed),
    purchasedHours: s.purchasedHours === null ? null : Math.round(s.purchasedHours * 100) / 100,
    usedHours: s.usedHours === null ? null : Math.round(s.usedHours * 100) / 100,
    currency: s.currency,
  };
}

/**
 * Keeps one connection's rows per key: when two connections deliver the same commitment (a payer export and a
 * member's own), the first by connection ID counts, so that nothing is counted twice.
 */
export function onePerKey<T extends { cloudAccountId: string }>(
  rows: readonly T[],
  key: (r: T) => string,
): T[] {
  const owner = new Map<string, string>();
  for (const r of rows) {
    const k = key(r);
    const o = owner.get(k);
    if (o === undefined || r.cloudAccountId < o) owner.set(k, r.cloudAccountId);
  }
  return rows.filter((r) => owner.get(key(r)) === r.cloudAccountId);
}

/**
 * The family of an instance type: `m5.large` → `m5`, `db.r6g.xlarge` → `db.r6g`; a family stays itself (`m5`,
 * `db.r6g`: Cost Explorer's coverage is grouped by family); '' without one.
 */
export function instanceFamily(instanceType: string): string {
  const parts = instanceType.split('.');
  if (parts.length < 2) return instanceType;
  if (['db', 'cache', 'ml'].includes(parts[0])) {
    return parts.length > 2 ? `${parts[0]}.${parts[1]}` : instanceType;
  }
  return parts[0];
}

export const COVERAGE_DIMENSIONS = ['service', 'account', 'region', 'family'] as const;
export type CoverageDimension = (typeof COVERAGE_DIMENSIONS)[number];

/** Coverage per month and the requested dimensions (all four by default), largest eligible spend first. */
export function coverageRows(
  sums: readonly CoverageSums[],
  by: readonly CoverageDimension[] = COVERAGE_DIMENSIONS,
): CoverageRow[] {
  const acc = new Map<string, CoverageRow>();
  for (const s of sums) {
    const row = {
      period: s.period,
      service: by.includes('service') ? s.service : '',
      awsAccountId: by.includes('account') ? s.awsAccountId : '',
      region: by.includes('region') ? s.region : '',
      instanceFamily: by.includes('family') ? instanceFamily(s.instanceType) : '',
    };
    const k = [row.period, row.service, row.awsAccountId, row.region, row.instanceFamily, s.currency].join(
      '|',
    );
    const a = acc.get(k) ?? { ...row, covered: 0, onDemand: 0, total: 0, coverage: 0, currency: s.currency };
    a.covered += s.covered;
    a.onDemand += s.onDemand;
    acc.set(k, a);
  }
  return [...acc.values()]
    .map((a) => ({
      ...a,
      covered: cents(a.covered),
      onDemand: cents(a.onDemand),
      total: cents(a.covered + a.onDemand),
      coverage: percent(a.covered, a.covered + a.onDemand),
    }))
    .sort((a, b) => a.period.localeCompare(b.period) || b.total - a.total);
}

/** Whole days from `now` to the commitment's end (negative once ended; null without an end). */
export function daysLeft(c: Pick<CommitmentTerms, 'end'>, now: Date): number | null {
  if (!c.end) return null;
  return Math.floor((Date.parse(c.end) - now.getTime()) / 86_400_000);
}

/** `YYYY-MM` of a date, and the month before it. */
export const monthOfDate = (d: Date): string => d.toISOString().slice(0, 7);
export function addMonths(period: string, n: number): string {
  const [y, m] = period.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return d.toISOString().slice(0, 7);
}
