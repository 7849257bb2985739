import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { Empty, ErrorNotice, Skeleton } from '../../components/Feedback';
import { Sparkline } from '../../components/Sparkline';
import { StatusBadge } from '../../components/StatusBadge';
import { money, num } from '../../format';
import { useApi } from '../../hooks';
import { RULE_TITLES } from '../../labels';
import type { MetricSeries, RecommendationList, ResourceDetail } from '../../types';
import { LINE_TYPE_LABELS } from './zero-reason';

const METRIC_UNITS: Record<string, string> = {
  CPUUtilization: '%',
  NetworkIn: 'bytes',
  NetworkOut: 'bytes',
  RequestCount: 'requests',
  ActiveFlowCount: 'flows',
  ProcessedBytes: 'bytes',
};

/** `CPUUtilization` → `CPU utilization`. */
export function metricName(metric: string): string {
  const words = metric
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1 $2')
    .split(' ');
  return words.map((w, i) => (i === 0 || /^[A-Z]{2,}$/.test(w) ? w : w.toLowerCase())).join(' ');
}

/** Every metric of the resource over 14 days: a line each with its average and peak. */
export function UsageMetrics(props: { resourceId: string }): ReactNode {
  const m = useApi<MetricSeries>('/api/v1/resources/metrics', { resourceId: props.resourceId, days: 14 });
  const items = (m.data?.items ?? []).filter((i) => i.points.length > 0);
  return (
    <section className="panel" aria-labelledby="usage-title">
      <div className="panel-head">
        <h2 id="usage-title">Usage, last 14 days</h2>
        <span className="muted">hourly CloudWatch points</span>
      </div>
      <ErrorNotice error={m.error} onRetry={m.reload} />
      {m.loading && !m.data ? <Skeleton height={80} /> : null}
      {m.data && items.length === 0 ? (
        <Empty title="No usage metrics">
          Metrics are collected for EC2 instances and load balancers that run; this resource has none.
        </Empty>
      ) : null}
      {items.length ? (
        <div className="table-wrap" tabIndex={0}>
          <table className="table" data-testid="resource-metrics">
            <thead>
              <tr>
                <th>Metric</th>
                <th>14 days</th>
                <th className="num">Average</th>
                <th className="num">Peak</th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => {
                const values = s.points.map((p) => p.value);
                const avg = values.reduce((a, v) => a + v, 0) / values.length;
                const unit = METRIC_UNITS[s.metric] ?? '';
                const fmt = (v: number) =>
                  unit === '%' ? `${v.toFixed(1)} %` : `${num(Math.round(v))}${unit ? ` ${unit}` : ''}`;
                return (
                  <tr key={s.metric}>
                    <td>{metricName(s.metric)}</td>
                    <td>
                      <Sparkline
                        values={values}
                        width={160}
                        max={unit === '%' ? 100 : undefined}
                        label={`${metricName(s.metric)} over 14 days`}
                      />
                    </td>
                    <td className="num">{fmt(avg)}</td>
                    <td className="num">{fmt(Math.max(...values))}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

/** The resource's lines in the bill's last 30 days by AWS line item type. */
export function BillLines(props: { detail: ResourceDetail }): ReactNode {
  const b = props.detail.bill;
  if (!b || b.lineTypes.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="lines-title">
      <div className="panel-head">
        <h2 id="lines-title">Its lines in the bill</h2>
        <span className="muted">
          {b.from} to {b.to} (UTC, last day excluded)
        </span>
      </div>
      <div className="table-wrap" tabIndex={0}>
        <table className="table" data-testid="resource-line-types">
          <thead>
            <tr>
              <th>Kind of line</th>
              <th className="num">Lines</th>
              <th className="num">Billed</th>
              <th className="num">Amortized</th>
            </tr>
          </thead>
          <tbody>
            {b.lineTypes.map((l) => (
              <tr key={l.lineType}>
                <td>
                  {LINE_TYPE_LABELS[l.lineType] ?? l.lineType}
                  {l.freeTier ? <span className="muted small"> · {l.freeTier} free tier</span> : null}
                </td>
                <td className="num">{num(l.lines)}</td>
                <td className="num">{money(l.billed, b.currency)}</td>
                <td className="num">{money(l.effective, b.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The recommendations made on the resource, in any state. */
export function ResourceRecommendations(props: { resourceId: string }): ReactNode {
  const recs = useApi<RecommendationList>('/api/v1/recommendations', {
    resourceId: props.resourceId,
    state: 'all',
  });
  const items = recs.data?.items ?? [];
  return (
    <section className="panel" aria-labelledby="recs-title">
      <div className="panel-head">
        <h2 id="recs-title">Recommendations on it</h2>
        <Link to="/recommendations">All recommendations</Link>
      </div>
      <ErrorNotice error={recs.error} onRetry={recs.reload} />
      {recs.loading && !recs.data ? <Skeleton height={60} /> : null}
      {recs.data && items.length === 0 ? (
        <Empty title="No recommendations">No rule finds a saving on this resource.</Empty>
      ) : null}
      {items.length ? (
        <ul className="list-plain rank-list" data-testid="resource-recommendations">
          {items.map((r) => (
            <li key={r.id}>
              <div>
                <strong>{r.title}</strong> <StatusBadge state={r.state === 'closed' ? 'resolved' : r.state} />
                <div className="muted small">
                  {RULE_TITLES[r.rule] ?? r.rule} · {r.action}
                </div>
                <div className="small">{r.reason}</div>
              </div>
              <div className="num">
                {money(r.monthlySavings, r.currency)}
                <div className="muted small">a month</div>
              </div>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
