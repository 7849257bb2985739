import type { ReactNode } from 'react';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { day, money, moneyCompact } from '../format';

export interface ForecastRow {
  date: string;
  actual?: number;
  forecast?: number;
  /** The 80% interval of the forecast, [lower, upper]. */
  range?: [number, number];
}

function ForecastTooltip(props: {
  active?: boolean;
  payload?: readonly { payload?: ForecastRow }[];
  currency: string;
}): ReactNode {
  const row = props.payload?.[0]?.payload;
  if (!props.active || !row) return null;
  return (
    <div className="chart-tooltip">
      <div className="chart-tooltip-title">
        {day(row.date, true)} <span className="muted">(UTC)</span>
      </div>
      {row.actual !== undefined ? <div>Actual {money(row.actual, props.currency)}</div> : null}
      {row.forecast !== undefined ? <div>Forecast {money(row.forecast, props.currency)}</div> : null}
      {row.range ? (
        <div className="muted">
          80% range {money(row.range[0], props.currency)} – {money(row.range[1], props.currency)}
        </div>
      ) : null}
    </div>
  );
}

/** Daily actual cost as a solid line, the forecast dashed, and its 80% interval as a band (loaded on demand). */
export default function ForecastChart(props: {
  rows: ForecastRow[];
  currency: string;
  label: string;
  height?: number;
}): ReactNode {
  return (
    <figure className="chart" aria-label={props.label} role="img">
      <ResponsiveContainer width="100%" height={props.height ?? 320}>
        <ComposedChart data={props.rows} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid vertical={false} stroke="var(--grid)" />
          <XAxis
            dataKey="date"
            tickFormatter={(v: string) => day(v)}
            tick={{ fontSize: 12, fill: 'var(--muted)' }}
            tickLine={false}
            axisLine={{ stroke: 'var(--border)' }}
            minTickGap={24}
          />
          <YAxis
            tickFormatter={(v: number) => moneyCompact(v, props.currency)}
            tick={{ fontSize: 12, fill: 'var(--muted)' }}
            tickLine={false}
            axisLine={false}
            width={64}
          />
          <Tooltip
            content={(p) => (
              <ForecastTooltip active={p.active} payload={p.payload} currency={props.currency} />
            )}
          />
          <Legend
            wrapperStyle={{ fontSize: 12 }}
            formatter={(value) => <span className="chart-legend-text">{String(value)}</span>}
          />
          <Area
            dataKey="range"
            name="80% interval"
            stroke="none"
            fill="var(--forecast-band)"
            isAnimationActive={false}
          />
          <Line
            dataKey="actual"
            name="Actual"
            stroke="var(--primary)"
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
          <Line
            dataKey="forecast"
            name="Forecast"
            stroke="var(--forecast-line)"
            strokeWidth={2}
            strokeDasharray="5 4"
            dot={false}
            isAnimationActive={false}
          />
        </ComposedChart>
      </ResponsiveContainer>
      <figcaption className="sr-only">{props.label}</figcaption>
    </figure>
  );
}
