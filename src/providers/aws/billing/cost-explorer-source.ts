/**
 * The Cost Explorer source (no export): daily account × region × service × usage type, fetched with as few
 * requests as possible (cost-explorer.ts) and stored month by month.
 *
 * ```ts
 * await billing.syncSource(costExplorerSource, { orgId, cloudAccountId, ce, months, signal, onProgress });
 * ```
 */
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { BillingKit, BillingSource } from '../../../billing/billing-source.js';
import { diagnostic, errorMessage } from '../../../billing/diagnostics.js';
import { storedPeriods } from '../../../billing/period-bookkeeping.js';
import {
  DEFAULT_RETENTION_MONTHS,
  dropOlderThan,
  newestUsageDate,
  oldestRetainedPeriod,
} from '../../../billing/retention.js';
import { ConnectionError, type Diagnostic } from '../../../lib/errors.js';
import { diagnose } from '../sdk/diagnostics.js';
import { classifyAwsError, isRetryableKind } from '../sdk/errors.js';
import { addDays, addMonths, isoDate, minDate, monthStart } from '../../../lib/dates.js';
import {
  COST_EXPLORER_EXPORT_KEY,
  fetchCostExplorer,
  isMonthFinal,
  planCeMonths,
  replaceCeMonth,
  type CostExplorer,
} from './cost-explorer.js';
import type { PeriodResult } from './period-loader.js';

export interface SyncCostExplorerInput {
  orgId: string;
  cloudAccountId: string;
  ce: CostExplorer;
  /** Months of history, the current month included (default 13). */
  months?: number;
  force?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: { phase: 'fetching' | 'loading' | 'done'; requests: number; rows: number }) => void;
}

export interface SyncCostExplorerResult {
  periods: PeriodResult[];
  /** Cost Explorer requests made (each costs $0.01), cost categories' included. */
  requests: number;
  /** Of `requests`, those made for cost categories. */
  categoryRequests: number;
  newestUsageDate: string | null;
}

/** A failed GetCostAndUsage (after the call's retries) as a diagnostic. */
function ceDiagnostic(err: unknown): Diagnostic {
  const kind = classifyAwsError(err);
  if (isRetryableKind(kind)) return diagnose(err, { operation: 'GetCostAndUsage', service: 'ce' });
  const code =
    kind === 'denied' || kind === 'credentials' ? 'cost_explorer_access_denied' : 'cost_explorer_failed';
  return diagnostic(code, `Cost Explorer GetCostAndUsage failed: ${errorMessage(err)}`);
}

export async function syncCostExplorer(
  kit: BillingKit,
  input: SyncCostExplorerInput,
): Promise<SyncCostExplorerResult> {
  const { store } = kit;
  const now = kit.clock.now();
  const months = input.months ?? DEFAULT_RETENTION_MONTHS;
  const oldest = oldestRetainedPeriod(now, months);
  await dropOlderThan(store, input.cloudAccountId, oldest);
  const storedRows = await storedPeriods(store, input.cloudAccountId, COST_EXPLORER_EXPORT_KEY);
  const stored = new Map(
    storedRows.filter((r) => r.state === 'loaded' && !input.force).map((r) => [r.period, r.identity ?? '']),
  );
  const plan = planCeMonths(now, months, stored);
  const periods: PeriodResult[] = plan.final.map((m) => ({
    period: m.slice(0, 7),
    status: 'skipped',
    rows: 0,
  }));
  let requests = 0;
  let categoryRequests = 0;
  if (plan.fetch.length > 0) {
    const start = plan.fetch[0];
    const today = isoDate(now);
    const end = minDate(addMonths(monthStart(today), 1), addDays(today, 1));
    input.onProgress?.({ phase: 'fetching', requests: 0, rows: 0 });
    let fetched;
    try {
      fetched = await fetchCostExplorer(input.ce, start, end, input.signal, (n) =>
        input.onProgress?.({ phase: 'fetching', requests: n, rows: 0 }),
      );
    } catch (err) {
      if (input.signal?.aborted) throw err;
      throw new ConnectionError(ceDiagnostic(err), undefined, { cause: err });
    }
    requests = fetched.requests;
    categoryRequests = fetched.categoryRequests;
    const dir = await mkdtemp(path.join(kit.tmpRoot, `billing-ce-${process.pid}-`));
    try {
      let rowsSoFar = 0;
      for (const month of plan.fetch.filter((m) => m >= start)) {
        const lines = fetched.lines.filter((l) => l.day.slice(0, 7) === month.slice(0, 7));
        const final = isMonthFinal(month, now, fetched.estimatedMonths.has(month));
        const r = await replaceCeMonth(store, dir, lines, {
          orgId: input.orgId,
          cloudAccountId: input.cloudAccountId,
          month,
          identity: final ? 'final' : 'open',
          now,
        });
        rowsSoFar += r.rows;
        input.onProgress?.({ phase: 'loading', requests, rows: rowsSoFar });
        periods.push({
          period: month.slice(0, 7),
          status: 'loaded',
          rows: r.rows,
          newestUsageDate: r.newestUsageDate,
        });
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  periods.sort((a, b) => a.period.localeCompare(b.period));
  input.onProgress?.({ phase: 'done', requests, rows: periods.reduce((s, p) => s + p.rows, 0) });
  return {
    periods,
    requests,
    categoryRequests,
    newestUsageDate: await newestUsageDate(store, input.cloudAccountId),
  };
}

export const costExplorerSource: BillingSource<SyncCostExplorerInput, SyncCostExplorerResult> = {
  id: 'cost_explorer',
  label: 'Cost Explorer API',
  connectionTypes: ['cost_explorer'],
  sync: syncCostExplorer,
};
