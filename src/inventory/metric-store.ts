import type { Queryable, SqlParam } from '../store/store.js';
import type { MetricPoint } from '../providers/aws/inventory/metrics-collector.js';

const BATCH = 400;

/** Upserts hourly points (a later fetch of the same hour replaces the value: the last hour may have been partial). */
export async function saveMetricPoints(
  tx: Queryable,
  orgId: string,
  cloudAccountId: string,
  points: MetricPoint[],
): Promise<void> {
  for (let i = 0; i < points.length; i += BATCH) {
    const params: SqlParam[] = [orgId, cloudAccountId];
    const values = points
      .slice(i, i + BATCH)
      .map(
        (pt) =>
          `($1, $2, $${params.push(pt.resourceId)}, $${params.push(pt.metric)}, $${params.push(pt.ts)}, $${params.push(pt.value)})`,
      );
    await tx.execute(
      `INSERT INTO resource_metrics (org_id, cloud_account_id, resource_id, metric, ts, value) VALUES ${values.join(', ')}
       ON CONFLICT (org_id, cloud_account_id, resource_id, metric, ts) DO UPDATE SET value = excluded.value`,
      params,
    );
  }
}

export async function pruneMetrics(
  q: Queryable,
  orgId: string,
  cloudAccountId: string,
  before: Date,
): Promise<number> {
  return q.execute('DELETE FROM resource_metrics WHERE org_id = $1 AND cloud_account_id = $2 AND ts < $3', [
    orgId,
    cloudAccountId,
    before,
  ]);
}

/** Newest stored point per resource (any metric), to fetch only what is missing. */
export async function newestPoints(
  q: Queryable,
  orgId: string,
  cloudAccountId: string,
): Promise<Map<string, Date>> {
  const rows = await q.query<{ resource_id: string; newest: Date }>(
    `SELECT resource_id, max(ts) AS newest FROM resource_metrics WHERE org_id = $1 AND cloud_account_id = $2
     GROUP BY resource_id`,
    [orgId, cloudAccountId],
  );
  return new Map(rows.map((r) => [r.resource_id, new Date(r.newest)]));
}

/** Aggregates of one series over a window. */
export interface MetricSummary {
  points: number;
  avg: number;
  sum: number;
  max: number;
  p99: number;
  first: Date;
  last: Date;
}

/** Per resource and metric, the aggregates of the hourly points in `[from, to)`. */
export async function summarizeMetrics(
  q: Queryable,
  input: { orgId: string; cloudAccountId: string; from: Date; to: Date },
): Promise<Map<string, Map<string, MetricSummary>>> {
  const rows = await q.query<{
    resource_id: string;
    metric: string;
    n: number;
    avg_v: number;
    sum_v: number;
    max_v: number;
    p99: number;
    first_ts: Date;
    last_ts: Date;
  }>(
    `SELECT resource_id, metric, count(*) AS n, avg(value) AS avg_v, sum(value) AS sum_v, max(value) AS max_v,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY value) AS p99, min(ts) AS first_ts, max(ts) AS last_ts
     FROM resource_metrics WHERE org_id = $1 AND cloud_account_id = $2 AND ts >= $3 AND ts < $4
     GROUP BY resource_id, metric`,
    [input.orgId, input.cloudAccountId, input.from, input.to],
  );
  const out = new Map<string, Map<string, MetricSummary>>();
  for (const r of rows) {
    const m = out.get(r.resource_id) ?? new Map<string, MetricSummary>();
    m.set(r.metric, {
      points: Number(r.n),
      avg: Number(r.avg_v),
      sum: Number(r.sum_v),
      max: Number(r.max_v),
      p99: Number(r.p99),
      first: new Date(r.first_ts),
      last: new Date(r.last_ts),
    });
    out.set(r.resource_id, m);
  }
  return out;
}

export async function loadSeries(
  q: Queryable,
  input: { orgId: string; resourceId: string; from: Date },
): Promise<{ metric: string; ts: string; value: number }[]> {
  const rows = await q.query<{ metric: string; ts: Date; value: number }>(
    `SELECT metric, ts, value FROM resource_metrics WHERE org_id = $1 AND resource_id = $2 AND ts >= $3
     ORDER BY metric, ts`,
    [input.orgId, input.resourceId, input.from],
  );
  return rows.map((r) => ({ metric: r.metric, ts: new Date(r.ts).toISOString(), value: Number(r.value) }));
}
