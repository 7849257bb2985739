import { unit } from './ids.js';
import type { Instance, LoadBalancer, World } from './world.js';

/** Raw samples are 5 minutes apart; statistics over longer periods are computed from them. */
export const SAMPLE_SECONDS = 300;
/** How far back metrics exist (CloudWatch keeps 5-minute data 63 days). */
export const RETENTION_SECONDS = 63 * 86_400;

export interface Dimension {
  Name: string;
  Value: string;
}

type Series = (t: number) => number | undefined;

const CPU_RANGE: Record<Instance['behaviour'], [number, number]> = {
  idle: [0.5, 1.5],
  oversized: [12, 30],
  steady: [40, 70],
  busy: [55, 90],
};
/** Bytes per second per direction; an idle instance stays far below 1000 B/s in and out together. */
const NET_RANGE: Record<Instance['behaviour'], [number, number]> = {
  idle: [50, 250],
  oversized: [20_000, 200_000],
  steady: [100_000, 1_000_000],
  busy: [1_000_000, 5_000_000],
};

function between([lo, hi]: [number, number], u: number): number {
  return lo + (hi - lo) * u;
}

function instanceSeries(w: World, i: Instance, metric: string): Series | undefined {
  const alive = (t: number): boolean => t >= i.launchTime && (i.stoppedAt === undefined || t < i.stoppedAt);
  const u = (t: number): number => unit(w.seed, i.id, metric, t);
  switch (metric) {
    case 'CPUUtilization':
      return (t) => (alive(t) ? Math.round(between(CPU_RANGE[i.behaviour], u(t)) * 1000) / 1000 : undefined);
    case 'NetworkIn':
    case 'NetworkOut':
      return (t) =>
        alive(t) ? Math.round(between(NET_RANGE[i.behaviour], u(t)) * SAMPLE_SECONDS) : undefined;
    case 'NetworkPacketsIn':
    case 'NetworkPacketsOut':
      return (t) =>
        alive(t) ? Math.round(between(NET_RANGE[i.behaviour], u(t)) / 500) * SAMPLE_SECONDS : undefined;
    case 'StatusCheckFailed':
      return (t) => (alive(t) ? 0 : undefined);
    default:
      return undefined;
  }
}

function lbSeries(w: World, lb: LoadBalancer, metric: string): Series | undefined {
  const idle = lb.traffic === 'none' || lb.targets.length === 0;
  const alive = (t: number): boolean => t >= lb.createdAt;
  const u = (t: number): number => unit(w.seed, lb.arn, metric, t);
  const perSample: Record<string, [number, number]> = {
    RequestCount: [300, 3000],
    ProcessedBytes: [2e6, 2e7],
    NewFlowCount: [100, 1000],
    ActiveFlowCount: [50, 400],
    HealthyHostCount: [lb.targets.length, lb.targets.length],
  };
  const range = perSample[metric];
  if (!range) return undefined;
  return (t) =>
    alive(t) ? (idle && metric !== 'HealthyHostCount' ? 0 : Math.round(between(range, u(t)))) : undefined;
}

const dim = (dims: Dimension[], name: string): string | undefined => dims.find((d) => d.Name === name)?.Value;

/** The planted series for a metric in the caller's account, or undefined when no such metric exists. */
export function findSeries(
  w: World,
  accountId: string,
  region: string,
  namespace: string,
  metric: string,
  dims: Dimension[],
): Series | undefined {
  if (namespace === 'AWS/EC2') {
    const id = dim(dims, 'InstanceId');
    const i = w.instances.find((x) => x.id === id && x.accountId === accountId && x.region === region);
    return i ? instanceSeries(w, i, metric) : undefined;
  }
  if (namespace === 'AWS/ApplicationELB' || namespace === 'AWS/NetworkELB') {
    const v = dim(dims, 'LoadBalancer');
    const lb = w.loadBalancers.find(
      (x) => x.accountId === accountId && x.region === region && x.arn.endsWith(`:loadbalancer/${v}`),
    );
    return lb ? lbSeries(w, lb, metric) : undefined;
  }
  if (namespace === 'AWS/ELB') {
    const v = dim(dims, 'LoadBalancerName');
    const lb = w.loadBalancers.find(
      (x) => x.accountId === accountId && x.region === region && x.type === 'classic' && x.name === v,
    );
    return lb ? lbSeries(w, lb, metric) : undefined;
  }
  return undefined;
}

export interface Datapoint {
  timestamp: number;
  samples: number[];
}

/** Buckets the 5-minute samples in [start, end) into periods, skipping periods with no samples. */
export function aggregate(
  series: Series,
  start: number,
  end: number,
  period: number,
  now: number,
): Datapoint[] {
  const out: Datapoint[] = [];
  const from = Math.max(
    Math.ceil(start / period) * period,
    Math.floor((now - RETENTION_SECONDS) / period) * period,
  );
  const until = Math.min(end, now);
  for (let p = from; p < until; p += period) {
    const samples: number[] = [];
    for (
      let t = Math.ceil(p / SAMPLE_SECONDS) * SAMPLE_SECONDS;
      t < Math.min(p + period, until);
      t += SAMPLE_SECONDS
    ) {
      const v = series(t);
      if (v !== undefined) samples.push(v);
    }
    if (samples.length > 0) out.push({ timestamp: p, samples });
  }
  return out;
}

/** CloudWatch statistics: Average, Sum, Minimum, Maximum, SampleCount and percentiles such as p99. */
export function statistic(samples: number[], stat: string): number | undefined {
  if (samples.length === 0) return undefined;
  switch (stat) {
    case 'Average':
      return samples.reduce((a, b) => a + b, 0) / samples.length;
    case 'Sum':
      return samples.reduce((a, b) => a + b, 0);
    case 'Minimum':
      return Math.min(...samples);
    case 'Maximum':
      return Math.max(...samples);
    case 'SampleCount':
      return samples.length;
    default: {
      const m = /^p(\d+(\.\d+)?)$/.exec(stat);
      if (!m) return undefined;
      const sorted = [...samples].sort((a, b) => a - b);
      const rank = Math.ceil((Number(m[1]) / 100) * sorted.length) - 1;
      return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
    }
  }
}

export function unitOf(metric: string): string {
  if (metric === 'CPUUtilization') return 'Percent';
  if (metric.startsWith('Network') && !metric.includes('Packets')) return 'Bytes';
  if (metric === 'ProcessedBytes') return 'Bytes';
  return 'Count';
}
