import { useEffect, useMemo, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { stackSeries } from '../components/chart-data';
import { LazyCostChart, preloadChart } from '../components/LazyCostChart';
import { Empty, ErrorNotice, PageHeader, Skeleton } from '../components/Feedback';
import { Kpi, RankList } from '../components/Kpi';
import { today, viewToParams, defaultView } from '../cost-view';
import { addDays, monthStart } from '../../../src/lib/dates';
import { change, day, money } from '../format';
import { useApi } from '../hooks';
import type { CostAnomaly, CostAnswer, CostSummary, Page } from '../types';
import { anomalyHref } from '../anomaly-api';
import { AnomalyChange } from './anomalies/AnomalyBits';
import { chartDays } from './overview/daily-chart';
import { ForecastKpi } from './overview/ForecastKpi';
import { SavingsPanel } from './overview/SavingsPanel';
import { PinnedViews } from './overview/PinnedViews';

/** The services with the most cost since `since`, from a daily answer grouped by service. */
function topServices(a: CostAnswer, since: string): { label: string; value: number }[] {
  return a.groups
    .filter((g) => !g.other)
    .map((g) => ({
      label: g.label,
      value: g.series.filter((p) => p.period >= since).reduce((s, p) => s + p.cost, 0),
    }))
    .filter((g) => g.value !== 0)
    .sort((x, y) => y.value - x.value)
    .slice(0, 6);
}

function pendingText(pending: string[]): string {
  const first = day(pending[0]);
  return pending.length === 1 ? first : `${first} – ${day(pending[pending.length - 1])}`;
}

function explorerLink(patch: Partial<ReturnType<typeof defaultView>>): string {
  return `/costs?${viewToParams({ ...defaultView(), ...patch }).toString()}`;
}

/** Today, this month's first day and the 30-day chart's first day (UTC billing days), as of this render. */
function useOverviewDays(): { t: string; thisMonth: string; chartFrom: string } {
  const t = today();
  return { t, thisMonth: monthStart(t), chartFrom: addDays(t, -29) };
}

export default function OverviewPage(): ReactNode {
  const { t, thisMonth, chartFrom } = useOverviewDays();
  // One daily answer serves the 30-day chart and this month's top services.
  const from = chartFrom < thisMonth ? chartFrom : thisMonth;
  const summary = useApi<CostSummary>('/api/v1/costs/summary', { basis: 'billed' });
  const daily = useApi<CostAnswer>('/api/v1/costs', {
    from,
    to: t,
    granularity: 'day',
    groupBy: 'service',
    limit: 12,
  });
  const accounts = useApi<CostAnswer>('/api/v1/costs', {
    from: thisMonth,
    to: t,
    granularity: 'month',
    groupBy: 'account',
    limit: 6,
  });
  const anomalies = useApi<Page<CostAnomaly>>('/api/v1/costs/anomalies', {
    from: addDays(t, -30),
    to: t,
    limit: 5,
  });

  // Declared after the requests above, so that the chart library is fetched and parsed once they are sent.
  useEffect(() => {
    void preloadChart();
  }, []);
  const a = daily.data;
  const sum = summary.data;
  const top = useMemo(() => (a ? topServices(a, thisMonth) : undefined), [a, thisMonth]);
  // Days after the newest with data are left out rather than drawn as $0.00: billing runs about a day behind.
  const days = useMemo(
    () =>
      a
        ? chartDays(
            a.periods.filter((p) => p >= chartFrom),
            a.dataThrough,
          )
        : undefined,
    [a, chartFrom],
  );
  const chart = useMemo(() => {
    if (!a || !days) return undefined;
    const shown = new Set(days.shown);
    const points = a.groups.flatMap((g) =>
      g.series
        .filter((p) => shown.has(p.period))
        .map((p) => ({ period: p.period, group: g.label, amount: p.cost })),
    );
    return stackSeries(points, days.shown, 8);
  }, [a, days]);
  const cur = a?.currency ?? sum?.currency ?? 'USD';
  const delta = sum ? change(sum.monthToDate.total, sum.samePeriodLastMonth.total) : undefined;
  const noData = a && a.total === 0 && a.groups.length === 0;

  return (
    <div className="page">
      <PageHeader
        title="Overview"
        subtitle={`Billed cost, ${day(thisMonth, true)} to ${day(t, true)} (UTC billing days)`}
        actions={
          <Link className="btn" to={explorerLink({})}>
            Open cost explorer
          </Link>
        }
      />
      <ErrorNotice error={summary.error ?? daily.error} onRetry={() => (summary.reload(), daily.reload())} />
      {noData ? (
        <Empty title="No cost data yet">
          Connect an AWS account under <Link to="/accounts">Accounts</Link>; its billing history appears after
          the first sync.
        </Empty>
      ) : null}
      <div className="grid grid-4">
        <Kpi
          label="Month to date"
          testId="mtd-total"
          value={
            sum ? money(sum.monthToDate.total, sum.currency) : summary.error ? '—' : <Skeleton height={30} />
          }
          sub={
            sum?.dataThrough && sum.monthToDate.to < sum.monthToDate.from ? (
              <>No data for this month yet, data through {day(sum.dataThrough)}</>
            ) : sum && delta ? (
              <>
                <span className={`delta-${delta.direction}`}>{delta.text}</span> vs{' '}
                {money(sum.samePeriodLastMonth.total, sum.currency)} in the same days of last month
                {sum.dataThrough ? <>, data through {day(sum.dataThrough)}</> : null}
              </>
            ) : null
          }
        />
        <Kpi
          label="Last month"
          testId="last-month-total"
          value={
            sum ? money(sum.lastMonth.total, sum.currency) : summary.error ? '—' : <Skeleton height={30} />
          }
          sub={sum ? `${day(sum.lastMonth.from, true)} – ${day(sum.lastMonth.to, true)}` : null}
        />
        <ForecastKpi />
        <SavingsPanel />
      </div>
      <PinnedViews />
      <section className="panel" aria-labelledby="daily-title">
        <div className="panel-head">
          <h2 id="daily-title">Daily cost, last 30 days, by service</h2>
          {days?.pending.length && days.shown.length ? (
            <span className="muted small" data-testid="chart-no-data">
              data through {day(days.shown[days.shown.length - 1])}; {pendingText(days.pending)}: no data yet
            </span>
          ) : null}
          <Link to={explorerLink({ from: chartFrom, to: t, granularity: 'day', groupBy: ['service'] })}>
            Explore
          </Link>
        </div>
        {!a && daily.loading ? <Skeleton height={300} /> : null}
        {a && chart ? (
          <LazyCostChart
            data={chart}
            currency={cur}
            granularity="day"
            label="Daily cost of the last 30 days by service"
          />
        ) : null}
      </section>
      <div className="grid grid-3">
        <section className="panel" aria-labelledby="top-services-title">
          <div className="panel-head">
            <h2 id="top-services-title">Top services this month</h2>
          </div>
          {top ? (
            top.length ? (
              <RankList
                items={top.map((s) => ({
                  ...s,
                  text: money(s.value, cur),
                  href: explorerLink({
                    from: thisMonth,
                    to: t,
                    groupBy: ['account'],
                    filters: [{ dimension: 'service', value: s.label, exclude: false }],
                  }),
                }))}
              />
            ) : (
              <Empty title="No cost this month yet" />
            )
          ) : (
            <Skeleton />
          )}
        </section>
        <section className="panel" aria-labelledby="top-accounts-title">
          <div className="panel-head">
            <h2 id="top-accounts-title">Top accounts this month</h2>
          </div>
          <ErrorNotice error={accounts.error} />
          {accounts.data ? (
            accounts.data.groups.length ? (
              <RankList
                items={accounts.data.groups.map((g) => ({
                  label: g.label,
                  value: g.total,
                  text: money(g.total, accounts.data?.currency),
                  href: g.key.account
                    ? explorerLink({
                        from: thisMonth,
                        to: t,
                        groupBy: ['service'],
                        filters: [{ dimension: 'account', value: g.key.account, exclude: false }],
                      })
                    : undefined,
                }))}
              />
            ) : (
              <Empty title="No cost this month yet" />
            )
          ) : (
            <Skeleton />
          )}
        </section>
        <section className="panel" aria-labelledby="anomalies-title">
          <div className="panel-head">
            <h2 id="anomalies-title">Anomalies, last 30 days</h2>
            <Link to="/anomalies">All anomalies</Link>
          </div>
          <ErrorNotice error={anomalies.error} />
          {anomalies.data ? (
            anomalies.data.items.length ? (
              <ul className="list-plain anomaly-list">
                {anomalies.data.items.map((x) => (
                  <li key={x.id}>
                    <div className="row">
                      <AnomalyChange anomaly={x} />
                      <Link className="wrap anomaly-link" to={anomalyHref(x)}>
                        {x.label}
                      </Link>
                      <span className="spacer" />
                      <span className="muted small">{day(x.date)}</span>
                    </div>
                    <div className="muted small">
                      {money(x.actual, x.currency)} against an expected {money(x.expected, x.currency)} (
                      {x.dimension})
                    </div>
                  </li>
                ))}
              </ul>
            ) : (
              <Empty title="No anomalies">Daily costs stayed within their usual range.</Empty>
            )
          ) : anomalies.loading ? (
            <Skeleton />
          ) : null}
        </section>
      </div>
    </div>
  );
}
