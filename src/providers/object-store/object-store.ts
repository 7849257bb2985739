/**
 * An object store a billing export is read from, whatever serves it: an S3-compatible bucket (AWS S3, Google Cloud
 * Storage's XML API, R2, MinIO, Ceph) or an Azure Blob Storage container. Sources that read exports (the FOCUS
 * source, Azure cost exports) see only this port; the adapters beside it speak each service's protocol.
 */

export interface StoredObject {
  key: string;
  size: number;
  /** The object's version tag as the service reports it (S3 ETag, blob ETag), without quotes. */
  etag: string;
}

export interface ObjectStore {
  /** Where it is, for messages: `s3://bucket` at an endpoint, `https://account.blob.core.windows.net/container`. */
  readonly where: string;
  /** Every object under the prefix (a folder: `a/b` lists `a/b/…`; empty lists all), in key order. */
  list(prefix: string, signal?: AbortSignal): Promise<StoredObject[]>;
  /** The object's text; undefined when it does not exist. */
  readText(key: string, signal?: AbortSignal): Promise<string | undefined>;
  /** Streams the object to a local file; answers the bytes written. */
  download(key: string, toPath: string, signal?: AbortSignal): Promise<number>;
  /** The first bytes of an object (a header check), at most `bytes`. */
  readStart(key: string, bytes: number, signal?: AbortSignal): Promise<Buffer>;
}

/** `a/b` → `a/b/`; empty stays empty (the whole bucket or container). */
export function folderPrefix(prefix: string): string {
  const p = prefix.replace(/^\/+|\/+$/g, '');
  return p === '' ? '' : `${p}/`;
}
