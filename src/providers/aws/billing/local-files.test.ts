import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { zipOneFile } from '../../../../test/billing/zip.js';
import { BillingLoadError } from '../../../billing/diagnostics.js';
import { parseCsvRecord, readCsvHeader, sourceRelation, unzipFirstEntry } from './local-files.js';

let dir: string;
let instance: DuckDBInstance;
let db: DuckDBConnection;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cloudtally-local-files-'));
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
});
afterAll(() => {
  db.closeSync();
  instance.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

const CSV =
  'identity/LineItemId,lineItem/UsageAccountId,lineItem/UnblendedCost,resourceTags/user:team\n' +
  'a,012345678901,1.5,web\n' +
  'b,012345678901,"2,5",""\n';

describe('local billing files', () => {
  it('splits CSV records with RFC 4180 quoting', () => {
    expect(parseCsvRecord('a,"b,c","d ""e""",')).toEqual(['a', 'b,c', 'd "e"', '']);
  });

  it('reads the header of a gzip CSV, and none of an empty file', async () => {
    const gz = path.join(dir, 'h.csv.gz');
    writeFileSync(gz, gzipSync(CSV));
    expect(await readCsvHeader({ key: 'k', path: gz, format: 'csv', compression: 'gzip' })).toEqual([
      'identity/LineItemId',
      'lineItem/UsageAccountId',
      'lineItem/UnblendedCost',
      'resourceTags/user:team',
    ]);
    const empty = path.join(dir, 'empty.csv');
    writeFileSync(empty, '');
    expect(
      await readCsvHeader({ key: 'k', path: empty, format: 'csv', compression: 'none' }),
    ).toBeUndefined();
  });

  it('reads legacy CSV as text under canonical names, keeping leading zeros', async () => {
    const p = path.join(dir, 'legacy.csv');
    writeFileSync(p, CSV);
    const rel = await sourceRelation(db, [{ key: 'k', path: p, format: 'csv', compression: 'none' }]);
    expect([...rel.columns.keys()]).toEqual([
      'identity_line_item_id',
      'line_item_usage_account_id',
      'line_item_unblended_cost',
      '__tag__user:team',
    ]);
    const rows = (await db.runAndReadAll(`${rel.sql} ORDER BY 1`)).getRowsJS();
    expect(rows).toEqual([
      ['a', '012345678901', '1.5', 'web'],
      ['b', '012345678901', '2,5', null],
    ]);
  });

  it('reads a large CSV with quoted JSON maps using several threads', async () => {
    const p = path.join(dir, 'large.csv');
    await db.run(
      `COPY (SELECT lpad(range::VARCHAR, 12, '0') AS line_item_usage_account_id, range * 0.25 AS line_item_unblended_cost,
         to_json(MAP {'user_team': 'web, "blue"', 'user_env': 'prod'}) AS resource_tags,
         'line ' || range::VARCHAR || ', with a comma' AS line_item_line_item_description, '' AS line_item_resource_id,
         to_json(MAP {'product_name': 'x', 'region': ''}) AS product
       FROM range(400000)) TO '${p}' (FORMAT csv, HEADER true)`,
    );
    const rel = await sourceRelation(db, [{ key: 'k', path: p, format: 'csv', compression: 'none' }]);
    const [row] = (
      await db.runAndReadAll(
        `SELECT count(*), sum(CAST(line_item_unblended_cost AS DOUBLE)), count(DISTINCT resource_tags) FROM (${rel.sql})`,
      )
    ).getRowsJS();
    expect(row).toEqual([400000n, 0.25 * ((399999 * 400000) / 2), 1n]);
  });

  it('reads Parquet files with different columns by name (columns vary month to month)', async () => {
    const a = path.join(dir, 'a.parquet');
    const b = path.join(dir, 'b.parquet');
    await db.run(
      `COPY (SELECT '1' AS line_item_usage_account_id, 1.5::DOUBLE AS line_item_unblended_cost, 'web' AS resource_tags_user_team) TO '${a}' (FORMAT parquet)`,
    );
    await db.run(
      `COPY (SELECT '2' AS line_item_usage_account_id, 2.5::DOUBLE AS line_item_unblended_cost) TO '${b}' (FORMAT parquet)`,
    );
    const rel = await sourceRelation(db, [
      { key: 'ka', path: a, format: 'parquet', compression: 'none' },
      { key: 'kb', path: b, format: 'parquet', compression: 'none' },
    ]);
    expect(rel.columns.get('__tag__user:team')).toBe('VARCHAR');
    expect(rel.columns.get('line_item_unblended_cost')).toBe('DOUBLE');
    const rows = (await db.runAndReadAll(`SELECT * FROM (${rel.sql}) ORDER BY 1`)).getRowsJS();
    expect(rows).toEqual([
      ['1', 1.5, 'web'],
      ['2', 2.5, null],
    ]);
  });

  it('names a truncated Parquet file', async () => {
    const p = path.join(dir, 'broken.parquet');
    await db.run(`COPY (SELECT range AS x FROM range(1000)) TO '${p}' (FORMAT parquet)`);
    writeFileSync(p, readFileSync(p).subarray(0, 200));
    const err = await sourceRelation(db, [
      { key: 'bucket/key.parquet', path: p, format: 'parquet', compression: 'none' },
    ]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BillingLoadError);
    expect((err as BillingLoadError).diagnostic).toMatchObject({
      code: 'billing_file_corrupt',
      key: 'bucket/key.parquet',
    });
  });

  it.each(['deflate', 'store'] as const)('extracts a %s zip archive', async (method) => {
    const zip = path.join(dir, `r-${method}.csv.zip`);
    writeFileSync(zip, zipOneFile('r-1.csv', Buffer.from(CSV), method));
    const out = path.join(dir, `r-${method}.csv`);
    await unzipFirstEntry(zip, out, 'k.zip');
    expect(readFileSync(out, 'utf8')).toBe(CSV);
  });

  it('names a damaged zip archive', async () => {
    const zip = path.join(dir, 'bad.zip');
    writeFileSync(zip, zipOneFile('r-1.csv', Buffer.from(CSV)).subarray(0, 40));
    await expect(unzipFirstEntry(zip, path.join(dir, 'bad.csv'), 'legacy/bad.zip')).rejects.toMatchObject({
      diagnostic: { code: 'billing_file_corrupt', key: 'legacy/bad.zip' },
    });
  });
});
