/**
 * How a FOCUS connection's files are reached: an S3 client for its endpoint, region and key pair (the pair is in
 * the vault as `focus-access-key`), behind the object-store port.
 */
import { S3Client } from '@aws-sdk/client-s3';
import type { AccountRecord } from '../../../accounts/account-types.js';
import type { SecretVault } from '../../../accounts/secret-vault.js';
import type { ObjectStore } from '../../object-store/object-store.js';
import { s3ObjectStore } from '../../object-store/s3-object-store.js';
import { focusDocumentOf, type FocusConnectionDocument } from './focus-schemas.js';

export const FOCUS_SECRET_NAME = 'focus-access-key';

export interface FocusKeys {
  accessKeyId: string;
  secretAccessKey: string;
}

/** AWS S3 when the connection names no endpoint. */
export const endpointOf = (doc: Pick<FocusConnectionDocument, 'endpoint' | 'region'>) =>
  doc.endpoint ?? `https://s3.${doc.region}.amazonaws.com`;

export function focusObjectStore(
  doc: Pick<FocusConnectionDocument, 'endpoint' | 'region' | 'bucket'>,
  keys: FocusKeys,
): ObjectStore {
  const s3 = new S3Client({
    region: doc.region,
    credentials: keys,
    // Path style reaches any S3-compatible service (an endpoint such as http://127.0.0.1:PORT has no subdomains).
    ...(doc.endpoint ? { endpoint: doc.endpoint, forcePathStyle: true } : {}),
    maxAttempts: 3,
  });
  return s3ObjectStore(s3, doc.bucket, endpointOf(doc));
}

/** How the FOCUS provider reaches a stored connection's files (its key pair is read from the vault). */
export interface FocusClients {
  keysOf(a: Pick<AccountRecord, 'id' | 'orgId' | 'secretId'>): Promise<FocusKeys>;
  objectsFor(a: Pick<AccountRecord, 'id' | 'orgId' | 'secretId' | 'connection'>): Promise<ObjectStore>;
}

export function createFocusClients(deps: { vault: Pick<SecretVault, 'get'> }): FocusClients {
  const keysOf: FocusClients['keysOf'] = async (a) => {
    if (!a.secretId) throw new Error(`FOCUS connection ${a.id} has no stored key`);
    return JSON.parse(await deps.vault.get(a.secretId, a.orgId)) as FocusKeys;
  };
  return {
    keysOf,
    async objectsFor(a) {
      return focusObjectStore(focusDocumentOf(a.connection), await keysOf(a));
    },
  };
}

declare module '../../provider.js' {
  interface ProviderClients {
    focus: FocusClients;
  }
}
