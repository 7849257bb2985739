/**
 * The official Azure Resource Manager clients discovery uses (Compute, Network, Monitor, Subscriptions), built for
 * one connection: its TokenCredential, its ARM endpoint (the public cloud's, a sovereign cloud's, or a private
 * one such as the simulator) and the one HTTP transport of the Azure clients (sdk/http-client.ts, with the extra
 * CA). Their pipeline retries throttling (429, honouring Retry-After) and server errors within `retry`.
 */
import { ComputeManagementClient } from '@azure/arm-compute';
import { MonitorClient } from '@azure/arm-monitor';
import { NetworkManagementClient } from '@azure/arm-network';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import type { TokenCredential } from '@azure/identity';
import { azureHttpClient } from '../sdk/http-client.js';

/** Resource Manager of Azure's public cloud. */
export const AZURE_PUBLIC_ARM = 'https://management.azure.com';

/** The ARM endpoint of a sovereign cloud's Entra ID authority; any other authority answers ARM itself. */
const ARM_BY_AUTHORITY: Record<string, string> = {
  'https://login.microsoftonline.com': AZURE_PUBLIC_ARM,
  'https://login.microsoftonline.us': 'https://management.usgovcloudapi.net',
  'https://login.chinacloudapi.cn': 'https://management.chinacloudapi.cn',
};

/** The ARM endpoint of a connection: the one it names, else the one of its authority's cloud. */
export function armEndpointOf(doc: { armEndpoint?: string | null; authorityHost?: string | null }): string {
  if (doc.armEndpoint) return doc.armEndpoint.replace(/\/+$/, '');
  const authority = (doc.authorityHost ?? 'https://login.microsoftonline.com').replace(/\/+$/, '');
  return ARM_BY_AUTHORITY[authority] ?? AZURE_PUBLIC_ARM;
}

/** The token scope of an ARM endpoint: a sovereign cloud's own, else the public cloud's resource. */
function scopeOf(endpoint: string): string {
  return Object.values(ARM_BY_AUTHORITY).includes(endpoint)
    ? `${endpoint}/.default`
    : `${AZURE_PUBLIC_ARM}/.default`;
}

export interface ArmRetry {
  maxRetries: number;
  retryDelayInMs: number;
  maxRetryDelayInMs: number;
}

export const DEFAULT_ARM_RETRY: ArmRetry = { maxRetries: 3, retryDelayInMs: 500, maxRetryDelayInMs: 8000 };

export interface ArmClients {
  endpoint: string;
  subscriptions(): SubscriptionClient;
  compute(subscriptionId: string): ComputeManagementClient;
  network(subscriptionId: string): NetworkManagementClient;
  monitor(subscriptionId: string): MonitorClient;
}

export function createArmClients(options: {
  endpoint: string;
  credential: TokenCredential;
  extraCaPem?: string;
  retry?: ArmRetry;
}): ArmClients {
  const endpoint = options.endpoint.replace(/\/+$/, '');
  const common = {
    endpoint,
    $host: endpoint,
    credentialScopes: [scopeOf(endpoint)],
    httpClient: azureHttpClient(options.extraCaPem),
    retryOptions: options.retry ?? DEFAULT_ARM_RETRY,
  };
  const cache = new Map<string, unknown>();
  const once = <T>(key: string, make: () => T): T => {
    if (!cache.has(key)) cache.set(key, make());
    return cache.get(key) as T;
  };
  const { credential } = options;
  return {
    endpoint,
    subscriptions: () => once('subs', () => new SubscriptionClient(credential, common)),
    compute: (s) => once(`c:${s}`, () => new ComputeManagementClient(credential, s, common)),
    network: (s) => once(`n:${s}`, () => new NetworkManagementClient(credential, s, common)),
    monitor: (s) => once(`m:${s}`, () => new MonitorClient(credential, s, common)),
  };
}
