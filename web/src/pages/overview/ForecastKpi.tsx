import type { ReactNode } from 'react';
import { Skeleton } from '../../components/Feedback';
import { Kpi } from '../../components/Kpi';
import { day, money } from '../../format';
import { useApi } from '../../hooks';
import type { ForecastAnswer } from '../../types';

/** The forecast total of the current month with its 80% interval; the method is in the tooltip. */
export function ForecastKpi(): ReactNode {
  const f = useApi<ForecastAnswer>('/api/v1/costs/forecast', { basis: 'billed' });
  const period = f.data?.periods[0];
  return (
    <Kpi
      title={f.data?.method}
      label="Forecast for the month"
      testId="forecast-total"
      value={period ? money(period.total, f.data?.currency) : f.error ? '—' : <Skeleton height={30} />}
      sub={
        f.error ? (
          <span className="muted">{f.error instanceof Error ? f.error.message : 'No forecast'}</span>
        ) : period ? (
          <>
            80% range {money(period.lower, f.data?.currency)} – {money(period.upper, f.data?.currency)}
            {f.data?.dataThrough ? <>, data through {day(f.data.dataThrough)}</> : null}
          </>
        ) : null
      }
    />
  );
}
