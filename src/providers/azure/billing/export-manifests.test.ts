import { describe, expect, it } from 'vitest';
import { manifestBlobsOf, newestRuns, parseExportManifest } from './export-manifests.js';

const manifest = (runId: string, submittedTime: string, start = '2025-05-01T00:00:00') =>
  JSON.stringify({
    exportConfig: { exportName: 'daily', type: 'FocusCost' },
    runInfo: { runId, submittedTime, startDate: start, endDate: '2025-05-31T00:00:00' },
    blobs: [{ blobName: `costs/daily/20250501-20250531/${runId}/part_0_0001.csv.gz`, byteCount: 10 }],
  });

describe('Azure export manifests', () => {
  it('finds the run manifests of one export only', () => {
    const names = [
      'costs/daily/20250501-20250531/r1/manifest.json',
      'costs/daily/20250501-20250531/r1/part_0_0001.csv.gz',
      'costs/daily-old/20250501-20250531/r1/manifest.json',
      'costs/daily/manifest.json',
    ];
    expect(manifestBlobsOf(names, '/costs/', 'daily')).toEqual([
      'costs/daily/20250501-20250531/r1/manifest.json',
    ]);
  });

  it('keeps the newest run of each period (new-file exports keep older runs beside it)', () => {
    const runs = [
      parseExportManifest('a', manifest('r1', '2025-06-09T07:00:00Z')),
      parseExportManifest('b', manifest('r2', '2025-06-10T07:00:00Z')),
      parseExportManifest('c', manifest('r3', '2025-06-01T07:00:00Z', '2025-06-01T00:00:00')),
    ];
    const newest = newestRuns(runs);
    expect([...newest.keys()].sort()).toEqual(['2025-05', '2025-06']);
    expect(newest.get('2025-05')?.blobs).toEqual(['costs/daily/20250501-20250531/r2/part_0_0001.csv.gz']);
  });

  it.each([
    ['not json', '{', 'm.json is not JSON'],
    [
      'no blobs',
      JSON.stringify({ exportConfig: { exportName: 'x', type: 'y' }, runInfo: {} }),
      'm.json: runInfo.runId',
    ],
  ])('refuses a manifest that is %s, naming the field', (_what, text, message) => {
    expect(() => parseExportManifest('m.json', text)).toThrow(message);
  });
});
