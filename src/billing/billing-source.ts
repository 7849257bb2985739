/**
 * The seam between the neutral billing service and a provider's billing sources. A provider lists its sources
 * (`Provider.billingSources`, src/providers/provider.ts); each one loads an account's bill into `cost_line_items`,
 * `cost_daily` and `billing_periods` with the kit the billing service gives it, and with the neutral parts of
 * this folder: the columns (line-item-columns.ts), the period writer (period-writer.ts: one transaction per
 * period on either engine), the period lock (period-lock.ts), the rollup (rollup.ts), retention (retention.ts)
 * and diagnostics (diagnostics.ts).
 */
import type { Clock } from '../lib/clock.js';
import type { Log } from '../lib/log.js';
import type { Store } from '../store/store.js';

/** What every billing source loads with: the store, where scratch files go, and the load limits. */
export interface BillingKit {
  store: Store;
  log: Log;
  clock: Clock;
  /** Each load makes (and always removes) its own sub-folder here, named `billing-<pid>-…`. */
  tmpRoot: string;
  /** Parallel downloads per period (default 4). */
  downloadConcurrency?: number;
  /** Memory limit of a scratch DuckDB that inspects files and normalizes for PostgreSQL (default 512MB). */
  scratchMemoryLimit?: string;
}

/**
 * Where the bill of an account comes from (AWS: a CUR 2.0 or legacy CUR export, or the Cost Explorer API; a
 * FOCUS export in any S3-compatible bucket). `Input` and `Result` are the source's own: the provider's billing
 * stage builds the input from the account's connection and reads the result.
 */
export interface BillingSource<Input = never, Result = unknown> {
  id: string;
  label: string;
  /** The connection types that read their bill from this source. */
  connectionTypes: readonly string[];
  /** Loads the account's bill from this source (called through `BillingService.syncSource`). */
  sync(kit: BillingKit, input: Input): Promise<Result>;
}
