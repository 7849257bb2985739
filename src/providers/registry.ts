/**
 * Every provider Cloudtally knows. Adding a cloud: a folder `src/providers/<id>/` with a `Provider` (provider.ts)
 * and one line here; a provider with an SDK of its own adds its client factory to `createProviderClients`.
 */
import type { Config } from '../config/config.js';
import type { Clock } from '../lib/clock.js';
import type { Log } from '../lib/log.js';
import type { SecretVault } from '../accounts/secret-vault.js';
import { awsProvider } from './aws/aws-provider.js';
import { azureProvider } from './azure/azure-provider.js';
import { createAzureClients } from './azure/sdk/azure-clients.js';
import { createAwsClients } from './aws/sdk/client-factory.js';
import { createFocusClients } from './focus/connection/focus-objects.js';
import { focusProvider } from './focus/focus-provider.js';
import type { AccountConnector } from '../accounts/account-connector.js';
import type { ConnectorDeps, Provider, ProviderClients } from './provider.js';

export const PROVIDERS: readonly Provider[] = [awsProvider, focusProvider, azureProvider];

export type { Provider };

/** The provider of an account's `provider` value; an unknown one is a programming error, not user input. */
export function providerOf(id: string): Provider {
  const p = PROVIDERS.find((x) => x.id === id);
  if (!p) throw new Error(`No provider "${id}" is registered (src/providers/registry.ts).`);
  return p;
}

/** One client factory per provider for the process (each keeps its own credential cache). */
export function createProviderClients(deps: {
  config: Config;
  vault: Pick<SecretVault, 'get'>;
  log: Log;
  clock: Clock;
}): ProviderClients {
  return { aws: createAwsClients(deps), focus: createFocusClients(deps), azure: createAzureClients(deps) };
}

/** Each provider's account connector, by provider id, for the accounts service. */
export function createConnectors(deps: ConnectorDeps): Record<string, AccountConnector> {
  return Object.fromEntries(PROVIDERS.map((p) => [p.id, p.connection.connector(deps)]));
}
