import type { Logger } from 'pino';
import { createAuthService, type AuthService } from '../auth/auth-service.js';
import { createSecretVault, loadMasterKey, type SecretVault } from '../accounts/secret-vault.js';
import type { Config } from '../config/config.js';
import { createCostService, type CostService } from '../costs/cost-service.js';
import { systemClock, type Clock } from '../lib/clock.js';
import { createLog } from '../lib/log.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';

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
  costs: CostService;
  /** Stops background work and closes the store. */
  close(): Promise<void>;
}

export interface ContextOptions {
  log?: Logger;
  clock?: Clock;
  store?: Store;
}

export async function createAppContext(config: Config, options: ContextOptions = {}): Promise<AppContext> {
  const log = options.log ?? createLog(config.logLevel);
  const clock = options.clock ?? systemClock;
  const masterKey = loadMasterKey(config);
  const store =
    options.store ?? (await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  const vault = createSecretVault(store, masterKey);
  const auth = createAuthService({ store, clock, sessionTtlHours: config.sessionTtlHours });
  const costs = createCostService({ store, clock, log: log.child({ area: 'costs' }) });
  const closers: (() => Promise<void>)[] = [];
  const ctx: AppContext = {
    config,
    store,
    vault,
    log,
    clock,
    auth,
    costs,
    async close() {
      for (const c of closers.reverse()) await c();
      await store.close();
    },
  };
  return ctx;
}
