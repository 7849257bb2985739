/**
 * How an Azure connection is connected, edited and checked (the accounts service's port,
 * accounts/account-connector.ts). The client secret is kept in the vault; the document holds the scope, the
 * tenant and client IDs and where the export is delivered.
 */
import type { AccountConnector, SecretToStore } from '../../../accounts/account-connector.js';
import { blockingFailure } from '../../../accounts/account-connector.js';
import type { Clock } from '../../../lib/clock.js';
import { azureBlobObjectStore } from '../../object-store/azure-blob-object-store.js';
import { AZURE_SECRET_NAME, type AzureClients } from '../sdk/azure-clients.js';
import { checkAzureConnection } from './azure-checks.js';
import {
  armScopeOf,
  azureDocumentOf,
  blobEndpointOf,
  parseAzureCreate,
  parseAzureUpdate,
  type AzureConnectionDocument,
} from './azure-schemas.js';

/** The service principal must sign in for the connection to be saved at all. */
const BLOCKING_STEPS = ['credentials'] as const;

export function createAzureConnector(deps: { clock: Clock; clients: AzureClients }): AccountConnector {
  const check = (doc: AzureConnectionDocument, secret: string, signal?: AbortSignal) => {
    const credential = deps.clients.credential(doc, {
      tenantId: doc.tenantId,
      clientId: doc.clientId,
      clientSecret: secret,
    });
    const objects = azureBlobObjectStore(deps.clients.container(doc, credential));
    return checkAzureConnection(doc, credential, objects, deps.clock.now(), signal);
  };

  return {
    async prepareCreate(_orgId, raw, signal) {
      const input = parseAzureCreate(raw);
      const document: AzureConnectionDocument = {
        scopeType: input.scopeType,
        scopeId: input.scopeId,
        tenantId: input.tenantId,
        clientId: input.clientId,
        blobEndpoint: blobEndpointOf(input) ?? '',
        container: input.container,
        directory: input.directory,
        exportName: input.exportName,
        dataset: input.dataset ?? null,
        authorityHost: input.authorityHost ?? null,
      };
      const report = await check(document, input.clientSecret, signal);
      const blocked = blockingFailure(report, BLOCKING_STEPS);
      if (blocked) throw blocked;
      return {
        type: input.type,
        name: input.name,
        nativeId: input.scopeId,
        document,
        secret: { name: AZURE_SECRET_NAME, value: input.clientSecret },
        parentId: null,
        report,
      };
    },

    async prepareUpdate(cur, raw, signal) {
      const input = parseAzureUpdate(raw);
      const stored = azureDocumentOf(cur.connection);
      const document: AzureConnectionDocument = {
        scopeType: input.scopeType ?? stored.scopeType,
        scopeId: input.scopeId ?? stored.scopeId,
        tenantId: input.tenantId ?? stored.tenantId,
        clientId: input.clientId ?? stored.clientId,
        blobEndpoint: blobEndpointOf(input) ?? stored.blobEndpoint,
        container: input.container ?? stored.container,
        directory: input.directory ?? stored.directory,
        exportName: input.exportName ?? stored.exportName,
        dataset: input.dataset ?? stored.dataset,
        authorityHost: input.authorityHost ?? stored.authorityHost,
      };
      const changed = Object.keys(input).filter((k) => k !== 'clientSecret' && k !== 'enabled');
      if (input.clientSecret) changed.push('clientSecret');
      const connectionChanged =
        input.clientSecret !== undefined ||
        (Object.keys(document) as (keyof AzureConnectionDocument)[]).some((k) => document[k] !== stored[k]);
      let report = null;
      if (connectionChanged) {
        report = await check(document, input.clientSecret ?? (await deps.clients.secretOf(cur)), signal);
        const blocked = blockingFailure(report, BLOCKING_STEPS);
        if (blocked) throw blocked;
      }
      const secret: SecretToStore | undefined = input.clientSecret
        ? { name: AZURE_SECRET_NAME, value: input.clientSecret }
        : undefined;
      return { name: input.name, enabled: input.enabled, document, secret, report, changed };
    },

    async validate(cur, options) {
      const doc = azureDocumentOf(cur.connection);
      return { report: await check(doc, await deps.clients.secretOf(cur), options.signal) };
    },

    publicFields(a) {
      const doc = azureDocumentOf(a.connection);
      return { ...doc, scope: armScopeOf(doc) };
    },
  };
}
