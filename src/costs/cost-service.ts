/**
 * Cost analysis for one organization at a time: the grouped cost query, month to date against last month, top
 * movers, forecast, and anomalies. Every read is scoped by `orgId`.
 */
import type { Logger } from 'pino';
import type { Clock } from '../lib/clock.js';
import { checkDateRange, checkOptionalDate } from '../lib/date-rules.js';
import { InputError } from '../lib/errors.js';
import type { Store } from '../store/store.js';
import { createAccountNames } from './account-names.js';
import type {
  ForecastAnswer,
  ForecastOptions,
  ForecastPeriod,
  Mover,
  MoversAnswer,
  MoversOptions,
  SummaryAnswer,
} from './comparison-types.js';
import { createVersionedCache } from './versioned-cache.js';
import { createAnomalyEngine, type CostAnomaly, type ListAnomaliesOptions } from './anomalies.js';
import type { AnomalyOptions } from './anomaly-detect.js';
import type { AnomalyState } from './anomaly-states.js';
import { buildAnswer, pickCurrency, round6, type CostAnswer, type Labeler } from './cost-answer.js';
import {
  dimensionName,
  parseCostQuery,
  type CostBasis,
  type CostQuery,
  type CostQueryInput,
  type Dimension,
} from './cost-query.js';
import { allocationOf, currencySql, groupedSql, type GroupedRow } from './cost-sql.js';
import { findDimension } from '../allocation/allocation-store.js';
import { addDays, monthStartAfter, daysBetween, eachMonth, isoDate, monthEnd, monthStart } from './dates.js';
import { cutAt, dataThrough, monthToDateSpans } from './data-through.js';
import { describeMethod, FIT_DAYS, fitForecast, nextDays, predictRange } from './forecast.js';
import { rangeSums } from './period-sums.js';
import { filterWarnings } from './filter-warnings.js';
import {
  checkLookupOptions,
  lookupName,
  readDimensionValues,
  type DimensionValuesAnswer,
  type DimensionValuesOptions,
  type LookupDimension,
} from './dimension-values.js';
import { exportLineItems, type LineItemExport, type LineItemExportOptions } from './line-item-export.js';

export type {
  ForecastAnswer,
  ForecastOptions,
  ForecastPeriod,
  Mover,
  MoversAnswer,
  MoversOptions,
  PeriodTotal,
  SummaryAnswer,
} from './comparison-types.js';

export interface CostServiceDeps {
  store: Store;
  clock: Clock;
  log: Pick<Logger, 'info' | 'warn' | 'debug' | 'error'>;
  anomalyOptions?: Partial<AnomalyOptions>;
}

const NO_VALUE_LABEL: Record<string, string> = { resource: '(no resource ID)', region: '(no region)' };

function percent(change: number, base: number): number | null {
  return base === 0 ? null : round6((change / Math.abs(base)) * 100);
}

export function createCostService({ store, clock, log, anomalyOptions }: CostServiceDeps) {
  const cache = createVersionedCache(store);
  const accountNames = createAccountNames(store, cache);
  const anomalies = createAnomalyEngine({ store, clock, log, names: accountNames, options: anomalyOptions });
  const today = () => isoDate(clock.now());

  async function labeler(orgId: string, q: CostQuery, rows: readonly GroupedRow[]): Promise<Labeler> {
    const i = q.groupBy.findIndex((d) => d.kind === 'account');
    let found = new Map<string, string>();
    if (i >= 0) {
      const ids = new Set<string>();
      for (const r of rows) {
        const v = i === 0 ? r.g1 : r.g2;
        if (v) ids.add(v);
      }
      found = await accountNames.lookup(orgId, [...ids]);
    }
    return (d: Dimension, value: string | null) => {
      if (value === null) return d.kind === 'tag' ? '(untagged)' : (NO_VALUE_LABEL[d.kind] ?? '(none)');
      if (d.kind === 'account') {
        const name = found.get(value);
        return name ? `${name} (${value})` : value;
      }
      return value;
    };
  }

  /** The currency answered and the totals left out; with one currency in all the data, no extra scan. */
  async function currencyOf(orgId: string, q: CostQuery): Promise<ReturnType<typeof pickCurrency>> {
    const all = await cache.get(orgId, 'currencies', async () =>
      (
        await store.query<{ c: string }>(
          `SELECT DISTINCT COALESCE(billing_currency, '') AS c FROM cost_daily WHERE org_id = $1`,
          [orgId],
        )
      ).map((r) => r.c),
    );
    if (all.length === 1 && (q.currency === undefined || q.currency === all[0]))
      return { currency: all[0], others: [] };
    const c = currencySql(q, orgId, store.dialect);
    return pickCurrency(await store.query<{ currency: string; total: number }>(c.sql, c.params), q.currency);
  }

  /**
   * The newest day with data for the organization on or before `asOf` (any day without it). The newest day of all
   * is kept per version of the billing data, so that the usual question (asOf today) costs no scan.
   */
  async function through(orgId: string, asOf?: string): Promise<string | null> {
    const newest = await cache.get(orgId, 'data-through', () => dataThrough(store, orgId));
    if (newest === null || asOf === undefined || newest <= asOf) return newest;
    return dataThrough(store, orgId, { asOf });
  }

  async function query(orgId: string, q: CostQuery): Promise<CostAnswer> {
    const allocation = await allocationInfo(orgId, q);
    const picked = await currencyOf(orgId, q);
    const { sql, params, source } = groupedSql(q, orgId, picked.currency, store.dialect);
    const rows = await store.query<GroupedRow>(sql, params);
    const answer = buildAnswer(q, rows, source, await labeler(orgId, q, rows), picked, await through(orgId));
    return {
      ...answer,
      warnings: await filterWarnings(store, orgId, q),
      ...(allocation ? { allocation } : {}),
    };
  }

  /** The allocation dimension a query reads, checked to exist, with the version its figures follow. */
  async function allocationInfo(orgId: string, q: CostQuery): Promise<CostAnswer['allocation']> {
    const dims = [...q.groupBy, ...q.filters.map((f) => f.dimension)];
    const name = allocationOf(dims);
    if (name === undefined) return undefined;
    const d = await findDimension(store, orgId, name);
    if (!d) {
      const field = q.groupBy.some((x) => x.kind === 'allocation') ? 'groupBy' : 'filter';
      throw new InputError(
        field,
        `${field}: no allocation dimension named "${name}"; list them with GET /api/v1/allocation/dimensions`,
      );
    }
    return {
      dimension: name,
      version: d.appliedVersion,
      asOf: d.appliedAt,
      pending: d.appliedVersion !== d.version,
    };
  }

  /** The values of a dimension over a range with their spend in the main currency (dimension-values.ts). */
  async function dimensionValues(
    orgId: string,
    dimension: LookupDimension,
    o: DimensionValuesOptions,
  ): Promise<DimensionValuesAnswer> {
    const { from, to } = checkDateRange(o, today());
    const { limit, search } = checkLookupOptions(o);
    const basis = o.basis ?? 'billed';
    const base: CostQuery = { from, to, granularity: 'month', groupBy: [], filters: [], basis, limit: 1 };
    const { currency } = await currencyOf(orgId, base);
    const read = await readDimensionValues(
      { store, accountNames },
      orgId,
      dimension,
      { from, to, limit, basis, search },
      currency,
    );
    return {
      dimension: lookupName(dimension),
      from,
      to,
      basis,
      currency: currency || 'unknown',
      search: search ?? null,
      ...read,
    };
  }

  return {
    query,
    dimensionValues,

    /**
     * The newest day with cost data for the organization on or before `asOf` (default: today), null without data:
     * the day every comparison runs through (budgets included), by the rule in data-through.ts.
     */
    dataThrough(orgId: string, asOf?: string): Promise<string | null> {
      return through(orgId, asOf ?? today());
    },

    /** Parses the text form first (REST, CLI, MCP), then queries. */
    async queryText(orgId: string, input: CostQueryInput): Promise<CostAnswer> {
      return query(orgId, parseCostQuery(input, today()));
    },

    async summary(
      orgId: string,
      o: { basis?: CostBasis; currency?: string; asOf?: string } = {},
    ): Promise<SummaryAnswer> {
      const asOf = checkOptionalDate(o.asOf, 'asOf', today()) ?? today();
      const basis = o.basis ?? 'billed';
      const newest = await through(orgId, asOf);
      const { current: mtd, previous: prev } = monthToDateSpans(asOf, newest);
      const lastFrom = monthStartAfter(asOf, -1);
      const last = { from: lastFrom, to: monthEnd(lastFrom) };
      const rows = await rangeSums(store, orgId, [mtd, prev, last], basis);
      // The currency of this month's spend, else last month's.
      const period = rows.some((r) => r.sums[0] !== 0) ? 0 : 2;
      const byMtd = pickCurrency(
        rows.map((r) => ({ currency: r.currency, total: Math.abs(r.sums[period]) })),
        o.currency,
      );
      const row = rows.find((r) => r.currency === byMtd.currency);
      const [m, p, l] = (row?.sums ?? [0, 0, 0]).map(round6);
      return {
        asOf,
        dataThrough: newest,
        basis,
        currency: byMtd.currency || 'unknown',
        monthToDate: { ...mtd, total: m },
        samePeriodLastMonth: { ...prev, total: p },
        change: round6(m - p),
        changePercent: percent(m - p, p),
        lastMonth: { ...last, total: l },
      };
    },

    async movers(orgId: string, o: MoversOptions = {}): Promise<MoversAnswer> {
      const basis = o.basis ?? 'billed';
      const asked = checkOptionalDate(o.to, 'to', today()) ?? today();
      const from = checkOptionalDate(o.from, 'from', today()) ?? monthStart(asked);
      checkDateRange({ from, to: asked }, today());
      const newest = await through(orgId, asked);
      const to = cutAt(from, asked, newest);
      let prevRange: { from: string; to: string };
      if (o.compareFrom || o.compareTo) {
        if (!o.compareFrom || !o.compareTo)
          throw new InputError(
            o.compareFrom ? 'compareTo' : 'compareFrom',
            'compareFrom and compareTo go together',
          );
        checkDateRange(
          { from: o.compareFrom, to: o.compareTo, fromField: 'compareFrom', toField: 'compareTo' },
          today(),
        );
        prevRange = { from: o.compareFrom, to: o.compareTo };
      } else if (from === monthStart(from) && asked.slice(0, 7) === from.slice(0, 7)) {
        prevRange = monthToDateSpans(asked, newest).previous;
      } else {
        const span = daysBetween(from, to) + 1;
        prevRange = { from: addDays(from, -span), to: addDays(from, -1) };
      }
      const limit = o.limit ?? 5;
      const filters = o.filters ?? [];
      const ranges = [{ from, to }, prevRange];
      const out: MoversAnswer['dimensions'] = [];
      let currency = o.currency;
      let totals: [number, number] = [0, 0];
      for (const dim of o.dimensions ?? [{ kind: 'service' }, { kind: 'account' }]) {
        const dimension = dimensionName(dim);
        const rows = await rangeSums(store, orgId, ranges, basis, filters, dim);
        if (currency === undefined) {
          const period = rows.some((r) => r.sums[0] !== 0) ? 0 : 1;
          const perCurrency = new Map<string, number>();
          for (const r of rows)
            perCurrency.set(r.currency, (perCurrency.get(r.currency) ?? 0) + Math.abs(r.sums[period]));
          currency = pickCurrency([...perCurrency].map(([c, total]) => ({ currency: c, total }))).currency;
        }
        const mine = rows.filter((r) => r.currency === currency);
        totals = [mine.reduce((s, r) => s + r.sums[0], 0), mine.reduce((s, r) => s + r.sums[1], 0)];
        const names =
          dim.kind === 'account'
            ? await accountNames.lookup(orgId, mine.map((r) => r.key).filter(Boolean))
            : new Map<string, string>();
        const all: Mover[] = mine.map((r) => {
          const key = r.key === '' ? null : r.key;
          const name = key ? names.get(key) : undefined;
          const change = r.sums[0] - r.sums[1];
          return {
            key,
            label: key === null ? '(none)' : name ? `${name} (${key})` : key,
            current: round6(r.sums[0]),
            previous: round6(r.sums[1]),
            change: round6(change),
            changePercent: percent(change, r.sums[1]),
          };
        });
        out.push({
          dimension,
          increases: all
            .filter((m) => m.change > 0)
            .sort((a, b) => b.change - a.change)
            .slice(0, limit),
          decreases: all
            .filter((m) => m.change < 0)
            .sort((a, b) => a.change - b.change)
            .slice(0, limit),
        });
      }
      return {
        dataThrough: newest,
        basis,
        currency: currency || 'USD',
        current: { from, to, total: round6(totals[0]) },
        previous: { ...prevRange, total: round6(totals[1]) },
        dimensions: out,
      };
    },

    async forecast(orgId: string, o: ForecastOptions = {}): Promise<ForecastAnswer> {
      const asOf = checkOptionalDate(o.asOf, 'asOf', today()) ?? today();
      const basis = o.basis ?? 'billed';
      const months = o.months ?? 3;
      if (!Number.isInteger(months) || months < 0 || months > 12)
        throw new InputError('months', 'months: must be a whole number from 0 to 12');
      // History: enough days before asOf for the fit window even when the data lags by weeks.
      const historyFrom = addDays(asOf, -(FIT_DAYS + 62));
      const history = await query(orgId, {
        from: historyFrom,
        to: asOf,
        granularity: 'day',
        groupBy: [],
        filters: o.filters ?? [],
        basis,
        currency: o.currency,
        limit: 1,
      });
      const points = history.series.map((s) => ({ date: s.period, cost: s.cost }));
      // Days after the newest with data have no data yet: they are forecast, not zeros in the fit.
      const lastDataDate = await through(orgId, asOf);
      const lastIndex = lastDataDate === null ? -1 : points.findIndex((p) => p.date === lastDataDate);
      const firstIndex = points.findIndex((p) => p.cost !== 0);
      const used = firstIndex >= 0 && lastIndex >= firstIndex ? points.slice(firstIndex, lastIndex + 1) : [];
      const fit = fitForecast(used);
      const start = lastDataDate ? addDays(lastDataDate, 1) : addDays(asOf, 1);
      const periods: ForecastPeriod[] = [];
      const horizonEnd = monthEnd(monthStartAfter(asOf, months));
      for (const m of eachMonth(asOf, horizonEnd)) {
        const end = monthEnd(m);
        const remainingFrom = start > m ? start : m;
        const days = remainingFrom <= end ? nextDays(remainingFrom, daysBetween(remainingFrom, end) + 1) : [];
        const actual = points
          .filter((p) => p.date >= m && p.date <= end && p.date <= (lastDataDate ?? ''))
          .reduce((s, p) => s + p.cost, 0);
        const r = predictRange(fit, days);
        periods.push({
          month: m.slice(0, 7),
          from: m,
          to: end,
          actual: round6(actual),
          forecast: round6(r.total),
          total: round6(actual + r.total),
          lower: round6(actual + r.lower),
          upper: round6(actual + r.upper),
        });
      }
      const dailyDays = start <= horizonEnd ? nextDays(start, daysBetween(start, horizonEnd) + 1) : [];
      const daily = dailyDays.map((date) => {
        const r = predictRange(fit, [date]);
        return { date, cost: round6(r.total), lower: round6(r.lower), upper: round6(r.upper) };
      });
      return {
        asOf,
        basis,
        currency: history.currency,
        method: describeMethod(fit.model, fit.days),
        model: fit.model,
        fittedOn: fit.model === 'none' ? null : { from: fit.firstDate, to: fit.lastDate, days: fit.days },
        dataThrough: lastDataDate,
        lastDataDate,
        periods,
        daily,
        otherCurrencies: history.otherCurrencies,
      };
    },

    listAnomalies(orgId: string, o: ListAnomaliesOptions = {}): Promise<CostAnomaly[]> {
      const from = checkOptionalDate(o.from, 'from', today());
      const to = checkOptionalDate(o.to, 'to', today());
      if (from !== undefined && to !== undefined) checkDateRange({ from, to }, today());
      return anomalies.list(orgId, o);
    },

    /** One anomaly by its ID (not found in another organization). */
    getAnomaly(orgId: string, id: string): Promise<CostAnomaly> {
      return anomalies.get(orgId, id);
    },

    /** Acknowledges an anomaly, marks it expected or reopens it, and/or comments it; kept across recomputes. */
    setAnomalyState(
      orgId: string,
      id: string,
      change: { state?: AnomalyState; comment?: string | null },
      userId: string | null,
    ): Promise<CostAnomaly> {
      return anomalies.setState(orgId, id, change, userId);
    },

    /** Recomputes stored anomalies; call after each billing load (all of the org, or what one connection touched). */
    recomputeAnomalies(
      orgId: string,
      cloudAccountId?: string,
    ): Promise<{ anomalies: number; series: number }> {
      return anomalies.recompute(orgId, cloudAccountId);
    },

    /** Line items in FOCUS column names as a CSV or Parquet file; the caller streams it and calls `cleanup()`. */
    exportLineItems(orgId: string, o: LineItemExportOptions): Promise<LineItemExport> {
      checkDateRange(o, today());
      return exportLineItems(store, orgId, o);
    },
  };
}

export type CostService = ReturnType<typeof createCostService>;
