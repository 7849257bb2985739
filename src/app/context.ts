import type { Logger } from 'pino';
import { createAuthService, type AuthService } from '../auth/auth-service.js';
import { createSsoService, type SsoService, type SsoServiceDeps } from '../auth/sso-service.js';
import {
  assertKeyMatches,
  createSecretVault,
  loadMasterKey,
  type SecretVault,
} from '../accounts/secret-vault.js';
import { createAccountService, type AccountService } from '../accounts/account-service.js';
import type { AwsClientFactory } from '../providers/aws/sdk/client-factory.js';
import { createExternalIdFunctions } from '../providers/aws/connection/external-id.js';
import type { Config } from '../config/config.js';
import { createAllocationService, type AllocationService } from '../allocation/allocation-service.js';
import { createCostService, type CostService } from '../costs/cost-service.js';
import { createBillingService } from '../billing/billing-service.js';
import { createBudgetService, type BudgetService } from '../budgets/budget-service.js';
import { createSavedViewService, type SavedViewService } from '../saved-views/saved-view-service.js';
import { createCommitmentService, type CommitmentService } from '../commitments/commitment-service.js';
import {
  createNotificationService,
  type NotificationService,
} from '../notifications/notification-service.js';
import { SEND_TIMEOUT_MS } from '../notifications/channels/delivery-error.js';
import type { EventSourcePorts } from '../notifications/events/event-sources.js';
import { digestPorts } from './digest-ports.js';
import { reportPorts } from './report-ports.js';
import { createInventoryService, type InventoryService } from '../inventory/inventory-service.js';
import {
  createRecommendationService,
  type RecommendationService,
} from '../recommendations/recommendation-service.js';
import { PROVIDERS, createConnectors, createProviderClients, providerOf } from '../providers/registry.js';
import { stagesByProvider } from '../sync/provider-stages.js';
import { createSyncService, syncSettingsFrom, type SyncService } from '../sync/sync-service.js';
import { systemClock, type Clock } from '../lib/clock.js';
import { createLog } from '../lib/log.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';

type AwsSetup = ReturnType<typeof createExternalIdFunctions>;

/**
 * The composition root: one graph of services for the server, the CLI, the MCP server and tests.
 * Each domain adds its service here, built from the narrow dependencies it needs.
 */
export interface AppContext {
  config: Config;
  store: Store;
  vault: SecretVault;
  log: Logger;
  clock: Clock;
  auth: AuthService;
  /** Single sign-on with each organization's OpenID Connect provider. */
  sso: SsoService;
  costs: CostService;
  /** Budgets, their status and the evaluation that fires their thresholds. */
  budgets: BudgetService;
  /** Named cost explorer queries, private or shared, pinned to the Overview. */
  savedViews: SavedViewService;
  /** Alert rules, channels and the outbox; its delivery worker starts with `notifications.start()`. */
  notifications: NotificationService;
  /** Allocation dimensions (the organization's own rules) and their background application. */
  allocation: AllocationService;
  /** AWS SDK clients for a connection (one credential cache per process). */
  aws: AwsClientFactory;
  /** Cloud accounts of every provider: connect, validate, edit, remove. */
  accounts: AccountService;
  /** AWS setup help: the organization's external ID (rotation) and the policies to create. */
  awsSetup: AwsSetup;
  /** Resources per connection, their metrics and bill costs. */
  inventory: InventoryService;
  /** Savings recommendations: rules, dismiss/snooze, settings. */
  recommendations: RecommendationService;
  /** Sync runs: queue, worker, scheduler, account status. Background work starts with `sync.start()`. */
  sync: SyncService;
  /** Reserved instances and savings plans: inventory, utilization, coverage, expirations, what to buy. */
  commitments: CommitmentService;
  /** Stops background work and closes the store. */
  close(): Promise<void>;
}

export interface ContextOptions {
  log?: Logger;
  clock?: Clock;
  store?: Store;
  /** Replaces fetch for the calls to OpenID providers (tests only). */
  oidcFetch?: SsoServiceDeps['fetch'];
}

export async function createAppContext(config: Config, options: ContextOptions = {}): Promise<AppContext> {
  const log = options.log ?? createLog(config.logLevel);
  const clock = options.clock ?? systemClock;
  const masterKey = loadMasterKey(config);
  const store =
    options.store ??
    (await openStore({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      duckdbMemoryLimit: config.duckdbMemoryLimit,
    }));
  try {
    await assertKeyMatches(store, masterKey);
  } catch (err) {
    if (!options.store) await store.close();
    throw err;
  }
  const vault = createSecretVault(store, masterKey);
  const auth = createAuthService({ store, clock, sessionTtlHours: config.sessionTtlHours });
  const sso = createSsoService({ store, clock, vault, sessions: auth, fetch: options.oidcFetch });
  const costs = createCostService({ store, clock, log: log.child({ area: 'costs' }) });
  const budgets = createBudgetService({
    store,
    costs,
    clock,
    log: log.child({ area: 'budgets' }),
    // The newest day with data: budgets run through it, like month-to-date figures.
    dataThrough: (orgId) => costs.dataThrough(orgId),
  });
  const savedViews = createSavedViewService({ store, clock, costs });
  const clients = createProviderClients({ config, vault, log, clock });
  const { aws } = clients;
  const closers: (() => Promise<void>)[] = [];
  const notifications = createNotificationService({
    store,
    vault,
    clock,
    log: log.child({ area: 'notifications' }),
    settings: {
      pollMs: config.notificationPollMs,
      // Longer than one attempt may take (its timeout), so a live worker never loses a delivery it is sending.
      leaseMs: 2 * SEND_TIMEOUT_MS + 5_000,
      maxAttempts: config.notificationMaxAttempts,
      retryBaseMs: config.notificationRetryMs,
    },
    publicUrl: config.publicUrl,
    fallbackUrl: `http://${config.host}:${config.port}`,
    checkIntervalMs: config.notificationCheckSeconds * 1000,
  });
  budgets.setAlertSink(notifications.budgetSink);
  auth.setAccountMailer(notifications.accountMailer);
  closers.push(() => notifications.stop());
  const allocation = createAllocationService({ store, clock, log: log.child({ area: 'allocation' }) });
  closers.push(() => allocation.settle());
  const billing = createBillingService({ store, clock, log: log.child({ area: 'billing' }) });
  const commitments = createCommitmentService({
    store,
    clock,
    readers: PROVIDERS.flatMap((p) => (p.commitmentReader ? [p.commitmentReader(store)] : [])),
    // Called after the recommendations service exists (only when asked what to buy).
    purchaseSettings: async (orgId) =>
      (await recommendations.getSettings(orgId)).settings.savings_plan_commitment,
    dataThrough: (orgId) => costs.dataThrough(orgId),
  });
  const accounts = createAccountService({
    store,
    vault,
    clock,
    log: log.child({ area: 'accounts' }),
    connectors: createConnectors({
      store,
      clients,
      clock,
      log: log.child({ area: 'accounts' }),
      region: config.awsRegion,
      retentionMonths: config.retentionMonths,
    }),
    dataCleaners: [
      (tx, orgId, id) => billing.deleteAccountData(tx, orgId, id),
      (tx, orgId, id) => commitments.store.deleteAccount(tx, orgId, id),
    ],
  });
  const inventory = createInventoryService({ store, clock, log: log.child({ area: 'inventory' }) });
  const recommendations = createRecommendationService({
    store,
    clock,
    rulesFor: (provider) => providerOf(provider).recommendationRules,
    log: log.child({ area: 'recommendations' }),
  });
  const sync = createSyncService({
    store,
    clock,
    log: log.child({ area: 'sync' }),
    stages: stagesByProvider(
      Object.fromEntries(
        PROVIDERS.map((p) => [
          p.id,
          p.createStages({
            store,
            clients,
            retentionMonths: config.retentionMonths,
            accounts,
            billing,
            inventory,
            recommendations,
            afterLoad: async (orgId) => {
              const recomputed = await costs.recomputeAnomalies(orgId);
              // The assignment follows the new data in the background; queries keep the applied version meanwhile.
              await allocation.reapply(orgId);
              return recomputed;
            },
            evaluateBudgets: (orgId) => budgets.evaluateOrg(orgId),
            commitments: commitments.sink,
          }),
        ]),
      ),
    ),
    settings: syncSettingsFrom(config),
  });
  accounts.setEvents(sync.events);
  const eventPorts: EventSourcePorts = {
    evaluateBudgets: () => budgets.evaluateAll(),
    openAnomalies: (orgId, from) =>
      costs.listAnomalies(orgId, { from, state: 'open', direction: 'increase' }),
    accounts: (orgId) => accounts.list(orgId),
    accountStatus: (orgId, id) => sync.accountStatus(orgId, id),
    expiringCommitments: (orgId, days) => commitments.expiring(orgId, days),
    openRecommendations: async (orgId) =>
      (await recommendations.list(orgId, { state: 'open', limit: 500 })).items,
  };
  notifications.watch.setPorts(eventPorts);
  notifications.digests.setPorts(
    digestPorts(
      eventPorts,
      costs,
      budgets,
      async (orgId, userId) => (await auth.principalFor(userId, orgId, 'session')) !== null,
    ),
  );
  notifications.reports.setPorts(
    reportPorts(allocation, savedViews, (orgId, userId) => auth.principalFor(userId, orgId, 'session')),
  );
  closers.push(() => sync.stop());
  const ctx: AppContext = {
    config,
    store,
    vault,
    log,
    clock,
    auth,
    sso,
    costs,
    budgets,
    savedViews,
    notifications,
    allocation,
    aws,
    accounts,
    awsSetup: createExternalIdFunctions({ store, aws, clock }),
    inventory,
    recommendations,
    sync,
    commitments,
    async close() {
      for (const c of closers.reverse()) await c();
      await store.close();
    },
  };
  return ctx;
}
