/** The object-store port over any S3-compatible endpoint, with the AWS SDK's S3 client. */
import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { folderPrefix, type ObjectStore, type StoredObject } from './object-store.js';

type S3 = Pick<S3Client, 'send'>;

const isMissing = (err: unknown) => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
};

/** Pages of 1,000 keys a listing may take: ten million objects, far beyond any billing export. */
const MAX_LIST_PAGES = 10_000;

export function s3ObjectStore(s3: S3, bucket: string, endpoint = 'AWS S3'): ObjectStore {
  return {
    where: `s3://${bucket} at ${endpoint}`,
    async list(prefix, signal) {
      const out: StoredObject[] = [];
      let token: string | undefined;
      const seen = new Set<string>();
      const Prefix = folderPrefix(prefix) || undefined;
      do {
        // A service that keeps answering "more" with a token it gave before would keep this loop going forever.
        if (token !== undefined && (seen.has(token) || seen.size >= MAX_LIST_PAGES))
          throw new Error(
            `Listing s3://${bucket}/${Prefix ?? ''} at ${endpoint} did not end: the service repeated a continuation token or listed more than ${MAX_LIST_PAGES} pages.`,
          );
        if (token !== undefined) seen.add(token);
        const res = await s3.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix, ContinuationToken: token }),
          { abortSignal: signal },
        );
        for (const o of res.Contents ?? []) {
          if (o.Key) out.push({ key: o.Key, size: o.Size ?? 0, etag: (o.ETag ?? '').replace(/"/g, '') });
        }
        token = res.IsTruncated ? res.NextContinuationToken : undefined;
      } while (token);
      return out.sort((a, b) => a.key.localeCompare(b.key));
    },
    async readText(key, signal) {
      try {
        const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), {
          abortSignal: signal,
        });
        return res.Body ? await res.Body.transformToString('utf8') : '';
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
    },
    async download(key, toPath, signal) {
      const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
      if (!res.Body) throw new Error(`${key}: empty response body`);
      let bytes = 0;
      const body = res.Body as Readable;
      body.on('data', (c: Buffer) => (bytes += c.length));
      await pipeline(body, createWriteStream(toPath), { signal });
      if (res.ContentLength !== undefined && bytes !== res.ContentLength)
        throw new Error(`${key}: the body ended after ${bytes} of ${res.ContentLength} bytes`);
      return bytes;
    },
    async readStart(key, bytes, signal) {
      const res = await s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${Math.max(0, bytes - 1)}` }),
        { abortSignal: signal },
      );
      if (!res.Body) return Buffer.alloc(0);
      return Buffer.from(await res.Body.transformToByteArray()).subarray(0, bytes);
    },
  };
}
