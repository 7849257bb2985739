/**
 * The one way Cloudtally signs in to Azure: a service principal's client secret through the official
 * `@azure/identity` client, at the connection's Entra ID authority (the public cloud's by default; a sovereign
 * cloud's, or a private one, when the connection names it). Every Azure call (Blob Storage for the cost export,
 * ARM and Azure Monitor for discovery) takes its TokenCredential from here.
 */
import { ClientSecretCredential, type TokenCredential } from '@azure/identity';
import { azureHttpClient } from './http-client.js';

/** Entra ID of Azure's public cloud. */
export const AZURE_PUBLIC_AUTHORITY = 'https://login.microsoftonline.com';

/** The scope of a Blob Storage token (any storage account). */
export const STORAGE_SCOPE = 'https://storage.azure.com/.default';

export interface ServicePrincipalSecret {
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

export interface AzureCredentialOptions {
  /** The Entra ID authority (`https://login.microsoftonline.com`, `https://login.microsoftonline.us`, …). */
  authorityHost?: string | null;
  /** One more CA to trust (config `azureCaFile`). */
  extraCaPem?: string;
  /** Retries of a token request that failed on the way (a refused secret is never retried). */
  maxRetries?: number;
}

/** A TokenCredential for a service principal with a client secret. */
export function servicePrincipalCredential(
  sp: ServicePrincipalSecret,
  options: AzureCredentialOptions = {},
): TokenCredential {
  const authorityHost = options.authorityHost ?? AZURE_PUBLIC_AUTHORITY;
  return new ClientSecretCredential(sp.tenantId, sp.clientId, sp.clientSecret, {
    authorityHost,
    // Instance discovery asks the public cloud about the authority; a sovereign or private one answers for itself.
    disableInstanceDiscovery: authorityHost !== AZURE_PUBLIC_AUTHORITY,
    httpClient: azureHttpClient(options.extraCaPem),
    retryOptions: { maxRetries: options.maxRetries ?? 2 },
  });
}
