/** CSV renderings of the cost answers: one row per period and group, ready for a spreadsheet. */
import type { CostAnomaly } from './anomalies.js';
import type { CostAnswer } from './cost-answer.js';
import type { ForecastAnswer } from './cost-service.js';
import { toCsv } from '../lib/csv.js';

/** One row per period and group with a cost (zero rows left out); the "other" group's dimensions read `(other)`. */
export function costAnswerCsv(a: CostAnswer): string {
  const header = ['period', ...a.groupBy, 'label', 'cost', 'currency', 'basis'];
  const rows: (string | number | null)[][] = [];
  for (let i = 0; i < a.periods.length; i++) {
    for (const g of a.groups) {
      const cost = g.series[i].cost;
      if (cost === 0) continue;
      const keys = a.groupBy.map((n) => (g.other ? '(other)' : g.key[n]));
      rows.push([a.periods[i], ...keys, g.label, cost, a.currency, a.basis]);
    }
  }
  return toCsv(header, rows);
}

export function anomaliesCsv(items: readonly CostAnomaly[]): string {
  return toCsv(
    [
      'date',
      'dimension',
      'key',
      'label',
      'actual',
      'expected',
      'change',
      'change_percent',
      'direction',
      'currency',
      'top_driver',
    ],
    items.map((x) => [
      x.date,
      x.dimension,
      x.key,
      x.label,
      x.actual,
      x.expected,
      x.change,
      x.changePercent,
      x.direction,
      x.currency,
      x.drivers[0] ? [x.drivers[0].resourceId, x.drivers[0].usageType].filter(Boolean).join(' ') : null,
    ]),
  );
}

export function forecastCsv(f: ForecastAnswer): string {
  return toCsv(
    ['date', 'forecast', 'lower', 'upper', 'currency', 'basis'],
    f.daily.map((d) => [d.date, d.cost, d.lower, d.upper, f.currency, f.basis]),
  );
}
