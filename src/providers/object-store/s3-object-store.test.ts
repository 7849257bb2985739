import type { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { s3ObjectStore } from './s3-object-store.js';

describe('S3 object store listing', () => {
  it('stops with a clear error when the service repeats a continuation token', async () => {
    let calls = 0;
    const s3 = {
      send: () => {
        calls++;
        return Promise.resolve({
          Contents: [{ Key: `focus/${calls}.csv`, Size: 1, ETag: '"e"' }],
          IsTruncated: true,
          NextContinuationToken: 'same-token',
        });
      },
    } as unknown as S3Client;
    await expect(s3ObjectStore(s3, 'bills', 'http://127.0.0.1:9').list('focus')).rejects.toThrow(
      'Listing s3://bills/focus/ at http://127.0.0.1:9 did not end: the service repeated a continuation token',
    );
    expect(calls).toBe(2);
  });

  it('follows distinct continuation tokens to the last page', async () => {
    const pages = [
      { Contents: [{ Key: 'b.csv', Size: 2, ETag: '"2"' }], IsTruncated: true, NextContinuationToken: 't1' },
      { Contents: [{ Key: 'a.csv', Size: 1, ETag: '"1"' }], IsTruncated: false },
    ];
    const s3 = { send: () => Promise.resolve(pages.shift()) } as unknown as S3Client;
    expect(await s3ObjectStore(s3, 'bills').list('')).toEqual([
      { key: 'a.csv', size: 1, etag: '1' },
      { key: 'b.csv', size: 2, etag: '2' },
    ]);
  });
});
