/**
 * How the Azure provider reaches a stored connection: its service principal's TokenCredential (the client secret
 * is read from the vault, `azure-client-secret`) and the export's blob container. Discovery (ARM, Azure Monitor)
 * takes `credentialFor` too, so that every Azure call signs in the same way.
 */
import { readFileSync } from 'node:fs';
import type { TokenCredential } from '@azure/identity';
import type { ContainerClient } from '@azure/storage-blob';
import type { AccountRecord } from '../../../accounts/account-types.js';
import type { SecretVault } from '../../../accounts/secret-vault.js';
import type { Config } from '../../../config/config.js';
import { azureDocumentOf, type AzureConnectionDocument } from '../connection/azure-schemas.js';
import { servicePrincipalCredential, type ServicePrincipalSecret } from './credentials.js';
import { blobServiceClient } from './http-client.js';

export const AZURE_SECRET_NAME = 'azure-client-secret';

type StoredAccount = Pick<AccountRecord, 'id' | 'orgId' | 'secretId' | 'connection'>;

export interface AzureClients {
  /** The CA the Azure clients trust besides the system's (config `azureCaFile`). */
  extraCaPem: string | undefined;
  /** The service principal's TokenCredential of a connection (tenant, client ID, secret from the vault). */
  credentialFor(a: StoredAccount): Promise<TokenCredential>;
  /** A credential for a principal not stored yet (a connection being created or edited). */
  credential(
    doc: Pick<AzureConnectionDocument, 'authorityHost'>,
    sp: ServicePrincipalSecret,
  ): TokenCredential;
  /** The export's container, read with the credential. */
  container(doc: AzureConnectionDocument, credential: TokenCredential): ContainerClient;
  /** The stored client secret of a connection. */
  secretOf(a: Pick<AccountRecord, 'id' | 'orgId' | 'secretId'>): Promise<string>;
}

export function createAzureClients(deps: {
  config: Pick<Config, 'azureCaFile'>;
  vault: Pick<SecretVault, 'get'>;
}): AzureClients {
  const extraCaPem = deps.config.azureCaFile ? readFileSync(deps.config.azureCaFile, 'utf8') : undefined;
  const secretOf: AzureClients['secretOf'] = async (a) => {
    if (!a.secretId) throw new Error(`Azure connection ${a.id} has no stored client secret`);
    return deps.vault.get(a.secretId, a.orgId);
  };
  const credential: AzureClients['credential'] = (doc, sp) =>
    servicePrincipalCredential(sp, { authorityHost: doc.authorityHost, extraCaPem });
  return {
    extraCaPem,
    secretOf,
    credential,
    async credentialFor(a) {
      const doc = azureDocumentOf(a.connection);
      return credential(doc, {
        tenantId: doc.tenantId,
        clientId: doc.clientId,
        clientSecret: await secretOf(a),
      });
    },
    container(doc, cred) {
      return blobServiceClient(doc.blobEndpoint, cred, {
        extraCaPem,
        pipeline: { retryOptions: { maxTries: 3, retryDelayInMs: 200, maxRetryDelayInMs: 2000 } },
      }).getContainerClient(doc.container);
    },
  };
}

declare module '../../provider.js' {
  interface ProviderClients {
    azure: AzureClients;
  }
}
