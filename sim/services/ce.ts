import { SimError } from '../server/errors.js';
import { decodeToken, encodeToken, jsonResponse, type SimResponse } from '../server/protocol.js';
import type { HandlerContext, ServiceModule } from '../server/types.js';
import type { CeRow } from '../gen/generate.js';
import { PRODUCT_NAMES } from '../gen/meters.js';
import { isoDay } from '../gen/truth.js';
import { hexId } from '../world/ids.js';
import { buckets, CT, payerRows, periodOf } from './ce-common.js';
import {
  getReservationCoverage,
  getReservationUtilization,
  getSavingsPlansCoverage,
  getSavingsPlansUtilization,
  getSavingsPlansUtilizationDetails,
} from './ce-commitments.js';

/**
 * Cost Explorer's SERVICE dimension values for the product codes the generator bills: the CUR's product names,
 * except where Cost Explorer names the service differently.
 */
export const CE_SERVICE_NAMES: Record<string, string> = {
  ...PRODUCT_NAMES,
  AmazonEC2: 'Amazon Elastic Compute Cloud - Compute',
  AWSELB: 'Amazon Elastic Load Balancing',
};

const serviceName = (code: string): string => CE_SERVICE_NAMES[code] ?? code;

function dimValue(r: CeRow, d: string): string {
  switch (d) {
    case 'LINKED_ACCOUNT':
      return r.accountId;
    case 'SERVICE':
      return serviceName(r.productCode);
    case 'REGION':
      return r.region || 'global';
    case 'RECORD_TYPE':
      return r.lineType;
    case 'USAGE_TYPE':
      return r.usageType;
    default:
      throw new SimError('ValidationException', `Dimension ${d} is not supported by the simulator`, 400);
  }
}

/** Cost categories of the scenario: name → usage account → value (an account in none has no value). */
type Categories = Record<string, Record<string, string>>;

/** The value of cost category `name` for a row ('' outside the category), as CE matches and groups it. */
function categoryValue(r: CeRow, name: string, cats: Categories): string {
  if (!cats[name]) throw new SimError('ValidationException', `Cost category ${name} does not exist`, 400);
  return cats[name][r.accountId] ?? '';
}

interface Expression {
  And?: Expression[];
  Or?: Expression[];
  Not?: Expression;
  Dimensions?: { Key?: string; Values?: string[] };
  CostCategories?: { Key?: string; Values?: string[] };
}

function test(r: CeRow, e: Expression | undefined, cats: Categories): boolean {
  if (!e) return true;
  if (e.And) return e.And.every((x) => test(r, x, cats));
  if (e.Or) return e.Or.some((x) => test(r, x, cats));
  if (e.Not) return !test(r, e.Not, cats);
  if (e.Dimensions?.Key) return (e.Dimensions.Values ?? []).includes(dimValue(r, e.Dimensions.Key));
  if (e.CostCategories?.Key)
    return (e.CostCategories.Values ?? []).includes(categoryValue(r, e.CostCategories.Key, cats));
  return true;
}

/** A group key as Cost Explorer writes it: a dimension's value, or `NAME$VALUE` for a cost category. */
function groupKey(r: CeRow, g: { Type: string; Key: string }, cats: Categories): string {
  if (g.Type === 'COST_CATEGORY') return `${g.Key}$${categoryValue(r, g.Key, cats)}`;
  if (g.Type !== 'DIMENSION')
    throw new SimError(
      'ValidationException',
      `GroupBy type ${g.Type} is not supported by the simulator`,
      400,
    );
  return dimValue(r, g.Key);
}

const METRIC_OF: Record<string, (r: CeRow) => number> = {
  UnblendedCost: (r) => r.unblended,
  BlendedCost: (r) => r.unblended,
  NetUnblendedCost: (r) => r.net,
  AmortizedCost: (r) => r.amortized,
  NetAmortizedCost: (r) => r.netAmortized,
  UsageQuantity: (r) => r.usage,
  NormalizedUsageAmount: (r) => r.usage,
};

const PAGE = 100;

function getCostAndUsage(ctx: HandlerContext): SimResponse {
  const b = ctx.req.json;
  const { start, end } = periodOf(b);
  const granularity = String(b.Granularity ?? 'MONTHLY');
  if (!['DAILY', 'MONTHLY'].includes(granularity))
    throw new SimError('ValidationException', `Granularity ${granularity} is not supported`, 400);
  const metrics = (b.Metrics as string[] | undefined) ?? [];
  if (metrics.length === 0) throw new SimError('ValidationException', 'Metrics are required', 400);
  for (const m of metrics)
    if (!METRIC_OF[m]) throw new SimError('ValidationException', `Unsupported metric ${m}`, 400);
  const groupBy = ((b.GroupBy as Array<{ Type?: string; Key?: string }> | undefined) ?? []).map((g) => ({
    Type: g.Type ?? 'DIMENSION',
    Key: g.Key ?? '',
  }));
  if (groupBy.length > 2)
    throw new SimError('ValidationException', 'GroupBy accepts at most two dimensions', 400);
  const filter = b.Filter as Expression | undefined;
  const periods = buckets(start, end, granularity);
  const salt = hexId(JSON.stringify({ ...b, NextPageToken: undefined })).slice(0, 16);
  const offset = decodeToken(b.NextPageToken as string | undefined, salt);
  if (offset === undefined) throw new SimError('ValidationException', 'Invalid NextPageToken', 400);
  const pagePeriods = periods.slice(offset, offset + PAGE);
  const cats = ctx.state.scenario.costCategories;
  const rows = payerRows(ctx).filter((r) => r.day >= start && r.day < end && test(r, filter, cats));
  const today = isoDay(ctx.state.world.clock.today);
  const fmt = (x: number): string => (Math.abs(x) < 5e-11 ? '0' : x.toFixed(10));
  const accounts = new Set<string>();
  const results = pagePeriods.map((p) => {
    const inP = rows.filter((r) => r.day >= p.start && r.day < p.end);
    const sum = (rs: CeRow[]): Record<string, { Amount: string; Unit: string }> =>
      Object.fromEntries(
        metrics.map((m) => [
          m,
          {
            Amount: fmt(rs.reduce((s, r) => s + METRIC_OF[m](r), 0)),
            Unit: m === 'UsageQuantity' || m === 'NormalizedUsageAmount' ? 'N/A' : 'USD',
          },
        ]),
      );
    const base = { TimePeriod: { Start: p.start, End: p.end }, Estimated: p.end > today };
    if (groupBy.length === 0) return { ...base, Total: sum(inP), Groups: [] };
    const groups = new Map<string, CeRow[]>();
    for (const r of inP) {
      const keys = groupBy.map((g) => groupKey(r, g, cats));
      if (groupBy.some((g) => g.Key === 'LINKED_ACCOUNT')) accounts.add(r.accountId);
      const k = JSON.stringify(keys);
      groups.set(k, [...(groups.get(k) ?? []), r]);
    }
    return {
      ...base,
      Total: {},
      Groups: [...groups.entries()]
        .sort((a, b2) => a[0].localeCompare(b2[0]))
        .map(([k, rs]) => ({ Keys: JSON.parse(k) as string[], Metrics: sum(rs) })),
    };
  });
  const names = new Map(ctx.state.world.accounts.map((a) => [a.id, a.name]));
  return jsonResponse(
    200,
    {
      GroupDefinitions: groupBy,
      ResultsByTime: results,
      DimensionValueAttributes: [...accounts]
        .sort()
        .map((a) => ({ Value: a, Attributes: { description: names.get(a) ?? a } })),
      NextPageToken: offset + PAGE < periods.length ? encodeToken(offset + PAGE, salt) : undefined,
    },
    ctx.req.requestId,
    CT,
  );
}

const FORECAST_METRIC: Record<string, (r: CeRow) => number> = {
  UNBLENDED_COST: (r) => r.unblended,
  BLENDED_COST: (r) => r.unblended,
  NET_UNBLENDED_COST: (r) => r.net,
  AMORTIZED_COST: (r) => r.amortized,
  NET_AMORTIZED_COST: (r) => r.netAmortized,
};

function getCostForecast(ctx: HandlerContext): SimResponse {
  const b = ctx.req.json;
  const { start, end } = periodOf(b);
  const today = isoDay(ctx.state.world.clock.today);
  if (start < today) throw new SimError('ValidationException', 'Start date must be today or later', 400);
  const metric = FORECAST_METRIC[String(b.Metric)];
  if (!metric) throw new SimError('ValidationException', `Unsupported metric ${String(b.Metric)}`, 400);
  const from = isoDay(ctx.state.world.clock.today - 30 * 86_400);
  // Usage-like spend recurs daily; monthly fees, credits and tax are left out of the daily run rate.
  const daily =
    payerRows(ctx)
      .filter(
        (r) =>
          r.day >= from && r.day < today && !['Tax', 'Credit', 'Refund', 'RIFee', 'Fee'].includes(r.lineType),
      )
      .reduce((s, r) => s + metric(r), 0) / 30;
  const granularity = String(b.Granularity ?? 'MONTHLY');
  const level = Number(b.PredictionIntervalLevel ?? 80);
  const spread = level >= 95 ? 0.15 : 0.1;
  const by = buckets(start, end, granularity === 'DAILY' ? 'DAILY' : 'MONTHLY').map((p) => {
    const days = (Date.parse(p.end) - Date.parse(p.start)) / 86_400_000;
    const mean = daily * days;
    return {
      TimePeriod: { Start: p.start, End: p.end },
      MeanValue: mean.toFixed(10),
      PredictionIntervalLowerBound: (mean * (1 - spread)).toFixed(10),
      PredictionIntervalUpperBound: (mean * (1 + spread)).toFixed(10),
    };
  });
  const total = by.reduce((s, x) => s + Number(x.MeanValue), 0);
  return jsonResponse(
    200,
    { Total: { Amount: total.toFixed(10), Unit: 'USD' }, ForecastResultsByTime: by },
    ctx.req.requestId,
    CT,
  );
}

function listCostCategoryDefinitions(ctx: HandlerContext): SimResponse {
  const cats = ctx.state.scenario.costCategories;
  const payer = ctx.state.world.payerAccountId;
  const refs = Object.keys(cats)
    .sort()
    .map((name) => ({
      CostCategoryArn: `arn:aws:ce::${payer}:costcategory/${hexId('cc', name).slice(0, 8)}-${hexId('cc2', name).slice(0, 4)}-4${hexId('cc3', name).slice(0, 3)}-a${hexId('cc4', name).slice(0, 3)}-${hexId('cc5', name).slice(0, 12)}`,
      Name: name,
      EffectiveStart: new Date(ctx.state.world.clock.historyStart * 1000).toISOString(),
      NumberOfRules: Object.keys(cats[name]).length,
      Values: [...new Set(Object.values(cats[name]))].sort(),
    }));
  return jsonResponse(200, { CostCategoryReferences: refs }, ctx.req.requestId, CT);
}

const HANDLERS: Record<string, (ctx: HandlerContext) => SimResponse> = {
  GetCostAndUsage: getCostAndUsage,
  GetCostForecast: getCostForecast,
  GetReservationUtilization: getReservationUtilization,
  GetSavingsPlansUtilization: getSavingsPlansUtilization,
  GetSavingsPlansUtilizationDetails: getSavingsPlansUtilizationDetails,
  GetReservationCoverage: getReservationCoverage,
  GetSavingsPlansCoverage: getSavingsPlansCoverage,
  ListCostCategoryDefinitions: listCostCategoryDefinitions,
};

export const ce: ServiceModule = {
  actionOf: (req) => `ce:${req.operation}`,
  handle(ctx) {
    const h = HANDLERS[ctx.req.operation];
    if (!h)
      throw new SimError(
        'UnknownOperationException',
        `${ctx.req.operation} is not implemented by the simulator`,
        400,
      );
    return h(ctx);
  },
};
