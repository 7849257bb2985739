/**
 * What a cloud brings to Cloudtally. The provider-neutral domains (accounts, billing, inventory, recommendations,
 * sync) reach a cloud only through this interface, found by the account's `provider` in the registry
 * (registry.ts). A provider lives in its own folder, `src/providers/<id>/`; README.md beside this file says how
 * one is added.
 */
import type { z } from 'zod';
import type { AccountConnector } from '../accounts/account-connector.js';
import type { AccountService } from '../accounts/account-service.js';
import type { BillingService } from '../billing/billing-service.js';
import type { BillingSource } from '../billing/billing-source.js';
import type { CommitmentReader, CommitmentSink } from '../commitments/commitment-types.js';
import type { InventoryService } from '../inventory/inventory-service.js';
import type { BillMatch } from '../inventory/resource-costs.js';
import type { Rule } from '../recommendations/rule-kit.js';
import type { Dialect, Queryable, Store } from '../store/store.js';
import type { Clock } from '../lib/clock.js';
import type { Log } from '../lib/log.js';
import type { SyncStages } from '../sync/sync-types.js';

/** One kind of connection a user can create (AWS: assumed role, payer keys, member, Cost Explorer). */
export interface ConnectionKind {
  type: string;
  label: string;
}

/** How a user connects an account of this cloud, and how Cloudtally checks that the connection works. */
export interface ConnectionSpec {
  kinds: readonly ConnectionKind[];
  /** The body of `POST /api/v1/cloud-accounts` for this provider (camelCase, the outside contract). */
  createSchema: z.ZodType;
  /** The body of `PATCH /api/v1/cloud-accounts/:id`. */
  updateSchema: z.ZodType;
  /** The steps of a validation, in the order they run; each report step names one of them. */
  validationSteps: readonly string[];
  /**
   * The provider-specific connection fields stored in `cloud_accounts.connection` (a JSON document), parsed from
   * its text. Unknown or missing fields take their defaults, so documents written by older versions still read.
   */
  document: z.ZodType;
  /** The connector the accounts service calls to connect, edit and check an account of this cloud. */
  connector(deps: ConnectorDeps): AccountConnector;
}

/** What a provider's connector is built from (by the composition root). */
export interface ConnectorDeps {
  store: Store;
  clients: ProviderClients;
  clock: Clock;
  log: Log;
  /** The default region (AWS: discovery checks of accounts without an export region). */
  region: string;
  /** Months of billing history a sync loads. */
  retentionMonths: number;
}

/**
 * Where the bill of an account comes from (AWS: CUR 2.0 or legacy CUR export, or the Cost Explorer API): its
 * `sync` loads with the neutral billing kit, called through `BillingService.syncSource` (src/billing/billing-source.ts).
 */
export type { BillingSource };

/** One kind of resource the inventory finds, and whether it collects utilization metrics for it. */
export interface InventoryScanner {
  resourceType: string;
  label: string;
  metrics: boolean;
}

/** What a user needs to do in the cloud before connecting (policies, templates), as the setup route shows it. */
export interface SetupHelp {
  /** The route that answers it, under /api/v1 (AWS: `/setup/aws`). */
  route: string;
  /** The policy documents a connection type needs, with the caller's options filled in. */
  policies(type: string, options?: Record<string, unknown>): unknown;
}

/**
 * Each provider's SDK client factory, by provider id. The interface is empty here: a provider adds its member by
 * declaration merging in its own folder (AWS: `aws` in aws/sdk/client-factory.ts), and registry.ts builds them.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ProviderClients {}

/** The services of the composition root that a provider's sync stages call, as the few methods used. */
export interface ProviderServices {
  store: Queryable;
  clients: ProviderClients;
  /** Months of billing history kept and loaded. */
  retentionMonths: number;
  accounts: Pick<AccountService, 'validate' | 'connectionFor' | 'find' | 'nativeIds' | 'shownDiagnostics'>;
  billing: Pick<BillingService, 'syncSource'>;
  inventory: Pick<InventoryService, 'scanAccount' | 'collectMetrics' | 'linkCosts'>;
  /** The recommendation engine (typed here by shape: the engine itself finds rules through the registry). */
  recommendations: {
    runForAccount(input: { orgId: string; cloudAccountId: string; signal?: AbortSignal }): Promise<{
      opened: number;
      closed: number;
      updated: number;
      unchanged: number;
      skipped: string[];
    }>;
  };
  /** After billing loaded periods: recompute what is judged from the figures (anomalies). */
  afterLoad?: (orgId: string) => Promise<unknown>;
  /** After the anomalies: evaluate budgets over the new figures. */
  evaluateBudgets?: (orgId: string) => Promise<unknown>;
  /** Where commitments read from a cloud's API (not from line items) are kept. */
  commitments?: CommitmentSink;
}

/**
 * One cloud. `createStages` builds the sync stages of its accounts from the services the composition root
 * gives it; every other member is data the neutral domains read.
 */
export interface Provider<Session = unknown> {
  /** The `provider` value of its accounts (`aws`): also the folder name under src/providers/. */
  id: string;
  label: string;
  connection: ConnectionSpec;
  billingSources: readonly BillingSource[];
  inventoryScanners: readonly InventoryScanner[];
  /**
   * How its resources are found in the bill (src/inventory/resource-costs.ts): by default the lines of the
   * account's ID in its cloud with the same resource ID; `connection` (Azure): the connection's own lines over
   * every subscription, resource IDs compared without case.
   */
  billMatch?: BillMatch;
  /** Recommendation rules, in the order they run (one file per rule). */
  recommendationRules: readonly Rule[];
  /** Reads the reserved instances and savings plans in the line items its billing sources wrote. */
  commitmentReader?: (store: Queryable & { dialect: Dialect }) => CommitmentReader;
  setupHelp: SetupHelp;
  createStages(services: ProviderServices): SyncStages<Session>;
}

/**
 * A provider as the registry holds it. The session its validate stage opens is opaque to the sync engine, which
 * only hands it to the later stages of the same provider; so the registry may forget its type.
 */
export function defineProvider<Session>(p: Provider<Session>): Provider {
  return p as unknown as Provider;
}
