import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../sim/index.js';
import type { PeriodResult } from '../../src/providers/aws/billing/aws-billing.js';
import { ENGINES } from '../helpers/stores.js';
import {
  closeBillingFixture,
  exportLocation,
  openBillingFixture,
  s3Client,
  type BillingFixture,
} from './harness.js';

/**
 * A CSV row with one field fewer than its header. DuckDB's first line only says where ("CSV Error on Line: N");
 * the cause is on the next ("Expected Number of Columns: X Found: Y"). The diagnostic keeps both, with the S3 key,
 * and a fix about the row rather than about other writers in the prefix.
 */
let sim: Simulator;
let s3: S3Client;
let key = '';
let expected = 0;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

beforeAll(async () => {
  sim = await startSimulator('small');
  s3 = s3Client(sim);
  const bucketDir = path.join(sim.dataDir, 'buckets', 'small-cur');
  const manifestPath = filesUnder(bucketDir).find(
    (f) => f.endsWith('small-legacy-Manifest.json') && f.includes('20250301-'),
  );
  if (!manifestPath) throw new Error('no legacy manifest for 2025-03');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { reportKeys: string[] };
  key = manifest.reportKeys[0].replace(/^s3:\/\/[^/]+\//, '');
  const file = path.join(bucketDir, ...key.split('/'));
  const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
  expected = lines[0].split(',').length;
  // Line 3 of the file (the header is line 1) loses its last field, as a row cut short would.
  lines[2] = lines[2].slice(0, lines[2].lastIndexOf(','));
  writeFileSync(file, gzipSync(lines.join('\n')));
  writeFileSync(manifestPath, JSON.stringify({ ...manifest, refreshedBy: 'parse-errors-test' }));
}, 120_000);

afterAll(async () => {
  s3?.destroy();
  await sim?.close();
});

describe.each(ENGINES)('a CSV row with a missing field on %s', (engine) => {
  let fx: BillingFixture;
  let march: PeriodResult | undefined;

  beforeAll(async () => {
    fx = await openBillingFixture(engine, sim);
    const r = await fx.billing.syncExport({
      orgId: 'org-1',
      cloudAccountId: 'ca-legacy',
      awsAccountId: sim.world.payerAccountId,
      export: exportLocation(sim, 'small-legacy'),
      edp: true,
      memberImport: 'all',
      connectedAccountIds: [],
      s3,
    });
    march = r.periods.find((p) => p.period === '2025-03');
  }, 120_000);
  afterAll(() => closeBillingFixture(fx));

  it('fails the period with the key, the line and both column counts, and a fix that fits', () => {
    expect(march?.status).toBe('failed');
    const d = march?.diagnostic;
    expect(d?.code).toBe('billing_csv_columns');
    expect(d?.key).toBe(key);
    expect(d?.message).toContain(
      `${key}: line 3 has ${expected - 1} fields where the header has ${expected}`,
    );
    // DuckDB's own words are kept after its first line, without its reader options or our scratch paths.
    expect(d?.message).toContain('CSV Error on Line: 3');
    expect(d?.message).toContain(`Expected Number of Columns: ${expected} Found: ${expected - 1}`);
    expect(d?.message).not.toMatch(/Possible fixes|strict_mode|cloudtally-billing-test/);
    expect(d?.message.length).toBeLessThan(900);
    expect(d?.remediation).toContain(`line 3 of ${key}`);
    expect(d?.remediation).not.toMatch(/nothing else writes/);
  });

  it('records the same diagnostic on the period', async () => {
    const [row] = await fx.store.query<{ state: string; error: string }>(
      `SELECT state, error FROM billing_periods WHERE cloud_account_id = 'ca-legacy' AND billing_period = '2025-03-01'`,
    );
    expect(row.state).toBe('failed');
    expect((JSON.parse(row.error) as { code: string }).code).toBe('billing_csv_columns');
  });
});
