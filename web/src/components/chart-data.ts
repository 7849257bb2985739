/** Chart data shaping, kept apart from the chart component so that pages can use it without the chart library. */

/**
 * A colour-blind-friendly palette (Okabe–Ito plus tints), as the CSS variables of styles.css so that each theme
 * draws its own shade; "Other" is always grey.
 */
export const PALETTE = Array.from({ length: 10 }, (_, i) => `var(--series-${i})`);
export const OTHER = 'Other';
const OTHER_COLOR = 'var(--series-other)';

/** The palette slot a name prefers: a hash of the name, so that a service has its colour on every chart and page. */
export function colorSlot(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h % PALETTE.length;
}

/**
 * One colour per series of a chart: each name takes the colour of its own slot (the same on every chart and page);
 * when a larger series of the same chart already has it, the next free one. "Other" is always grey.
 */
export function seriesColors(series: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<number>();
  for (const name of series) {
    if (name === OTHER) {
      out.set(name, OTHER_COLOR);
      continue;
    }
    let slot = colorSlot(name);
    for (let n = 0; n < PALETTE.length && taken.has(slot); n++) slot = (slot + 1) % PALETTE.length;
    taken.add(slot);
    out.set(name, PALETTE[slot]);
  }
  return out;
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
