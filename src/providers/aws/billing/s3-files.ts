import { createWriteStream } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { IncompleteBodyError } from '../sdk/errors.js';
import { withAwsRetry } from '../sdk/retry.js';
import { BillingLoadError, errorMessage, loadError } from '../../../billing/diagnostics.js';
import { s3Diagnostic } from './s3-diagnostic.js';

export type S3 = Pick<S3Client, 'send'>;

export interface S3ObjectInfo {
  key: string;
  size: number;
  lastModified?: Date;
  etag?: string;
}

/** Joins key parts with single slashes; empty parts (an empty prefix) vanish. */
export function joinKey(...parts: string[]): string {
  return parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter((p) => p !== '')
    .join('/');
}

/** A manifest's file reference as bucket and key: `s3://bucket/key` URIs and bare keys are both accepted. */
export function parseS3Ref(ref: string, defaultBucket: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(ref);
  if (m) return { bucket: m[1], key: m[2] };
  return { bucket: defaultBucket, key: ref.replace(/^\/+/, '') };
}

/** The "sub-folders" directly under `prefix` (which ends with '/' or is empty). */
export async function listFolders(
  s3: S3,
  bucket: string,
  prefix: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const page = token;
    const res = await withAwsRetry(
      () =>
        s3.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            Delimiter: '/',
            ContinuationToken: page,
          }),
          { abortSignal: signal },
        ),
      { signal },
    );
    for (const p of res.CommonPrefixes ?? []) if (p.Prefix) out.push(p.Prefix);
    token = res.IsTruncated ? res.NextContinuationToken : undefined;
  } while (token);
  return out;
}

/** Every object under `prefix`, recursively. */
export async function listObjects(
  s3: S3,
  bucket: string,
  prefix: string,
  signal?: AbortSignal,
): Promise<S3ObjectInfo[]> {
  const out: S3ObjectInfo[] = [];
  let token: string | undefined;
  do {
    const page = token;
    const res = await withAwsRetry(
      () =>
        s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: page }), {
          abortSignal: signal,
        }),
      { signal },
    );
    for (const o of res.Contents ?? []) {
      if (o.Key) out.push({ key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified, etag: o.ETag });
    }
    token = res.IsTruncated ? res.NextContinuationToken : undefined;
  } while (token);
  return out;
}

/** The object's text, or undefined when it does not exist. Other errors become a BillingLoadError. */
export async function getText(
  s3: S3,
  bucket: string,
  key: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  try {
    // The body is read inside the retry: a manifest cut short is fetched again, like a throttled one.
    return await withAwsRetry(
      async () => {
        const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), {
          abortSignal: signal,
        });
        if (!res.Body) return '';
        return await res.Body.transformToString('utf8');
      },
      { signal },
    );
  } catch (err) {
    const d = s3Diagnostic(err, bucket, key);
    if (d.code === 'billing_file_missing') return undefined;
    throw new BillingLoadError(d);
  }
}

/**
 * Streams an object to `path`, reporting bytes as they arrive. `transform` (e.g. a gunzip) is applied on
 * the way, so decompression overlaps the download. The whole transfer is one call of the retry budget: a
 * throttled or failed request, or a body cut short, starts the file again (its bytes are taken back from the
 * progress count first).
 */
export async function downloadObject(
  s3: S3,
  bucket: string,
  key: string,
  path: string,
  options: { signal?: AbortSignal; onBytes?: (n: number) => void; transform?: () => Transform } = {},
): Promise<number> {
  let bytes = 0;
  try {
    return await withAwsRetry(
      async () => {
        if (bytes > 0) options.onBytes?.(-bytes);
        bytes = 0;
        const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), {
          abortSignal: options.signal,
        });
        if (!res.Body) throw new Error('empty response body');
        const counter = new Transform({
          transform(chunk: Buffer, _enc, cb) {
            bytes += chunk.length;
            options.onBytes?.(chunk.length);
            cb(null, chunk);
          },
        });
        const body = res.Body as Readable;
        const out = createWriteStream(path);
        if (options.transform) {
          await pipeline(body, counter, options.transform(), out, { signal: options.signal });
        } else {
          await pipeline(body, counter, out, { signal: options.signal });
        }
        if (res.ContentLength !== undefined && bytes !== res.ContentLength) {
          throw new IncompleteBodyError(bytes, res.ContentLength);
        }
        return bytes;
      },
      { signal: options.signal },
    );
  } catch (err) {
    if (err instanceof BillingLoadError) throw err;
    const zlibCode = (err as { code?: unknown }).code;
    if (typeof zlibCode === 'string' && zlibCode.startsWith('Z_')) {
      throw loadError('billing_file_corrupt', `${key} is corrupt or truncated (${errorMessage(err)})`, key);
    }
    const d = s3Diagnostic(err, bucket, key);
    throw new BillingLoadError(d);
  }
}
