import { SimError } from '../server/errors.js';
import { jsonResponse, type SimResponse } from '../server/protocol.js';
import type { HandlerContext, ServiceModule } from '../server/types.js';
import { aggregate, findSeries, statistic, unitOf, type Dimension } from '../world/metrics.js';

/** CloudWatch speaks awsJson1_0 (query-compatible) in current SDK clients: epoch-second numbers both ways. */
const CT = 'application/x-amz-json-1.0';

function epoch(v: unknown, field: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return Date.parse(v) / 1000;
  throw new SimError('InvalidParameterValue', `${field} is required`, 400);
}

interface MetricStat {
  Metric?: { Namespace?: string; MetricName?: string; Dimensions?: Dimension[] };
  Period?: number;
  Stat?: string;
}
interface Query {
  Id?: string;
  MetricStat?: MetricStat;
  Expression?: string;
  Label?: string;
  ReturnData?: boolean;
}

function getMetricData(ctx: HandlerContext): SimResponse {
  const body = ctx.req.json;
  const start = epoch(body.StartTime, 'StartTime');
  const end = epoch(body.EndTime, 'EndTime');
  const queries = (body.MetricDataQueries as Query[] | undefined) ?? [];
  if (queries.length === 0 || queries.length > 500) {
    throw new SimError('InvalidParameterValue', 'MetricDataQueries must hold 1 to 500 queries', 400);
  }
  const newestFirst = body.ScanBy !== 'TimestampAscending';
  const now = ctx.state.world.clock.now;
  const results = queries
    .filter((q) => q.ReturnData !== false)
    .map((q) => {
      if (!q.Id || !/^[a-z][a-zA-Z0-9_]*$/.test(q.Id))
        throw new SimError('ValidationError', `Invalid query Id ${q.Id}`, 400);
      const ms = q.MetricStat;
      if (!ms?.Metric?.MetricName || !ms.Period || !ms.Stat) {
        throw new SimError('ValidationError', 'The simulator supports MetricStat queries only', 400);
      }
      const series = findSeries(
        ctx.state.world,
        ctx.caller.accountId,
        ctx.req.region,
        ms.Metric.Namespace ?? '',
        ms.Metric.MetricName,
        ms.Metric.Dimensions ?? [],
      );
      const points = series ? aggregate(series, start, end, ms.Period, now) : [];
      const values = points.map((p) => ({ t: p.timestamp, v: statistic(p.samples, ms.Stat!) }));
      const ordered = values
        .filter((x) => x.v !== undefined)
        .sort((a, b) => (newestFirst ? b.t - a.t : a.t - b.t));
      return {
        Id: q.Id,
        Label: q.Label ?? ms.Metric.MetricName,
        Timestamps: ordered.map((x) => x.t),
        Values: ordered.map((x) => x.v as number),
        StatusCode: 'Complete',
      };
    });
  return jsonResponse(200, { MetricDataResults: results, Messages: [] }, ctx.req.requestId, CT);
}

function getMetricStatistics(ctx: HandlerContext): SimResponse {
  const b = ctx.req.json;
  const start = epoch(b.StartTime, 'StartTime');
  const end = epoch(b.EndTime, 'EndTime');
  const period = Number(b.Period);
  const metric = String(b.MetricName ?? '');
  const stats = (b.Statistics as string[] | undefined) ?? [];
  const extended = (b.ExtendedStatistics as string[] | undefined) ?? [];
  if (!period || !metric || stats.length + extended.length === 0) {
    throw new SimError(
      'InvalidParameterCombination',
      'Period, MetricName and at least one statistic are required',
      400,
    );
  }
  if ((end - start) / period > 1440) {
    throw new SimError(
      'InvalidParameterCombination',
      'You have requested up to 1,440 datapoints, which exceeds the limit',
      400,
    );
  }
  const series = findSeries(
    ctx.state.world,
    ctx.caller.accountId,
    ctx.req.region,
    String(b.Namespace ?? ''),
    metric,
    (b.Dimensions as Dimension[] | undefined) ?? [],
  );
  const points = series ? aggregate(series, start, end, period, ctx.state.world.clock.now) : [];
  const datapoints = points.map((p) => {
    const d: Record<string, unknown> = { Timestamp: p.timestamp, Unit: unitOf(metric) };
    for (const s of stats) d[s] = statistic(p.samples, s);
    if (extended.length > 0)
      d.ExtendedStatistics = Object.fromEntries(extended.map((s) => [s, statistic(p.samples, s)]));
    return d;
  });
  return jsonResponse(200, { Label: metric, Datapoints: datapoints }, ctx.req.requestId, CT);
}

export const cloudwatch: ServiceModule = {
  actionOf: (req) => `cloudwatch:${req.operation}`,
  handle(ctx) {
    if (ctx.req.operation === 'GetMetricData') return getMetricData(ctx);
    if (ctx.req.operation === 'GetMetricStatistics') return getMetricStatistics(ctx);
    throw new SimError('InvalidAction', `${ctx.req.operation} is not implemented by the simulator`, 400);
  },
};
