import type { ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { day, money, moneyCompact, month } from '../format';

/** A colour-blind-friendly palette (Okabe–Ito plus tints); "Other" is always grey. */
export const PALETTE = [
  '#2563eb',
  '#e69f00',
  '#009e73',
  '#cc79a7',
  '#56b4e9',
  '#d55e00',
  '#7c3aed',
  '#0f766e',
  '#f0c808',
  '#be123c',
];
export const OTHER = 'Other';
const OTHER_COLOR = '#a3a9b5';

export function seriesColor(name: string, index: number): string {
  return name === OTHER ? OTHER_COLOR : PALETTE[index % PALETTE.length];
}

export interface ChartRow {
  period: string;
  [series: string]: number | string;
}

export interface StackedSeries {
  rows: ChartRow[];
  series: string[];
}

/**
 * Turns (period, group, amount) points into one row per period with the `max` largest groups as their own
 * series and the rest summed into "Other", so that a chart stays readable with a hundred services.
 */
export function stackSeries(
  points: { period: string; group: string; amount: number }[],
  periods: string[],
  max = 8,
): StackedSeries {
  const totals = new Map<string, number>();
  for (const p of points) totals.set(p.group, (totals.get(p.group) ?? 0) + p.amount);
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([g]) => g);
  const keep = new Set(ranked.length > max ? ranked.slice(0, max - 1) : ranked);
  const series = ranked.filter((g) => keep.has(g));
  if (ranked.length > keep.size) series.push(OTHER);
  const byPeriod = new Map<string, ChartRow>();
  for (const period of periods) {
    const row: ChartRow = { period };
    for (const s of series) row[s] = 0;
    byPeriod.set(period, row);
  }
  for (const p of points) {
    let row = byPeriod.get(p.period);
    if (!row) {
      row = { period: p.period };
      for (const s of series) row[s] = 0;
      byPeriod.set(p.period, row);
    }
    const key = keep.has(p.group) ? p.group : OTHER;
    row[key] = (row[key] as number) + p.amount;
  }
  const rows = [...byPeriod.values()].sort((a, b) => a.period.localeCompare(b.period));
  return { rows, series };
}

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

/** A stacked bar chart of cost per period, one colour per series. */
export function CostChart(props: {
  data: StackedSeries;
  currency: string;
  granularity: 'day' | 'month';
  height?: number;
  label: string;
}): ReactNode {
  const { data, currency, granularity } = props;
  return (
    <figure className="chart" aria-label={props.label} role="img">
      <ResponsiveContainer width="100%" height={props.height ?? 300}>
        <BarChart data={data.rows} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
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
          <Legend iconType="square" wrapperStyle={{ fontSize: 12 }} />
          {data.series.map((s, i) => (
            <Bar
              key={s}
              dataKey={s}
              name={s}
              stackId="cost"
              fill={seriesColor(s, i)}
              isAnimationActive={false}
              maxBarSize={48}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="sr-only">{props.label}</figcaption>
    </figure>
  );
}
