import { describe, expect, it } from 'vitest';
import { BillingLoadError } from '../../../billing/diagnostics.js';
import { exportKey, fileKind, parseCur2Manifest, parseLegacyManifest, periodStart } from './manifests.js';
import { joinKey, parseS3Ref } from './s3-files.js';

describe('manifests', () => {
  it('reads a CUR 2.0 manifest with s3:// URIs and bare keys, ignoring unknown fields', () => {
    const text = JSON.stringify({
      executionId: 'e-1',
      exportArn: 'arn:aws:bcm-data-exports:us-east-1:1:export/x',
      billingPeriod: { start: '2025-02-01T00:00:00.000Z', end: '2025-03-01T00:00:00.000Z' },
      dataFiles: [
        's3://other-bucket/cur2/x/data/BILLING_PERIOD=2025-02/x-00001.snappy.parquet',
        'cur2/x/data/BILLING_PERIOD=2025-02/x-00002.csv.gz',
      ],
      columns: [{ name: 'line_item_usage_account_id', type: 'string' }],
      somethingNew: true,
    });
    const m = parseCur2Manifest(
      text,
      'cur2/x/metadata/BILLING_PERIOD=2025-02/x-Manifest.json',
      'bucket',
      '2025-02-01',
    );
    expect(m.files).toEqual([
      {
        bucket: 'other-bucket',
        key: 'cur2/x/data/BILLING_PERIOD=2025-02/x-00001.snappy.parquet',
        format: 'parquet',
        compression: 'none',
      },
      {
        bucket: 'bucket',
        key: 'cur2/x/data/BILLING_PERIOD=2025-02/x-00002.csv.gz',
        format: 'csv',
        compression: 'gzip',
      },
    ]);
    expect(m.identity).toMatch(/^[0-9a-f]{64}$/);
    expect(parseCur2Manifest(`${text} `, 'k', 'bucket', '2025-02-01').identity).not.toBe(m.identity);
  });

  it('reads a legacy manifest: only reportKeys, with the declared compression', () => {
    const text = JSON.stringify({
      assemblyId: 'a-1',
      compression: 'ZIP',
      bucket: 'legacy-bucket',
      billingPeriod: { start: '20250201T000000.000Z', end: '20250301T000000.000Z' },
      reportKeys: ['legacy/r/20250201-20250301/a-1/r-1.csv.zip'],
    });
    const m = parseLegacyManifest(text, 'legacy/r/20250201-20250301/r-Manifest.json', 'bucket', '2025-02-01');
    expect(m.files).toEqual([
      {
        bucket: 'legacy-bucket',
        key: 'legacy/r/20250201-20250301/a-1/r-1.csv.zip',
        format: 'csv',
        compression: 'zip',
      },
    ]);
  });

  it.each([
    ['x.snappy.parquet', undefined, 'parquet', 'none'],
    ['x.csv.gz', undefined, 'csv', 'gzip'],
    ['x.csv.zip', undefined, 'csv', 'zip'],
    ['x-1', 'Parquet', 'parquet', 'none'],
    ['x-1', 'GZIP', 'csv', 'gzip'],
    ['x.csv', undefined, 'csv', 'none'],
  ])('file kind of %s (%s)', (key, declared, format, compression) => {
    expect(fileKind(key, declared)).toEqual({ format, compression });
  });

  it.each([
    ['2025-02', '2025-02-01'],
    ['20250201T000000.000Z', '2025-02-01'],
    ['2025-02-01T00:00:00Z', '2025-02-01'],
    ['2025-13', undefined],
    ['soon', undefined],
  ])('period start of %s', (text, want) => {
    expect(periodStart(text)).toBe(want);
  });

  it('reports a manifest that is not JSON, or lacks its file list, with its key', () => {
    const bad = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return err instanceof BillingLoadError ? err.diagnostic : undefined;
      }
      return undefined;
    };
    expect(bad(() => parseCur2Manifest('{not json', 'm.json', 'b', '2025-02-01'))).toMatchObject({
      code: 'billing_manifest_invalid',
      key: 'm.json',
    });
    expect(bad(() => parseLegacyManifest('{"assemblyId":"x"}', 'l.json', 'b', '2025-02-01'))).toMatchObject({
      code: 'billing_manifest_invalid',
      key: 'l.json',
    });
  });

  it('joins keys and parses references', () => {
    expect(joinKey('', 'x', 'metadata')).toBe('x/metadata');
    expect(joinKey('/cur/', 'x/', '/data')).toBe('cur/x/data');
    expect(parseS3Ref('s3://b/k/1.gz', 'd')).toEqual({ bucket: 'b', key: 'k/1.gz' });
    expect(parseS3Ref('/k/1.gz', 'd')).toEqual({ bucket: 'd', key: 'k/1.gz' });
    expect(exportKey({ type: 'cur2', name: 'x', bucket: 'b', prefix: 'p/', region: 'us-east-1' })).toBe(
      'cur2:s3://b/p/x',
    );
  });
});
