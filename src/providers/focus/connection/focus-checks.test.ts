import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ObjectStore } from '../../object-store/object-store.js';
import { REQUIRED_FOCUS_COLUMNS } from '../focus-columns.js';
import { PARQUET_HEADER_MAX_BYTES } from '../file-columns.js';
import { checkFocusExport } from './focus-checks.js';

const HEADER = [...REQUIRED_FOCUS_COLUMNS.map((alts) => alts[0]), 'ResourceId'];

/** A FOCUS CSV of many lines of varied values (several MiB even gzipped): the check must need only its start. */
function bigCsv(lines: number): Buffer {
  const rows = Array.from({ length: lines }, () =>
    HEADER.map(() => randomBytes(6).toString('hex')).join(','),
  );
  return Buffer.from(`${HEADER.join(',')}\n${rows.join('\n')}\n`);
}

/** An in-memory store that answers ranged reads only: a whole download fails the test. */
function rangedOnly(objects: Record<string, Buffer | number>): ObjectStore & { ranged: string[] } {
  const ranged: string[] = [];
  return {
    where: 'memory://test',
    ranged,
    list: () =>
      Promise.resolve(
        Object.entries(objects).map(([key, body]) => ({
          key,
          size: typeof body === 'number' ? body : body.length,
          etag: key,
        })),
      ),
    readText: () => Promise.resolve(undefined),
    download: (key) => Promise.reject(new Error(`${key} was downloaded whole`)),
    readStart: (key, bytes) => {
      ranged.push(key);
      const body = objects[key];
      return Promise.resolve(typeof body === 'number' ? Buffer.alloc(0) : body.subarray(0, bytes));
    },
  };
}

describe('FOCUS export header check', () => {
  const now = new Date('2026-12-01T00:00:00Z');
  const loc = { endpoint: 'memory://test', bucket: 'b', prefix: 'focus' };

  it('reads only the start of a large CSV and of a large gzip CSV, cutting the last partial line', async () => {
    for (const [key, body] of [
      ['focus/part-1.csv', bigCsv(20_000)],
      ['focus/part-1.csv.gz', gzipSync(bigCsv(40_000))],
    ] as const) {
      expect(body.length).toBeGreaterThan(1 << 20);
      const store = rangedOnly({ [key]: body });
      const report = await checkFocusExport(store, loc, now);
      expect(
        report.steps.find((s) => s.step === 'header'),
        key,
      ).toMatchObject({
        state: 'pass',
        code: 'focus_header_ok',
      });
      expect(store.ranged).toEqual([key]);
    }
  });

  it('names the missing FOCUS columns from the start of the file', async () => {
    const store = rangedOnly({ 'focus/a.csv': Buffer.from('BilledCost,ServiceName\n1,EC2\n') });
    const header = (await checkFocusExport(store, loc, now)).steps.find((s) => s.step === 'header');
    expect(header?.state).toBe('fail');
    expect(header?.message).toContain('EffectiveCost');
  });

  it('leaves a Parquet export whose smallest file is too large to fetch now to the first sync', async () => {
    const store = rangedOnly({ 'focus/big.parquet': PARQUET_HEADER_MAX_BYTES + 1 });
    const report = await checkFocusExport(store, loc, now);
    expect(report.steps.find((s) => s.step === 'header')).toMatchObject({ state: 'skipped' });
    expect(report.ok).toBe(true);
  });
});
