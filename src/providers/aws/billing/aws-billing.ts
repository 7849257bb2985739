/**
 * AWS's billing sources, as the AWS provider lists them (`billingSources`), and the billing service with their
 * loads by name (`syncExport`, `syncCostExplorer`) for the AWS stage, tests and benchmarks.
 */
import {
  createBillingService,
  type BillingService,
  type BillingServiceDeps,
} from '../../../billing/billing-service.js';
import {
  costExplorerSource,
  type SyncCostExplorerInput,
  type SyncCostExplorerResult,
} from './cost-explorer-source.js';
import { cur2Source, legacyCurSource, type SyncExportInput, type SyncExportResult } from './export-source.js';

export type { SyncCostExplorerInput, SyncCostExplorerResult, SyncExportInput, SyncExportResult };
export type { PeriodResult, LoadProgress } from './period-loader.js';
export type { ExportLocation } from './manifests.js';
export type { S3 } from './s3-files.js';
export type { CostExplorer } from './cost-explorer.js';

/** In the order a connection type's source is looked up. */
export const AWS_BILLING_SOURCES = [cur2Source, legacyCurSource, costExplorerSource] as const;

/** The source of an export of this type (`cur2` or `legacy`). */
export function exportSourceOf(type: 'cur2' | 'legacy') {
  return type === 'legacy' ? legacyCurSource : cur2Source;
}

export interface AwsBilling {
  syncExport(input: SyncExportInput): Promise<SyncExportResult>;
  syncCostExplorer(input: SyncCostExplorerInput): Promise<SyncCostExplorerResult>;
}

/** AWS's loads through the given billing service (which dispatches to the source). */
export function awsBillingOf(billing: Pick<BillingService, 'syncSource'>): AwsBilling {
  return {
    syncExport: (input) => billing.syncSource(exportSourceOf(input.export.type), input),
    syncCostExplorer: (input) => billing.syncSource(costExplorerSource, input),
  };
}

export type AwsBillingService = BillingService & AwsBilling;

/** A billing service with AWS's loads by name. */
export function createAwsBillingService(deps: BillingServiceDeps): AwsBillingService {
  const billing = createBillingService(deps);
  return { ...billing, ...awsBillingOf(billing) };
}
