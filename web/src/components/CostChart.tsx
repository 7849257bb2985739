import type { ReactNode } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { day, money, moneyCompact, month } from '../format';
import { seriesColors, type StackedSeries } from './chart-data';

interface TooltipEntry {
  dataKey?: unknown;
  name?: unknown;
  value?: unknown;
  color?: string;
}

function ChartTooltip(props: {
  active?: boolean;
  payload?: readonly TooltipEntry[];
  label?: unknown;
  currency: string;
  granularity: 'day' | 'month';
}): ReactNode {
  if (!props.active || !props.payload?.length) return null;
  const label = String(props.label ?? '');
  const entries = props.payload.filter((p) => Number(p.value) !== 0);
  const total = props.payload.reduce((s, p) => s + Number(p.value ?? 0), 0);
  return (
    <div className="chart-tooltip">
      <div className="chart-tooltip-title">
        {props.granularity === 'month' ? month(label) : day(label, true)}
        {props.granularity === 'day' ? <span className="muted"> (UTC)</span> : null}
      </div>
      <table>
        <tbody>
          {[...entries].reverse().map((p) => (
            <tr key={String(p.dataKey)}>
              <td>
                <span className="swatch" style={{ background: p.color }} />
                {String(p.name)}
              </td>
              <td className="num">{money(Number(p.value), props.currency)}</td>
            </tr>
          ))}
          <tr className="chart-tooltip-total">
            <td>Total</td>
            <td className="num">{money(total, props.currency)}</td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}

/** A stacked bar chart of cost per period, one colour per series (loaded on demand: it carries the chart library). */
export default function CostChart(props: {
  data: StackedSeries;
  currency: string;
  granularity: 'day' | 'month';
  height?: number;
  label: string;
  /** A period to point out (an anomaly's day), with a line and a label. */
  marker?: { period: string; label: string };
}): ReactNode {
  const { data, currency, granularity } = props;
  const colors = seriesColors(data.series);
  return (
    <figure className="chart" aria-label={props.label} role="img">
      <ResponsiveContainer width="100%" height={props.height ?? 300}>
        <BarChart data={data.rows} margin={{ top: props.marker ? 22 : 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid vertical={false} stroke="var(--grid)" />
          <XAxis
            dataKey="period"
            tickFormatter={(v: string) => (granularity === 'month' ? month(v) : day(v))}
            tick={{ fontSize: 12, fill: 'var(--muted)' }}
            tickLine={false}
            axisLine={{ stroke: 'var(--border)' }}
            minTickGap={16}
          />
          <YAxis
            tickFormatter={(v: number) => moneyCompact(v, currency)}
            tick={{ fontSize: 12, fill: 'var(--muted)' }}
            tickLine={false}
            axisLine={false}
            width={64}
          />
          <Tooltip
            cursor={{ fill: 'var(--hover)' }}
            content={(p) => (
              <ChartTooltip
                active={p.active}
                payload={p.payload}
                label={p.label}
                currency={currency}
                granularity={granularity}
              />
            )}
          />
          {/* The swatch carries the series' colour; the name is in the text colour (a yellow or grey name on white
              would fall short of 4.5:1). */}
          <Legend
            iconType="square"
            wrapperStyle={{ fontSize: 12 }}
            formatter={(value) => <span className="chart-legend-text">{String(value)}</span>}
          />
          {data.series.map((s) => (
            <Bar
              key={s}
              dataKey={s}
              name={s}
              stackId="cost"
              fill={colors.get(s)}
              isAnimationActive={false}
              maxBarSize={48}
            />
          ))}
          {props.marker ? (
            <ReferenceLine
              x={props.marker.period}
              stroke="var(--text)"
              strokeDasharray="4 3"
              label={{ value: props.marker.label, position: 'top', fill: 'var(--text)', fontSize: 12 }}
            />
          ) : null}
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="sr-only">{props.label}</figcaption>
    </figure>
  );
}
