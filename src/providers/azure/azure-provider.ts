/**
 * The Azure provider: a service principal reads the Cost Management export of a billing account, subscription or
 * management group from its storage container (FOCUS, actual cost or amortized cost), loaded into the FOCUS
 * columns of `cost_line_items`.
 */
import { defineProvider, type ProviderServices } from '../provider.js';
import { azureExportSource } from './billing/azure-export-source.js';
import { AZURE_VALIDATION_STEPS } from './connection/azure-checks.js';
import { createAzureConnector } from './connection/azure-connector.js';
import {
  AZURE_TYPE_LABELS,
  AZURE_TYPES,
  azureConnectionDocument,
  azureCreateSchema,
  azureUpdateSchema,
} from './connection/azure-schemas.js';
import { azureSetupHelp } from './connection/setup-help.js';
import { AZURE_RULES } from './recommendations/rules.js';
import { createAzureStages } from './sync/azure-stages.js';

export const azureProvider = defineProvider({
  id: 'azure',
  label: 'Microsoft Azure',
  connection: {
    kinds: AZURE_TYPES.map((type) => ({ type, label: AZURE_TYPE_LABELS[type] })),
    createSchema: azureCreateSchema,
    updateSchema: azureUpdateSchema,
    validationSteps: AZURE_VALIDATION_STEPS,
    document: azureConnectionDocument,
    connector: (d) => createAzureConnector({ clock: d.clock, clients: d.clients.azure }),
  },
  billingSources: [azureExportSource],
  inventoryScanners: [],
  billMatch: 'connection',
  recommendationRules: AZURE_RULES,
  setupHelp: azureSetupHelp,
  createStages: (services: ProviderServices) => createAzureStages(services),
});
