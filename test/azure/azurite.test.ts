import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { blobServiceClient } from '../../src/providers/azure/sdk/http-client.js';
import { startAzurite, type Azurite } from '../helpers/azurite.js';

describe('Azurite started by the tests (real Azure Blob Storage emulator)', () => {
  let azurite: Azurite;
  beforeAll(async () => {
    azurite = await startAzurite();
  });
  afterAll(async () => {
    await azurite?.close();
  });

  it('listens on a free loopback port over HTTPS and stores, lists and serves blobs through @azure/storage-blob', async () => {
    expect(azurite.port).toBeGreaterThan(0);
    expect(azurite.blobUrl).toBe(`https://127.0.0.1:${azurite.port}/devstoreaccount1`);
    const service = blobServiceClient(
      azurite.blobUrl,
      new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey),
      { extraCaPem: azurite.caPem },
    );
    const container = service.getContainerClient('exports');
    await container.create();
    const body = gzipSync('a,b\n1,2\n');
    await container.getBlockBlobClient('costs/run-1/part_0_0001.csv.gz').uploadData(body);
    await container.getBlockBlobClient('costs/run-1/manifest.json').uploadData(Buffer.from('{}'));
    const names: string[] = [];
    for await (const b of container.listBlobsFlat({ prefix: 'costs/' })) names.push(b.name);
    expect(names.sort()).toEqual(['costs/run-1/manifest.json', 'costs/run-1/part_0_0001.csv.gz']);
    const got = await container.getBlobClient('costs/run-1/part_0_0001.csv.gz').downloadToBuffer();
    expect(gunzipSync(got).toString()).toBe('a,b\n1,2\n');
  });

  it('refuses a client that does not trust its certificate, and a bearer token not issued by Entra ID', async () => {
    const untrusted = new BlobServiceClient(
      azurite.blobUrl,
      new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey),
      { retryOptions: { maxTries: 1 } },
    );
    await expect(untrusted.getContainerClient('exports').exists()).rejects.toThrow(/certificate/i);
    const bogus = blobServiceClient(
      azurite.blobUrl,
      { getToken: () => Promise.resolve({ token: 'not-a-jwt', expiresOnTimestamp: Date.now() + 3_600_000 }) },
      { extraCaPem: azurite.caPem, pipeline: { retryOptions: { maxTries: 1 } } },
    );
    await expect(bogus.getContainerClient('exports').exists()).rejects.toMatchObject({ statusCode: 403 });
  });
});
