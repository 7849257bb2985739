/**
 * The FOCUS provider: any FOCUS 1.0–1.2 export in an S3-compatible bucket, from any cloud. Its accounts have no
 * resources to scan; their bill is the export, loaded by the FOCUS source with each row's provider from
 * `ProviderName`.
 */
import { defineProvider, type ProviderServices } from '../provider.js';
import { FOCUS_VALIDATION_STEPS } from './connection/focus-checks.js';
import { createFocusConnector } from './connection/focus-connector.js';
import {
  FOCUS_TYPE_LABELS,
  FOCUS_TYPES,
  focusConnectionDocument,
  focusCreateSchema,
  focusUpdateSchema,
} from './connection/focus-schemas.js';
import { focusSource } from './focus-source.js';
import { createFocusStages } from './focus-stages.js';

export const focusProvider = defineProvider({
  id: 'focus',
  label: 'FOCUS export (any cloud)',
  connection: {
    kinds: FOCUS_TYPES.map((type) => ({ type, label: FOCUS_TYPE_LABELS[type] })),
    createSchema: focusCreateSchema,
    updateSchema: focusUpdateSchema,
    validationSteps: FOCUS_VALIDATION_STEPS,
    document: focusConnectionDocument,
    connector: (d) => createFocusConnector({ clock: d.clock, clients: d.clients.focus }),
  },
  billingSources: [focusSource],
  inventoryScanners: [],
  recommendationRules: [],
  setupHelp: {
    route: '/setup/focus',
    policies: () => ({
      s3: 'Read-only key of the bucket: s3:ListBucket on the bucket and s3:GetObject on the prefix.',
      gcs: 'A service account HMAC key with Storage Object Viewer on the bucket; endpoint https://storage.googleapis.com, region auto.',
    }),
  },
  createStages: (services: ProviderServices) => createFocusStages(services),
});
