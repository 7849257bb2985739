import { useMemo, type ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import { addDays, addMonths, monthStart } from '../../../src/lib/dates';
import { ErrorNotice, Loading, PageHeader, Skeleton } from '../components/Feedback';
import { Kpi } from '../components/Kpi';
import { LazyForecastChart } from '../components/LazyForecastChart';
import type { ForecastRow } from '../components/ForecastChart';
import { today } from '../cost-view';
import { day, money, month } from '../format';
import { useApi } from '../hooks';
import { BasisPicker, basisLabel, basisParam } from '../components/BasisPicker';
import type { CostAnswer, ForecastAnswer } from '../types';
import { ForecastBreakdown, FORECAST_DIMENSIONS, useDimensionValues } from './forecast/ForecastBreakdown';

/** Actual days (from the start of last month) then the forecast days with their interval, one row a day. */
function chartRows(actual: CostAnswer | undefined, f: ForecastAnswer): ForecastRow[] {
  const rows: ForecastRow[] = [];
  for (const p of actual?.periods ?? []) {
    if (f.dataThrough && p > f.dataThrough) continue;
    const cost = (actual?.groups ?? []).reduce(
      (s, g) => s + (g.series.find((x) => x.period === p)?.cost ?? 0),
      0,
    );
    rows.push({ date: p, actual: cost });
  }
  // The forecast line starts at the last actual day, so the two lines meet.
  const last = rows.at(-1);
  if (last?.actual !== undefined) {
    last.forecast = last.actual;
    last.range = [last.actual, last.actual];
  }
  for (const d of f.daily) rows.push({ date: d.date, forecast: d.cost, range: [d.lower, d.upper] });
  return rows;
}

/**
 * The forecast of this month and the next three, with the 80% interval, for the whole organization or one value
 * of a dimension (a service, an account, a region), and this month's forecast split by that dimension. The method
 * used is stated under the chart.
 */
export default function ForecastPage(): ReactNode {
  const t = today();
  const [params, setParams] = useSearchParams();
  const basis = basisParam(params);
  const dimension = FORECAST_DIMENSIONS.find((d) => d.id === params.get('by'))?.id ?? '';
  const value = dimension ? (params.get('value') ?? '') : '';
  const filter = dimension && value ? [`${dimension}=${value}`] : undefined;
  const f = useApi<ForecastAnswer>('/api/v1/costs/forecast', { basis, months: 3, filter });
  const actualFrom = addMonths(monthStart(t), -1);
  const actual = useApi<CostAnswer>('/api/v1/costs', {
    from: actualFrom,
    to: t,
    granularity: 'day',
    basis,
    filter,
    currency: f.data?.currency,
  });
  const values = useDimensionValues(dimension, basis, t);
  const rows = useMemo(() => (f.data ? chartRows(actual.data, f.data) : undefined), [actual.data, f.data]);
  const cur = f.data?.currency ?? 'USD';
  const set = (patch: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };
  const subject = value
    ? (values.data?.values.find((v) => v.value === value)?.label ?? value)
    : 'all accounts and services';
  const thisMonth = f.data?.periods[0];
  const lastDay = f.data?.periods.at(-1)?.to;

  return (
    <div className="page">
      <PageHeader
        title="Forecast"
        subtitle={`${basisLabel(basis)} cost of ${subject}: this month and the next three, with an 80% interval`}
      />
      <form className="panel filters" aria-label="Forecast of" onSubmit={(e) => e.preventDefault()}>
        <BasisPicker value={basis} onChange={(v) => set({ basis: v === 'billed' ? '' : v })} />
        <label className="field">
          <span>By</span>
          <select value={dimension} onChange={(e) => set({ by: e.target.value, value: '' })}>
            <option value="">Total</option>
            {FORECAST_DIMENSIONS.map((d) => (
              <option key={d.id} value={d.id}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
        {dimension ? (
          <label className="field">
            <span>{FORECAST_DIMENSIONS.find((d) => d.id === dimension)?.label}</span>
            <select value={value} onChange={(e) => set({ value: e.target.value })}>
              <option value="">All (split below)</option>
              {(values.data?.values ?? [])
                .filter((v) => v.value !== null)
                .map((v) => (
                  <option key={v.value} value={v.value ?? ''}>
                    {v.label}
                  </option>
                ))}
            </select>
          </label>
        ) : null}
      </form>
      <ErrorNotice error={f.error ?? actual.error} onRetry={() => (f.reload(), actual.reload())} />
      <div className="grid grid-3">
        <Kpi
          label="This month"
          testId="forecast-month"
          value={thisMonth ? money(thisMonth.total, cur) : <Skeleton height={30} />}
          sub={
            thisMonth
              ? `80% range ${money(thisMonth.lower, cur)} – ${money(thisMonth.upper, cur)}; ${money(thisMonth.actual, cur)} so far`
              : null
          }
        />
        <Kpi
          label="Next three months"
          value={
            f.data ? (
              money(
                f.data.periods.slice(1).reduce((s, p) => s + p.total, 0),
                cur,
              )
            ) : (
              <Skeleton height={30} />
            )
          }
          sub={lastDay ? `through ${day(lastDay, true)}` : null}
        />
        <Kpi
          label="Data through"
          value={
            f.data?.dataThrough ? (
              day(f.data.dataThrough, true)
            ) : f.data ? (
              'No data'
            ) : (
              <Skeleton height={30} />
            )
          }
          sub="actual up to this day, forecast after it"
        />
      </div>
      <section className="panel" aria-labelledby="forecast-chart-title">
        <div className="panel-head">
          <h2 id="forecast-chart-title">Daily cost, actual and forecast</h2>
        </div>
        {rows ? (
          <LazyForecastChart
            rows={rows}
            currency={cur}
            label={`Daily cost of ${subject} from ${day(actualFrom, true)}, actual then forecast with an 80% interval`}
          />
        ) : f.loading ? (
          <Skeleton height={320} />
        ) : null}
        {f.data ? (
          <p className="muted small" data-testid="forecast-method">
            Method: {f.data.method}
            {f.data.fittedOn
              ? ` Fitted on ${f.data.fittedOn.days} days, ${day(f.data.fittedOn.from, true)} to ${day(f.data.fittedOn.to, true)}.`
              : ''}
          </p>
        ) : null}
      </section>
      <section className="panel" aria-labelledby="forecast-months-title">
        <div className="panel-head">
          <h2 id="forecast-months-title">By month</h2>
        </div>
        {f.data ? (
          <div className="table-wrap" tabIndex={0}>
            <table className="table" data-testid="forecast-table">
              <thead>
                <tr>
                  <th>Month</th>
                  <th className="num">Actual</th>
                  <th className="num">Forecast</th>
                  <th className="num">Total</th>
                  <th className="num">80% interval</th>
                </tr>
              </thead>
              <tbody>
                {f.data.periods.map((p) => (
                  <tr key={p.month}>
                    <td>{month(p.from)}</td>
                    <td className="num">{money(p.actual, cur)}</td>
                    <td className="num">{money(p.forecast, cur)}</td>
                    <td className="num">
                      <strong>{money(p.total, cur)}</strong>
                    </td>
                    <td className="num nowrap">
                      {money(p.lower, cur)} – {money(p.upper, cur)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <Loading what="the forecast" />
        )}
      </section>
      {dimension && !value ? (
        <ForecastBreakdown
          dimension={dimension}
          basis={basis}
          values={(values.data?.values ?? []).slice(0, 6)}
          from={addDays(t, -89)}
        />
      ) : null}
    </div>
  );
}
