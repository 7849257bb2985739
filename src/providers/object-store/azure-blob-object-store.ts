/** The object-store port over an Azure Blob Storage container, with the official @azure/storage-blob client. */
import type { ContainerClient } from '@azure/storage-blob';
import { folderPrefix, type ObjectStore, type StoredObject } from './object-store.js';

const isMissing = (err: unknown) => (err as { statusCode?: number }).statusCode === 404;

export function azureBlobObjectStore(container: ContainerClient): ObjectStore {
  return {
    where: container.url,
    async list(prefix, signal) {
      const out: StoredObject[] = [];
      const iter = container.listBlobsFlat({
        prefix: folderPrefix(prefix) || undefined,
        abortSignal: signal,
      });
      for await (const b of iter) {
        out.push({
          key: b.name,
          size: b.properties.contentLength ?? 0,
          etag: (b.properties.etag ?? '').replace(/"/g, ''),
        });
      }
      return out.sort((a, b) => a.key.localeCompare(b.key));
    },
    async readText(key, signal) {
      try {
        const buf = await container.getBlobClient(key).downloadToBuffer(undefined, undefined, {
          abortSignal: signal,
        });
        return buf.toString('utf8');
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
    },
    async download(key, toPath, signal) {
      const props = await container
        .getBlobClient(key)
        .downloadToFile(toPath, undefined, undefined, { abortSignal: signal });
      return props.contentLength ?? 0;
    },
    async readStart(key, bytes, signal) {
      // A ranged GET answers the bytes there are when the blob is shorter than the range (downloadToBuffer would
      // insist on `bytes`); an empty blob has no byte 0 to start at (416).
      try {
        const res = await container.getBlobClient(key).download(0, bytes, { abortSignal: signal });
        const chunks: Buffer[] = [];
        for await (const chunk of res.readableStreamBody ?? []) chunks.push(Buffer.from(chunk as Buffer));
        return Buffer.concat(chunks).subarray(0, bytes);
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 416) return Buffer.alloc(0);
        throw err;
      }
    },
  };
}
