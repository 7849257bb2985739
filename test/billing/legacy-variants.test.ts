import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import type { S3Client } from '@aws-sdk/client-s3';
import { startSimulator, type Simulator } from '../../sim/index.js';
import {
  createAwsBillingService,
  type AwsBillingService,
} from '../../src/providers/aws/billing/aws-billing.js';
import { LINE_ITEM_COLUMNS } from '../../src/providers/aws/billing/focus-mapping.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase, type TestDatabase } from '../helpers/stores.js';
import { clockAt, s3Client } from './harness.js';
import { zipOneFile } from './zip.js';

/**
 * The legacy CUR variants, made from the simulator's legacy CSV export of the same line items: the
 * Parquet/Athena variant (snake_case columns, `year=/month=` folders) with and without period manifests,
 * and ZIP-compressed CSV whose February lacks two optional columns.
 */

let sim: Simulator;
let s3: S3Client;
let db: TestDatabase;
let store: Store;
let billing: AwsBillingService;
let work: string;

const PERIODS = [
  { label: '2025-02', folder: '20250201-20250301', month: 2 },
  { label: '2025-03', folder: '20250301-20250401', month: 3 },
];
const bucketDir = () => path.join(sim.dataDir, 'buckets', 'small-cur');
const put = (key: string, body: string | Buffer) => {
  const p = path.join(bucketDir(), ...key.split('/'));
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, body);
  return p;
};

/** Athena's column name for a legacy header, written independently of the code under test. */
const athena = (header: string) => {
  const snake = (s: string) =>
    s
      .replace(/([A-Z])/g, '_$1')
      .toLowerCase()
      .replace(/^_/, '');
  const [category, name] = header.split('/');
  return `${snake(category)}_${snake(name)}`.replace(/[^a-z0-9_]/g, '_');
};
const NUMERIC = /(cost|amount|fee|commitment|rate|factor|quantity)$/;

beforeAll(async () => {
  sim = await startSimulator('small');
  s3 = s3Client(sim);
  work = mkdtempSync(path.join(tmpdir(), 'cloudtally-billing-legacy-'));
  const duck = await DuckDBInstance.create(':memory:');
  const conn = await duck.connect();
  for (const p of PERIODS) {
    const manifest = JSON.parse(
      readFileSync(
        path.join(bucketDir(), 'legacy', 'small-legacy', p.folder, 'small-legacy-Manifest.json'),
        'utf8',
      ),
    ) as Record<string, unknown>;
    const csv = (manifest.reportKeys as string[])
      .map((k, i) => {
        const text = gunzipSync(readFileSync(path.join(bucketDir(), ...k.split('/')))).toString('utf8');
        return i === 0 ? text : text.slice(text.indexOf('\n') + 1);
      })
      .join('');
    const local = path.join(work, `${p.label}.csv`);
    writeFileSync(local, csv);
    const headers = csv.slice(0, csv.indexOf('\n')).split(',');

    // Parquet with Athena names and types, with a manifest, and without one under another report name.
    const select = headers
      .map((h) => {
        const src = `"${h}"`;
        const name = athena(h);
        if (/usage_(start|end)_date$/.test(name)) return `CAST(${src} AS TIMESTAMP) AS ${name}`;
        if (NUMERIC.test(name) && !name.startsWith('resource_tags'))
          return `CAST(NULLIF(${src}, '') AS DOUBLE) AS ${name}`;
        return `${src} AS ${name}`;
      })
      .join(', ');
    for (const report of ['pq-legacy', 'athena-only']) {
      const key = `legacy/${report}/${report}/year=2025/month=${p.month}/${report}-00001.snappy.parquet`;
      const file = put(key, '');
      await conn.run(
        `COPY (SELECT ${select} FROM read_csv('${local}', header = true, all_varchar = true)) TO '${file}' (FORMAT parquet)`,
      );
      if (report === 'pq-legacy') {
        put(
          `legacy/${report}/${p.folder}/${report}-Manifest.json`,
          JSON.stringify({
            ...manifest,
            reportName: report,
            compression: 'Parquet',
            contentType: 'Parquet',
            reportKeys: [key],
          }),
        );
      }
    }

    // ZIP-compressed CSV; February's lacks the resource ID and public price columns.
    let zipCsv = csv;
    if (p.label === '2025-02') {
      const drop = ['lineItem/ResourceId', 'pricing/publicOnDemandCost'].map((h) => headers.indexOf(h));
      const keptCols = headers.map((_, i) => i).filter((i) => !drop.includes(i));
      const projected = keptCols.map((i) => `"${headers[i]}"`).join(', ');
      const out = path.join(work, 'feb-projected.csv');
      await conn.run(
        `COPY (SELECT ${projected} FROM read_csv('${local}', header = true, all_varchar = true)) TO '${out}' (FORMAT csv, HEADER true)`,
      );
      zipCsv = readFileSync(out, 'utf8');
    }
    const zipKey = `legacy/zip-legacy/${p.folder}/assembly-1/zip-legacy-1.csv.zip`;
    put(zipKey, zipOneFile('zip-legacy-1.csv', Buffer.from(zipCsv)));
    put(
      `legacy/zip-legacy/${p.folder}/zip-legacy-Manifest.json`,
      JSON.stringify({ ...manifest, reportName: 'zip-legacy', compression: 'ZIP', reportKeys: [zipKey] }),
    );
  }
  conn.closeSync();
  duck.closeSync();

  db = await createTestDatabase('duckdb');
  store = await db.open();
  billing = createAwsBillingService({ store, clock: clockAt(sim), tmpDir: work });
  for (const name of ['small-legacy', 'pq-legacy', 'athena-only', 'zip-legacy']) {
    const r = await billing.syncExport({
      orgId: 'org-1',
      cloudAccountId: name,
      awsAccountId: sim.world.payerAccountId,
      export: { type: 'legacy', name, bucket: 'small-cur', prefix: 'legacy', region: 'us-east-1' },
      edp: true,
      memberImport: 'all',
      connectedAccountIds: [],
      s3,
    });
    expect(
      r.periods.map((x) => `${x.period}:${x.status}`),
      name,
    ).toEqual(['2025-02:loaded', '2025-03:loaded']);
  }
}, 120_000);

afterAll(async () => {
  await store?.close();
  await db?.destroy();
  s3?.destroy();
  await sim?.close();
  rmSync(work, { recursive: true, force: true });
});

async function rows(cloudAccountId: string, period: string, without: string[] = []): Promise<string[]> {
  const cols = LINE_ITEM_COLUMNS.filter((c) => c !== 'cloud_account_id' && !without.includes(c)).map((c) =>
    ['charge_period_start', 'charge_period_end', 'usage_date', 'billing_period'].includes(c)
      ? `CAST(${c} AS VARCHAR) AS ${c}`
      : c,
  );
  const out = await store.query(
    `SELECT ${cols.join(', ')} FROM cost_line_items WHERE cloud_account_id = $1 AND billing_period = CAST($2 AS DATE)`,
    [cloudAccountId, `${period}-01`],
  );
  return out.map((r) => JSON.stringify(r)).sort();
}

describe('legacy CUR variants', () => {
  it('Parquet with Athena names and a manifest gives the rows of the CSV export, cost category names as AWS spells them', async () => {
    for (const p of PERIODS) {
      const want = await rows('small-legacy', p.label);
      expect(want.length).toBeGreaterThan(100);
      expect(want.some((r) => r.includes('CostCenter'))).toBe(true);
      expect(await rows('pq-legacy', p.label)).toEqual(want);
    }
  });

  it('Parquet with Athena names and no manifest gives the same rows; cost category names keep the only spelling the file has', async () => {
    for (const p of PERIODS) {
      const want = await rows('small-legacy', p.label, ['x_cost_categories']);
      expect(await rows('athena-only', p.label, ['x_cost_categories'])).toEqual(want);
    }
    // Athena's column `cost_category_cost_center` is all a manifest-less export says of the name `CostCenter`.
    const categories = async (account: string) =>
      (
        await store.query<{ c: string }>(
          `SELECT DISTINCT x_cost_categories AS c FROM cost_line_items WHERE cloud_account_id = $1 AND x_cost_categories IS NOT NULL`,
          [account],
        )
      )
        .map((r) => JSON.parse(r.c) as Record<string, string>)
        .map((o) => JSON.stringify(Object.entries(o).sort()))
        .sort();
    const spelled = await categories('small-legacy');
    expect(spelled.some((c) => c.includes('"CostCenter"'))).toBe(true);
    const snake = (k: string) => k.replace(/(?<!^)([A-Z])/g, '_$1').toLowerCase();
    const want = spelled
      .map((c) => JSON.stringify((JSON.parse(c) as [string, string][]).map(([k, v]) => [snake(k), v]).sort()))
      .sort();
    expect(await categories('athena-only')).toEqual(want);
  });

  it('ZIP CSV gives the same rows; a missing optional column is null, not an error', async () => {
    expect(await rows('zip-legacy', '2025-03')).toEqual(await rows('small-legacy', '2025-03'));
    const dropped = ['resource_id', 'list_cost'];
    expect(await rows('zip-legacy', '2025-02', dropped)).toEqual(
      await rows('small-legacy', '2025-02', dropped),
    );
    const [nulls] = await store.query<{ r: number; l: number }>(
      `SELECT count(resource_id) AS r, count(list_cost) AS l FROM cost_line_items
       WHERE cloud_account_id = 'zip-legacy' AND billing_period = DATE '2025-02-01'`,
    );
    expect([Number(nulls.r), Number(nulls.l)]).toEqual([0, 0]);
  });
});
