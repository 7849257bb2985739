import { loadScenario, type Scenario } from '../../sim/index.js';

/** Days of the benchmark month with data (the simulator's clock is on the 31st). */
export const BENCH_DAYS = 30;
export const BENCH_NOW = '2025-03-31T12:00:00Z';
export const BENCH_BUCKET = 'small-cur';

/** The benchmark's export formats: CUR 2.0 Parquet, CUR 2.0 gzip CSV, legacy CUR gzip CSV. */
export type BenchFormat = 'parquet' | 'csv' | 'legacy';
export const BENCH_FORMATS: readonly BenchFormat[] = ['parquet', 'csv', 'legacy'];

/**
 * A one-month organization whose bill has about `rows` line items (daily granularity: one line per
 * resource and day), written as CUR 2.0 Parquet, CUR 2.0 gzip CSV and legacy CUR gzip CSV (or only the
 * formats asked for). Every export holds the same bill.
 */
export function benchScenario(rows: number, formats: readonly BenchFormat[]): Scenario {
  const base = loadScenario('small');
  return loadScenario({
    ...base,
    name: `bench-${rows}`,
    months: 1,
    now: BENCH_NOW,
    size: { fillerResources: Math.max(1, Math.round(rows / BENCH_DAYS)) },
    exports: formats.map((format) => ({
      name: `bench-${format}`,
      type: format === 'legacy' ? 'legacy' : 'cur2',
      format: format === 'legacy' ? 'csv' : format,
      bucket: BENCH_BUCKET,
      prefix: 'bench',
      payerAccountId: base.organization.payerAccountId,
      granularity: 'daily',
      resourceIds: true,
      mode: 'overwrite',
      discounts: 'on-line',
      staleRefreshes: 0,
    })),
  });
}
