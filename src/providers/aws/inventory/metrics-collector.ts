import {
  GetMetricDataCommand,
  type CloudWatchClient,
  type MetricDataQuery,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { withAwsRetry } from '../sdk/retry.js';
import type { LoadBalancerDetails } from '../../../inventory/inventory-types.js';
import type { StoredResource } from '../../../inventory/resource-store.js';

/** One CloudWatch series: stored under `metric` (the CloudWatch name) for `resourceId`. */
export interface MetricSeriesSpec {
  resourceId: string;
  metric: string;
  namespace: string;
  metricName: string;
  dimensions: { Name: string; Value: string }[];
  stat: 'Average' | 'Sum' | 'Maximum';
}

export interface MetricPoint {
  resourceId: string;
  metric: string;
  ts: Date;
  value: number;
}

/**
 * The series kept per resource: EC2 CPU (hourly average) and network bytes (hourly sums); load balancer requests and
 * processed bytes (NLB: packets too). A classic balancer with TCP listeners has no RequestCount, so its estimated
 * bytes stand for traffic.
 */
export function seriesFor(r: StoredResource): MetricSeriesSpec[] {
  if (r.type === 'ec2_instance') {
    const dims = [{ Name: 'InstanceId', Value: r.id }];
    const ec2 = (metricName: string, stat: MetricSeriesSpec['stat']): MetricSeriesSpec => ({
      resourceId: r.id,
      metric: metricName,
      namespace: 'AWS/EC2',
      metricName,
      dimensions: dims,
      stat,
    });
    return [ec2('CPUUtilization', 'Average'), ec2('NetworkIn', 'Sum'), ec2('NetworkOut', 'Sum')];
  }
  if (r.type === 'load_balancer') {
    const d = r.details as unknown as LoadBalancerDetails;
    const sum = (
      namespace: string,
      metricName: string,
      dimName: string,
      metric = metricName,
    ): MetricSeriesSpec => ({
      resourceId: r.id,
      metric,
      namespace,
      metricName,
      dimensions: [{ Name: dimName, Value: d.metricDimension }],
      stat: 'Sum',
    });
    switch (d.lbType) {
      case 'application':
        return [
          sum('AWS/ApplicationELB', 'RequestCount', 'LoadBalancer'),
          sum('AWS/ApplicationELB', 'ProcessedBytes', 'LoadBalancer'),
        ];
      case 'network':
        return [
          sum('AWS/NetworkELB', 'ProcessedBytes', 'LoadBalancer'),
          sum('AWS/NetworkELB', 'ProcessedPackets', 'LoadBalancer'),
        ];
      case 'gateway':
        return [sum('AWS/GatewayELB', 'ProcessedBytes', 'LoadBalancer')];
      case 'classic':
        return [
          sum('AWS/ELB', 'RequestCount', 'LoadBalancerName'),
          sum('AWS/ELB', 'EstimatedProcessedBytes', 'LoadBalancerName', 'ProcessedBytes'),
        ];
    }
  }
  return [];
}

/** Resources worth metrics: running instances and load balancers. */
export function wantsMetrics(r: StoredResource): boolean {
  if (r.goneAt) return false;
  if (r.type === 'ec2_instance') return r.state === 'running';
  return r.type === 'load_balancer';
}

/**
 * Fetches hourly points for many series with as few GetMetricData calls as possible: up to `batchSize` queries per
 * request (each asks for at most `hours` points, well below the 100,800-point cap), following NextToken pages.
 */
export async function fetchMetrics(
  cw: Pick<CloudWatchClient, 'send'>,
  specs: MetricSeriesSpec[],
  window: { start: Date; end: Date },
  options: { signal?: AbortSignal; batchSize?: number; onBatch?: (done: number) => void } = {},
): Promise<{ points: MetricPoint[]; requests: number; partial: string[] }> {
  const batchSize = options.batchSize ?? 100;
  const points: MetricPoint[] = [];
  const partial: string[] = [];
  let requests = 0;
  for (let i = 0; i < specs.length; i += batchSize) {
    const batch = specs.slice(i, i + batchSize);
    const queries: MetricDataQuery[] = batch.map((s, k) => ({
      Id: `m${k}`,
      MetricStat: {
        Metric: { Namespace: s.namespace, MetricName: s.metricName, Dimensions: s.dimensions },
        Period: 3600,
        Stat: s.stat,
      },
      ReturnData: true,
    }));
    let token: string | undefined;
    do {
      const out = await withAwsRetry(
        () =>
          cw.send(
            new GetMetricDataCommand({
              MetricDataQueries: queries,
              StartTime: window.start,
              EndTime: window.end,
              ScanBy: 'TimestampAscending',
              NextToken: token,
            }),
            { abortSignal: options.signal },
          ),
        { signal: options.signal },
      );
      requests++;
      for (const result of out.MetricDataResults ?? []) collect(result, batch, points, partial);
      token = out.NextToken || undefined;
    } while (token);
    options.onBatch?.(Math.min(specs.length, i + batchSize));
  }
  return { points, requests, partial };
}

function collect(
  result: MetricDataResult,
  batch: MetricSeriesSpec[],
  points: MetricPoint[],
  partial: string[],
) {
  const k = Number((result.Id ?? '').slice(1));
  const spec = batch[k];
  if (!spec || !result.Id?.startsWith('m')) return;
  // PartialData only means more pages follow (NextToken); these two mean the series is missing.
  if (result.StatusCode === 'Forbidden' || result.StatusCode === 'InternalError') {
    partial.push(`${spec.resourceId} ${spec.metric}: ${result.StatusCode}`);
  }
  const ts = result.Timestamps ?? [];
  const values = result.Values ?? [];
  for (let j = 0; j < Math.min(ts.length, values.length); j++) {
    const value = values[j];
    if (!Number.isFinite(value)) continue;
    points.push({ resourceId: spec.resourceId, metric: spec.metric, ts: new Date(ts[j]), value });
  }
}
