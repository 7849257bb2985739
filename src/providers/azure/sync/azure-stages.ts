/**
 * The sync stages of an Azure connection: check it (the service principal must sign in and list the container),
 * load the cost export; discovery is not part of these stages yet.
 */
import { exportStages } from '../../export-stages.js';
import { azureBlobObjectStore } from '../../object-store/azure-blob-object-store.js';
import type { ProviderServices } from '../../provider.js';
import { azureExportSource } from '../billing/azure-export-source.js';
import { azureDocumentOf } from '../connection/azure-schemas.js';

export function createAzureStages(services: ProviderServices) {
  return exportStages(services, {
    blockingSteps: ['credentials', 'container'],
    noInventory: 'Azure resources are not discovered by this version; the cost export is loaded.',
    async load(ctx, force) {
      const { account } = await services.accounts.connectionFor(ctx.account.orgId, ctx.account.id);
      const doc = azureDocumentOf(account.connection);
      const clients = services.clients.azure;
      const container = clients.container(doc, await clients.credentialFor(account));
      return services.billing.syncSource(azureExportSource, {
        orgId: account.orgId,
        cloudAccountId: account.id,
        location: { container: doc.container, directory: doc.directory, exportName: doc.exportName },
        objects: azureBlobObjectStore(container),
        retentionMonths: services.retentionMonths,
        force,
        signal: ctx.signal,
      });
    },
  });
}
