/** The sync stages of a FOCUS export connection: check it, load the export; nothing to scan. */
import type { ProviderServices } from '../provider.js';
import { exportStages } from '../export-stages.js';
import { endpointOf } from './connection/focus-objects.js';
import { focusDocumentOf } from './connection/focus-schemas.js';
import { focusSource } from './focus-source.js';

export function createFocusStages(services: ProviderServices) {
  return exportStages(services, {
    blockingSteps: ['access'],
    noInventory: 'A FOCUS export carries costs only; there are no resources to scan.',
    async load(ctx, force) {
      const { account } = await services.accounts.connectionFor(ctx.account.orgId, ctx.account.id);
      const doc = focusDocumentOf(account.connection);
      return services.billing.syncSource(focusSource, {
        orgId: account.orgId,
        cloudAccountId: account.id,
        location: { endpoint: endpointOf(doc), bucket: doc.bucket, prefix: doc.prefix },
        objects: await services.clients.focus.objectsFor(account),
        retentionMonths: services.retentionMonths,
        force,
        signal: ctx.signal,
      });
    },
  });
}
