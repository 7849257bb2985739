import { useEffect, useState, type ReactNode } from 'react';
import { addDays } from '../../../../src/lib/dates';
import { api } from '../../api';
import { ErrorNotice, Loading } from '../../components/Feedback';
import { money, month } from '../../format';
import { useApi } from '../../hooks';
import type { CostBasis, ForecastAnswer } from '../../types';

export const FORECAST_DIMENSIONS = [
  { id: 'service', label: 'Service' },
  { id: 'account', label: 'Account' },
  { id: 'region', label: 'Region' },
] as const;

interface DimensionValues {
  values: { value: string | null; label: string; cost: number }[];
}

/** The values of a dimension with the most cost over the last 90 days (null: no dimension chosen). */
export function useDimensionValues(dimension: string, basis: CostBasis, t: string) {
  return useApi<DimensionValues>(dimension ? `/api/v1/costs/dimensions/${dimension}/values` : null, {
    from: addDays(t, -89),
    to: t,
    basis,
    limit: 50,
  });
}

/** Each of the largest values' own forecast for this month and the next three. */
export function ForecastBreakdown(props: {
  dimension: string;
  basis: CostBasis;
  values: DimensionValues['values'];
  from: string;
}): ReactNode {
  // The answer names the question it answers, so that a new question shows nothing until its own answer arrives.
  const [answer, setAnswer] = useState<{
    key: string;
    rows?: { label: string; f: ForecastAnswer }[];
    error?: unknown;
  }>();
  const key = JSON.stringify([props.dimension, props.basis, props.values.map((v) => v.value)]);
  useEffect(() => {
    const controller = new AbortController();
    const shown = props.values.filter((v) => v.value !== null);
    Promise.all(
      shown.map((v) =>
        api
          .get<ForecastAnswer>(
            '/api/v1/costs/forecast',
            { basis: props.basis, months: 3, filter: [`${props.dimension}=${v.value ?? ''}`] },
            controller.signal,
          )
          .then((f) => ({ label: v.label, f })),
      ),
    )
      .then((rows) => setAnswer({ key, rows }))
      .catch((err: unknown) => controller.signal.aborted || setAnswer({ key, error: err }));
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` holds the dimension, basis and values by value
  }, [key]);
  const rows = answer?.key === key ? answer.rows : undefined;
  const error = answer?.key === key ? answer.error : undefined;
  const label = FORECAST_DIMENSIONS.find((d) => d.id === props.dimension)?.label ?? props.dimension;
  const months = rows?.[0]?.f.periods ?? [];
  return (
    <section className="panel" aria-labelledby="forecast-split-title">
      <div className="panel-head">
        <h2 id="forecast-split-title">By {label.toLowerCase()}, the largest of the last 90 days</h2>
      </div>
      <ErrorNotice error={error} />
      {rows ? (
        <div className="table-wrap" tabIndex={0}>
          <table className="table" data-testid="forecast-split">
            <thead>
              <tr>
                <th>{label}</th>
                {months.map((p) => (
                  <th key={p.month} className="num">
                    {month(p.from)}
                  </th>
                ))}
                <th>Method</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.label}>
                  <td className="wrap">{r.label}</td>
                  {r.f.periods.map((p) => (
                    <td
                      key={p.month}
                      className="num"
                      title={`80% range ${money(p.lower, r.f.currency)} – ${money(p.upper, r.f.currency)}`}
                    >
                      {money(p.total, r.f.currency)}
                    </td>
                  ))}
                  <td className="muted small">{r.f.model}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : error ? null : (
        <Loading what={`the forecast by ${label.toLowerCase()}`} />
      )}
    </section>
  );
}
