/**
 * Cost analysis for one organization at a time: the grouped cost query, month to date against last month, top
 * movers (cost-comparisons.ts), forecast (cost-forecast.ts), and anomalies (anomalies.ts). Every read is scoped by
 * `orgId`.
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
  MoversAnswer,
  MoversOptions,
  SummaryAnswer,
} from './comparison-types.js';
import { summarize, topMovers, type ComparisonDeps } from './cost-comparisons.js';
import { forecastCosts } from './cost-forecast.js';
import { createVersionedCache } from './versioned-cache.js';
import { createAnomalyEngine, type CostAnomaly, type ListAnomaliesOptions } from './anomalies.js';
import type { AnomalyOptions } from './anomaly-detect.js';
import type { AnomalyState } from './anomaly-states.js';
import { buildAnswer, pickCurrency, type CostAnswer, type Labeler } from './cost-answer.js';
import {
  parseCostQuery,
  type CostBasis,
  type CostQuery,
  type CostQueryInput,
  type Dimension,
} from './cost-query.js';
import { allocationOf, currencySql, groupedSql, type GroupedRow } from './cost-sql.js';
import { findDimension } from '../allocation/allocation-store.js';
import { isoDate } from './dates.js';
import { dataThrough } from './data-through.js';
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

  const comparisonDeps: ComparisonDeps = { store, accountNames, through, today };

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

    summary(
      orgId: string,
      o: { basis?: CostBasis; currency?: string; asOf?: string } = {},
    ): Promise<SummaryAnswer> {
      return summarize(comparisonDeps, orgId, o);
    },

    movers(orgId: string, o: MoversOptions = {}): Promise<MoversAnswer> {
      return topMovers(comparisonDeps, orgId, o);
    },

    forecast(orgId: string, o: ForecastOptions = {}): Promise<ForecastAnswer> {
      return forecastCosts({ query, through, today }, orgId, o);
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
