/**
 * Commitments of an organization: every reserved instance and savings plan its bills show (read by each
 * provider's CommitmentReader from the line items, and from Cost Explorer for accounts billed that way), their
 * utilization per month, the coverage of eligible usage, what ends soon, and what to buy.
 */
import { InputError } from '../lib/errors.js';
import type { Clock } from '../lib/clock.js';
import type { Store } from '../store/store.js';
import {
  addMonths,
  cents,
  coverageRows,
  daysLeft,
  monthOf,
  monthOfDate,
  onePerKey,
  percent,
  type CoverageDimension,
} from './commitment-figures.js';
import { dailyTotals, dailyUtilization } from './commitment-daily.js';
import { suggestPurchases, type PurchaseSuggestion } from './commitment-purchase.js';
import { createCommitmentStore, type StoredMonth } from './commitment-store.js';
import type {
  CommitmentMonth,
  CommitmentReader,
  CommitmentSink,
  CommitmentTerms,
  CoverageRow,
  CoverageSums,
  MonthSums,
} from './commitment-types.js';

export interface PurchaseSettings {
  days: number;
  savingsRate: number;
  minMonthlySavings: number;
}

export interface CommitmentServiceDeps {
  store: Store;
  clock: Clock;
  /** One reader per provider whose billing sources write commitment lines. */
  readers: readonly CommitmentReader[];
  /** The `savings_plan_commitment` rule's settings for the organization. */
  purchaseSettings(orgId: string): Promise<PurchaseSettings>;
  /** The newest day with cost data (null without data). */
  dataThrough(orgId: string): Promise<string | null>;
}

export interface CommitmentView extends CommitmentTerms {
  daysLeft: number | null;
  state: 'active' | 'expiring' | 'expired';
  /** The figures of the month asked for (the newest with data by default), or null without figures then. */
  month: CommitmentMonth | null;
}

export interface PeriodRange {
  /** `YYYY-MM`, inclusive. */
  from: string;
  to: string;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const EXPIRING_DAYS = 90;

function checkRange(r: PeriodRange): void {
  if (!MONTH.test(r.from)) throw new InputError('from', 'from: a month as YYYY-MM');
  if (!MONTH.test(r.to)) throw new InputError('to', 'to: a month as YYYY-MM');
  if (r.from > r.to) throw new InputError('from', 'from: must not be after to');
  if (addMonths(r.from, 60) < r.to) throw new InputError('from', 'from: at most 60 months before to');
}

const termsOf = (m: StoredMonth): CommitmentTerms => ({
  ...m.terms,
  id: m.commitmentId,
  kind: m.kind,
  cloudAccountId: m.cloudAccountId,
  currency: m.currency,
  source: 'cost_explorer',
});

export function createCommitmentService(deps: CommitmentServiceDeps) {
  const { clock } = deps;
  const stored = createCommitmentStore(deps.store);

  async function allTerms(orgId: string): Promise<CommitmentTerms[]> {
    const fromBills = (await Promise.all(deps.readers.map((r) => r.terms(orgId)))).flat();
    const fromCe = new Map<string, CommitmentTerms>();
    // The newest month's terms of each Cost Explorer commitment.
    for (const m of await stored.months(orgId, '0001-01-01', '9999-12-01'))
      fromCe.set(`${m.cloudAccountId}|${m.commitmentId}`, termsOf(m));
    const all = [...fromBills, ...fromCe.values()];
    return onePerKey(all, (t) => t.id).sort(
      (a, b) => (a.end ?? '').localeCompare(b.end ?? '') || a.id.localeCompare(b.id),
    );
  }

  async function monthSums(orgId: string, range: PeriodRange): Promise<MonthSums[]> {
    const from = `${range.from}-01`;
    const to = `${range.to}-01`;
    const fromBills = (await Promise.all(deps.readers.map((r) => r.months(orgId, from, to)))).flat();
    const all = [...fromBills, ...(await stored.months(orgId, from, to))];
    return onePerKey(all, (m) => `${m.commitmentId}|${m.period}`);
  }

  async function coverageSums(orgId: string, range: PeriodRange): Promise<CoverageSums[]> {
    const from = `${range.from}-01`;
    const to = `${range.to}-01`;
    const fromBills = (await Promise.all(deps.readers.map((r) => r.coverage(orgId, from, to)))).flat();
    return [...fromBills, ...(await stored.coverage(orgId, from, to))];
  }

  /** The newest month with cost data (this month without any). */
  async function newestMonth(orgId: string): Promise<string> {
    const through = await deps.dataThrough(orgId);
    return through ? through.slice(0, 7) : monthOfDate(clock.now());
  }

  function view(t: CommitmentTerms, month: CommitmentMonth | null, now: Date): CommitmentView {
    const left = daysLeft(t, now);
    const state =
      left !== null && left < 0 ? 'expired' : left !== null && left <= EXPIRING_DAYS ? 'expiring' : 'active';
    return { ...t, daysLeft: left, state, month };
  }

  /** What a provider's sync stage writes Cost Explorer's commitments into. */
  const sink: CommitmentSink = {
    now: () => clock.now(),
    hasMonths: (orgId, cloudAccountId) => stored.hasMonths(orgId, cloudAccountId),
    save: (input) => deps.store.transaction((tx) => stored.replace(tx, { ...input, loadedAt: clock.now() })),
  };

  return {
    store: stored,
    sink,

    /** Every commitment with its figures of `period` (`YYYY-MM`; the newest month with data by default). */
    async list(
      orgId: string,
      opts: { period?: string; kind?: CommitmentTerms['kind']; state?: CommitmentView['state'] } = {},
    ): Promise<{ period: string; items: CommitmentView[] }> {
      if (opts.period !== undefined && !MONTH.test(opts.period))
        throw new InputError('period', 'period: a month as YYYY-MM');
      const period = opts.period ?? (await newestMonth(orgId));
      const months = new Map(
        (await monthSums(orgId, { from: period, to: period })).map((m) => [m.commitmentId, monthOf(m)]),
      );
      const now = clock.now();
      const items = (await allTerms(orgId))
        .map((t) => view(t, months.get(t.id) ?? null, now))
        .filter((c) => (!opts.kind || c.kind === opts.kind) && (!opts.state || c.state === opts.state));
      return { period, items };
    },

    /**
     * Utilization per commitment and month over the range, and the total of each month (utilization of the total:
     * used over committed, in money); with `granularity: 'daily'`, per day of the months (at most 3), from the
     * bills' line items (commitment-daily.ts) — Cost Explorer connections have monthly figures only.
     */
    async utilization(
      orgId: string,
      range: Partial<PeriodRange> & { commitmentId?: string; granularity?: 'monthly' | 'daily' } = {},
    ): Promise<{
      from: string;
      to: string;
      granularity: 'monthly' | 'daily';
      items: CommitmentMonth[];
      totals: Omit<CommitmentMonth, 'commitmentId' | 'purchasedHours' | 'usedHours'>[];
    }> {
      const to = range.to ?? (await newestMonth(orgId));
      if (range.granularity === 'daily') {
        const from = range.from ?? to;
        checkRange({ from, to });
        if (addMonths(from, 2) < to)
          throw new InputError('from', 'from: at most 3 months of days (to − 2 months)');
        const dayFrom = `${from}-01`;
        const dayTo = `${addMonths(to, 1)}-01`;
        const [days, sums, terms] = await Promise.all([
          Promise.all(deps.readers.map((r) => r.days(orgId, dayFrom, dayTo))).then((x) => x.flat()),
          monthSums(orgId, { from, to }),
          allTerms(orgId),
        ]);
        let items = dailyUtilization({ days, months: sums, terms, from: dayFrom, to: dayTo });
        if (range.commitmentId) items = items.filter((i) => i.commitmentId === range.commitmentId);
        return { from, to, granularity: 'daily', items, totals: dailyTotals(items) };
      }
      const from = range.from ?? addMonths(to, -11);
      checkRange({ from, to });
      let sums = await monthSums(orgId, { from, to });
      if (range.commitmentId) sums = sums.filter((s) => s.commitmentId === range.commitmentId);
      const items = sums
        .map(monthOf)
        .sort((a, b) => a.period.localeCompare(b.period) || a.commitmentId.localeCompare(b.commitmentId));
      const byMonth = new Map<string, MonthSums[]>();
      for (const s of sums)
        byMonth.set(`${s.period}|${s.currency}`, [...(byMonth.get(`${s.period}|${s.currency}`) ?? []), s]);
      const totals = [...byMonth.entries()]
        .map(([k, rows]) => {
          const [period, currency] = k.split('|');
          const used = rows.reduce((a, r) => a + r.used, 0);
          const unused = rows.reduce((a, r) => a + r.unused, 0);
          const onDemand = rows.reduce((a, r) => a + r.onDemandEquivalent, 0);
          return {
            period,
            currency,
            committed: cents(used + unused),
            used: cents(used),
            unused: cents(unused),
            utilization: percent(used, used + unused),
            onDemandEquivalent: cents(onDemand),
            amortized: cents(used + unused),
            netSavings: cents(onDemand - used - unused),
          };
        })
        .sort((a, b) => a.period.localeCompare(b.period));
      return { from, to, granularity: 'monthly', items, totals };
    },

    /** Coverage of eligible usage per month, grouped by the given dimensions (all by default). */
    async coverage(
      orgId: string,
      range: Partial<PeriodRange> & { groupBy?: readonly CoverageDimension[] } = {},
    ): Promise<{ from: string; to: string; items: CoverageRow[]; totals: CoverageRow[] }> {
      const to = range.to ?? (await newestMonth(orgId));
      const from = range.from ?? to;
      checkRange({ from, to });
      const sums = await coverageSums(orgId, { from, to });
      return { from, to, items: coverageRows(sums, range.groupBy), totals: coverageRows(sums, []) };
    },

    /** Commitments that end within `days` days from now, soonest first, with their monthly net savings at stake. */
    async expiring(
      orgId: string,
      days: number,
    ): Promise<(CommitmentView & { monthlySavingsAtStake: number })[]> {
      if (!Number.isInteger(days) || days < 1 || days > 1095)
        throw new InputError('days', 'days: a whole number from 1 to 1095');
      const { items } = await this.list(orgId);
      const ending = items.filter((c) => c.daysLeft !== null && c.daysLeft >= 0 && c.daysLeft <= days);
      if (ending.length === 0) return [];
      // The last full month before the newest one with data states what a month of each commitment saves.
      const newest = await newestMonth(orgId);
      const full = addMonths(newest, -1);
      const months = new Map(
        (await monthSums(orgId, { from: full, to: full })).map((m) => [m.commitmentId, monthOf(m)]),
      );
      return ending
        .map((c) => ({
          ...c,
          monthlySavingsAtStake: months.get(c.id)?.netSavings ?? c.month?.netSavings ?? 0,
        }))
        .sort((a, b) => (a.daysLeft ?? 0) - (b.daysLeft ?? 0));
    },

    /** What to buy: a Compute Savings Plan per account with steady on-demand usage (see commitment-purchase.ts). */
    async purchases(
      orgId: string,
    ): Promise<{ items: PurchaseSuggestion[]; window: { from: string; to: string } | null }> {
      const s = await deps.purchaseSettings(orgId);
      const through = await deps.dataThrough(orgId);
      if (!through) return { items: [], window: null };
      const end = new Date(`${through}T00:00:00Z`);
      const to = new Date(end.getTime() + 86_400_000).toISOString().slice(0, 10);
      const from = new Date(end.getTime() - (s.days - 1) * 86_400_000).toISOString().slice(0, 10);
      const days = (await Promise.all(deps.readers.map((r) => r.onDemandDaily(orgId, from, to)))).flat();
      const window = { from, to: through };
      const assumptions = {
        lookbackDays: s.days,
        savingsRate: s.savingsRate,
        term: '1yr' as const,
        paymentOption: 'No Upfront' as const,
        planType: 'ComputeSavingsPlans' as const,
      };
      return { items: suggestPurchases(days, window, assumptions, s.minMonthlySavings), window };
    },
  };
}

export type CommitmentService = ReturnType<typeof createCommitmentService>;
