/**
 * A FOCUS export generator with the quirks real ones have, and its ground truth: several providers (AWS,
 * Microsoft, Google Cloud) and several currencies in one file, `NULL` written as text, timestamps space-separated
 * on some rows and ISO with `Z` on others, tags as JSON text, provider-specific `x_` columns. Written as gzip CSV
 * or Parquet (one file per billing period), deterministically from a seed. Amounts have four decimals, so the
 * truth (sums rounded to the cent) is exact.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';

export interface FocusTruthRow {
  provider: 'aws' | 'azure' | 'gcp';
  account: string;
  service: string;
  day: string;
  currency: string;
  billed: number;
  effective: number;
}

export interface FocusExportOptions {
  /** First month (`YYYY-MM`); `months` months are written. */
  from: string;
  months: number;
  seed: number;
  format: 'csv' | 'parquet';
  /** Folder the files are written to (`<period>.csv.gz` / `<period>.parquet`). */
  dir: string;
}

export interface FocusExport {
  files: string[];
  rows: number;
  truth: FocusTruthRow[];
}

const PROVIDERS = [
  {
    name: 'AWS',
    id: 'aws',
    currency: 'USD',
    accounts: ['111122223333', '444455556666'],
    services: ['Amazon Elastic Compute Cloud', 'Amazon Simple Storage Service'],
  },
  {
    name: 'Microsoft',
    id: 'azure',
    currency: 'EUR',
    accounts: ['sub-a1', 'sub-b2'],
    services: ['Virtual Machines', 'Storage'],
  },
  {
    name: 'Google Cloud',
    id: 'gcp',
    currency: 'JPY',
    accounts: ['proj-one', 'proj-two'],
    services: ['Compute Engine', 'Cloud Storage'],
  },
] as const;

const COLUMNS = [
  'BillingAccountId',
  'BillingCurrency',
  'BillingPeriodStart',
  'BillingPeriodEnd',
  'ChargePeriodStart',
  'ChargePeriodEnd',
  'ChargeCategory',
  'ChargeDescription',
  'ProviderName',
  'PublisherName',
  'InvoiceIssuerName',
  'SubAccountId',
  'SubAccountName',
  'ServiceName',
  'ServiceCategory',
  'RegionId',
  'ResourceId',
  'BilledCost',
  'EffectiveCost',
  'ListCost',
  'ContractedCost',
  'ConsumedQuantity',
  'PricingUnit',
  'Tags',
  'x_ServiceCode',
  'x_Discounts',
] as const;

/** Deterministic pseudo-random integers (mulberry32). */
function rng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
}

const csvField = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const fixed4 = (units: number) => (units / 10_000).toFixed(4);

export async function generateFocusExport(opts: FocusExportOptions): Promise<FocusExport> {
  const r = rng(opts.seed);
  mkdirSync(opts.dir, { recursive: true });
  const sums = new Map<string, FocusTruthRow & { b: number; e: number }>();
  const files: string[] = [];
  let rows = 0;
  const [y, m] = opts.from.split('-').map(Number);
  for (let k = 0; k < opts.months; k++) {
    const start = new Date(Date.UTC(y, m - 1 + k, 1));
    const end = new Date(Date.UTC(y, m + k, 1));
    const period = start.toISOString().slice(0, 7);
    const lines: string[][] = [];
    for (let d = start.getTime(); d < end.getTime(); d += 86_400_000) {
      const day = new Date(d).toISOString().slice(0, 10);
      const next = new Date(d + 86_400_000).toISOString().slice(0, 10);
      for (const p of PROVIDERS) {
        for (const account of p.accounts) {
          for (const service of p.services) {
            const billedUnits = 1 + r(5_000_000);
            const effUnits = Math.max(0, billedUnits - r(100_000));
            // Quirks: half the rows space-separated timestamps, the others ISO with Z; NULL text for blanks.
            const space = r(2) === 0;
            const ts = (date: string) => (space ? `${date} 00:00:00` : `${date}T00:00:00Z`);
            const tags =
              r(3) === 0 ? 'NULL' : JSON.stringify({ env: r(2) ? 'prod' : 'dev', team: `t${r(4)}` });
            lines.push([
              `${p.id}-billing`,
              p.currency,
              ts(`${period}-01`),
              ts(end.toISOString().slice(0, 10)),
              ts(day),
              ts(next),
              'Usage',
              r(4) === 0 ? 'NULL' : `${service} usage`,
              p.name,
              p.name,
              p.name,
              account,
              r(2) === 0 ? 'NULL' : `${account} name`,
              service,
              'Compute',
              r(3) === 0 ? 'NULL' : 'region-1',
              r(2) === 0 ? 'NULL' : `res-${account}-${r(50)}`,
              fixed4(billedUnits),
              fixed4(effUnits),
              fixed4(billedUnits + 100),
              fixed4(billedUnits),
              String(1 + r(24)),
              'Hours',
              tags,
              r(2) === 0 ? 'NULL' : service.replace(/\W/g, ''),
              JSON.stringify({ edp: r(10) }),
            ]);
            const key = `${p.id}|${account}|${service}|${day}`;
            const s = sums.get(key) ?? {
              provider: p.id,
              account,
              service,
              day,
              currency: p.currency,
              billed: 0,
              effective: 0,
              b: 0,
              e: 0,
            };
            s.b += billedUnits;
            s.e += effUnits;
            sums.set(key, s);
          }
        }
      }
    }
    rows += lines.length;
    const csv = `${[COLUMNS.join(','), ...lines.map((l) => l.map(csvField).join(','))].join('\n')}\n`;
    if (opts.format === 'csv') {
      const file = path.join(opts.dir, `${period}.csv.gz`);
      writeFileSync(file, gzipSync(csv));
      files.push(file);
    } else {
      const tmp = path.join(opts.dir, `${period}.tmp.csv`);
      writeFileSync(tmp, csv);
      const file = path.join(opts.dir, `${period}.parquet`);
      const db = await DuckDBInstance.create(':memory:');
      const c = await db.connect();
      const nul = (col: string) => `NULLIF("${col}", 'NULL')`;
      // Parquet as a writer would type it: money as DOUBLE, instants as TIMESTAMPTZ, tags as a MAP.
      await c.run(`SET TimeZone = 'UTC'`);
      await c.run(
        `COPY (SELECT * REPLACE (
            CAST(BilledCost AS DOUBLE) AS BilledCost, CAST(EffectiveCost AS DOUBLE) AS EffectiveCost,
            CAST(ListCost AS DOUBLE) AS ListCost, CAST(ContractedCost AS DOUBLE) AS ContractedCost,
            CAST(ConsumedQuantity AS DOUBLE) AS ConsumedQuantity,
            CAST(ChargePeriodStart AS TIMESTAMPTZ) AS ChargePeriodStart, CAST(ChargePeriodEnd AS TIMESTAMPTZ) AS ChargePeriodEnd,
            CAST(BillingPeriodStart AS TIMESTAMPTZ) AS BillingPeriodStart, CAST(BillingPeriodEnd AS TIMESTAMPTZ) AS BillingPeriodEnd,
            CAST(json_transform(${nul('Tags')}, '"MAP(VARCHAR, VARCHAR)"') AS MAP(VARCHAR, VARCHAR)) AS Tags,
            ${nul('SubAccountName')} AS SubAccountName, ${nul('RegionId')} AS RegionId, ${nul('ResourceId')} AS ResourceId,
            ${nul('ChargeDescription')} AS ChargeDescription, ${nul('x_ServiceCode')} AS x_ServiceCode)
          FROM read_csv('${tmp}', header = true, all_varchar = true))
         TO '${file}' (FORMAT parquet)`,
      );
      c.closeSync();
      db.closeSync();
      rmSync(tmp);
      files.push(file);
    }
  }
  const truth = [...sums.values()].map(({ b, e, ...t }) => ({
    ...t,
    billed: Math.round(b / 100) / 100,
    effective: Math.round(e / 100) / 100,
  }));
  return { files, rows, truth };
}
