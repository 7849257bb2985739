import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router-dom';
import { addDays } from '../../../src/lib/dates';
import { findAnomaly } from '../anomaly-api';
import { stackSeries } from '../components/chart-data';
import { Empty, ErrorNotice, Loading, PageHeader, Skeleton } from '../components/Feedback';
import { Kpi } from '../components/Kpi';
import { LazyCostChart } from '../components/LazyCostChart';
import { today, viewToParams } from '../cost-view';
import { day, money } from '../format';
import { useApi } from '../hooks';
import type { CostAnomaly, CostAnswer } from '../types';
import { AnomalyChange, AnomalyStateBadge } from './anomalies/AnomalyBits';
import { AnomalyDecision } from './anomalies/AnomalyDecision';

/** Three weeks before the day and up to a week after it (not past today). */
function chartRange(date: string, t: string): { from: string; to: string } {
  const to = addDays(date, 7);
  return { from: addDays(date, -21), to: to > t ? t : to };
}

function useAnomaly(id: string) {
  const [anomaly, setAnomaly] = useState<CostAnomaly | null>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let live = true;
    findAnomaly(id)
      .then((a) => live && setAnomaly(a))
      .catch((err: unknown) => live && setError(err));
    return () => {
      live = false;
    };
  }, [id]);
  return { anomaly, error, setAnomaly };
}

function AnomalyChart(props: { anomaly: CostAnomaly }): ReactNode {
  const a = props.anomaly;
  const range = chartRange(a.date, today());
  // An account's day by service; a service's day by usage type: the split that shows what moved.
  const groupBy = a.dimension === 'account' ? 'service' : 'usageType';
  const costs = useApi<CostAnswer>('/api/v1/costs', {
    ...range,
    granularity: 'day',
    groupBy,
    basis: 'amortized',
    currency: a.currency,
    filter: [`${a.dimension}=${a.key}`],
    limit: 8,
  });
  const chart = useMemo(() => {
    const c = costs.data;
    if (!c) return undefined;
    const points = c.groups.flatMap((g) =>
      g.series.map((p) => ({ period: p.period, group: g.label, amount: p.cost })),
    );
    return stackSeries(points, c.periods, 8);
  }, [costs.data]);
  const explore = viewToParams({
    ...range,
    granularity: 'day',
    groupBy: [groupBy],
    filters: [{ dimension: a.dimension, value: a.key, exclude: false }],
    basis: 'amortized',
  });
  return (
    <section className="panel" aria-labelledby="anomaly-chart-title">
      <div className="panel-head">
        <h2 id="anomaly-chart-title">
          Daily amortized cost around {day(a.date)}, by {groupBy === 'service' ? 'service' : 'usage type'}
        </h2>
        <Link to={`/costs?${explore.toString()}`}>Explore</Link>
      </div>
      <ErrorNotice error={costs.error} onRetry={costs.reload} />
      {chart ? (
        <LazyCostChart
          data={chart}
          currency={a.currency}
          granularity="day"
          marker={{ period: a.date, label: 'Anomaly' }}
          label={`Daily cost of ${a.label} from ${day(range.from, true)} to ${day(range.to, true)}`}
        />
      ) : costs.loading ? (
        <Skeleton height={300} />
      ) : null}
    </section>
  );
}

function Drivers(props: { anomaly: CostAnomaly }): ReactNode {
  const a = props.anomaly;
  return (
    <section className="panel" aria-labelledby="drivers-title">
      <div className="panel-head">
        <h2 id="drivers-title">What drove it</h2>
        <span className="muted small">
          line items that changed most against their average day of the 28 before
        </span>
      </div>
      {a.drivers.length ? (
        <div className="table-wrap" tabIndex={0}>
          <table className="table" data-testid="anomaly-drivers">
            <thead>
              <tr>
                <th>Resource or usage</th>
                <th>Service</th>
                <th>Account</th>
                <th>Region</th>
                <th className="num">That day</th>
                <th className="num">Usual day</th>
                <th className="num">Change</th>
              </tr>
            </thead>
            <tbody>
              {a.drivers.map((d, i) => (
                <tr key={i}>
                  <td>
                    <div className="wrap">{d.resourceId ?? 'No resource'}</div>
                    {d.usageType ? <div className="muted small wrap">{d.usageType}</div> : null}
                  </td>
                  <td className="wrap">{d.service ?? '—'}</td>
                  <td>{d.account ?? '—'}</td>
                  <td>{d.region ?? '—'}</td>
                  <td className="num">{money(d.cost, a.currency)}</td>
                  <td className="num">{money(d.baseline, a.currency)}</td>
                  <td className="num">{money(d.change, a.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <Empty title="No single line item stands out">
          The change is spread over many small line items; the chart above shows it by{' '}
          {a.dimension === 'account' ? 'service' : 'usage type'}.
        </Empty>
      )}
    </section>
  );
}

/** One anomaly: its figures, the days around it, the line items behind it, and what people decided about it. */
export default function AnomalyDetailPage(): ReactNode {
  const { id = '' } = useParams();
  const { anomaly, error, setAnomaly } = useAnomaly(id);
  const back = (
    <Link className="btn" to="/anomalies">
      All anomalies
    </Link>
  );
  if (error) {
    return (
      <div className="page">
        <PageHeader title="Anomaly" actions={back} />
        <ErrorNotice error={error} />
      </div>
    );
  }
  if (anomaly === undefined) return <Loading what="the anomaly" />;
  if (anomaly === null) {
    return (
      <div className="page">
        <PageHeader title="Anomaly not found" actions={back} />
        <Empty title="No such anomaly">
          Anomalies are recomputed after every billing load; this one is no longer among them. The list shows
          the current ones.
        </Empty>
      </div>
    );
  }
  const a = anomaly;
  return (
    <div className="page">
      <PageHeader
        title={`${a.label} on ${day(a.date, true)}`}
        documentTitle={`Anomaly: ${a.label} on ${day(a.date, true)}`}
        subtitle={
          <>
            {a.dimension === 'account' ? 'Account' : 'Service'} · amortized cost · UTC billing day ·{' '}
            <AnomalyChange anomaly={a} /> <AnomalyStateBadge state={a.state} />
          </>
        }
        actions={back}
      />
      <div className="grid grid-4">
        <Kpi label="Cost that day" value={money(a.actual, a.currency)} testId="anomaly-actual" />
        <Kpi label="Expected" value={money(a.expected, a.currency)} />
        <Kpi
          label={a.direction === 'increase' ? 'Above expected' : 'Below expected'}
          value={money(Math.abs(a.change), a.currency)}
        />
        <Kpi
          label="Usual range"
          value={`± ${money(a.threshold, a.currency)}`}
          sub="a departure larger than this is an anomaly"
        />
      </div>
      <AnomalyChart anomaly={a} />
      <Drivers anomaly={a} />
      <AnomalyDecision anomaly={a} onChanged={setAnomaly} />
    </div>
  );
}
