/**
 * How a FOCUS export is connected, edited and checked (the accounts service's port,
 * accounts/account-connector.ts). The key pair is kept in the vault; the document holds where the files are.
 */
import type { AccountConnector, SecretToStore } from '../../../accounts/account-connector.js';
import { blockingFailure } from '../../../accounts/account-connector.js';
import type { Clock } from '../../../lib/clock.js';
import { checkFocusExport } from './focus-checks.js';
import {
  endpointOf,
  FOCUS_SECRET_NAME,
  focusObjectStore,
  type FocusClients,
  type FocusKeys,
} from './focus-objects.js';
import {
  focusDocumentOf,
  keyHint,
  parseFocusCreate,
  parseFocusUpdate,
  type FocusConnectionDocument,
} from './focus-schemas.js';

/** The key must list the prefix for the connection to be saved at all. */
const BLOCKING_STEPS = ['access'] as const;

export interface FocusConnectorDeps {
  clock: Clock;
  clients: FocusClients;
}

export function createFocusConnector(deps: FocusConnectorDeps): AccountConnector {
  const check = (doc: FocusConnectionDocument, keys: FocusKeys, signal?: AbortSignal) =>
    checkFocusExport(
      focusObjectStore(doc, keys),
      { endpoint: endpointOf(doc), bucket: doc.bucket, prefix: doc.prefix },
      deps.clock.now(),
      signal,
    );

  return {
    async prepareCreate(_orgId, raw, signal) {
      const input = parseFocusCreate(raw);
      const keys = { accessKeyId: input.accessKeyId, secretAccessKey: input.secretAccessKey };
      const document: FocusConnectionDocument = {
        endpoint: input.endpoint ?? null,
        region: input.region,
        bucket: input.bucket,
        prefix: input.prefix,
        accessKeyId: keyHint(input.accessKeyId),
        billingAccountId: input.billingAccountId ?? null,
      };
      const report = await check(document, keys, signal);
      const blocked = blockingFailure(report, BLOCKING_STEPS);
      if (blocked) throw blocked;
      return {
        type: input.type,
        name: input.name,
        nativeId: input.billingAccountId ?? null,
        document,
        secret: { name: FOCUS_SECRET_NAME, value: JSON.stringify(keys) },
        parentId: null,
        report,
      };
    },

    async prepareUpdate(cur, raw, signal) {
      const input = parseFocusUpdate(raw);
      const stored = focusDocumentOf(cur.connection);
      const document: FocusConnectionDocument = {
        endpoint: input.endpoint ?? stored.endpoint,
        region: input.region ?? stored.region,
        bucket: input.bucket ?? stored.bucket,
        prefix: input.prefix ?? stored.prefix,
        accessKeyId: input.accessKeyId ? keyHint(input.accessKeyId) : stored.accessKeyId,
        billingAccountId: input.billingAccountId ?? stored.billingAccountId,
      };
      const newKeys =
        input.accessKeyId && input.secretAccessKey
          ? { accessKeyId: input.accessKeyId, secretAccessKey: input.secretAccessKey }
          : null;
      const changed = Object.keys(input).filter((k) => k !== 'secretAccessKey' && k !== 'enabled');
      const locationChanged = (['endpoint', 'region', 'bucket', 'prefix'] as const).some(
        (k) => input[k] !== undefined && input[k] !== stored[k],
      );
      let report = null;
      if (newKeys || locationChanged) {
        report = await check(document, newKeys ?? (await deps.clients.keysOf(cur)), signal);
        const blocked = blockingFailure(report, BLOCKING_STEPS);
        if (blocked) throw blocked;
      }
      const secret: SecretToStore | undefined = newKeys
        ? { name: FOCUS_SECRET_NAME, value: JSON.stringify(newKeys) }
        : undefined;
      return { name: input.name, enabled: input.enabled, document, secret, report, changed };
    },

    async validate(cur, options) {
      const doc = focusDocumentOf(cur.connection);
      return { report: await check(doc, await deps.clients.keysOf(cur), options.signal) };
    },

    publicFields(a) {
      const doc = focusDocumentOf(a.connection);
      return { ...doc, endpoint: endpointOf(doc) };
    },
  };
}
