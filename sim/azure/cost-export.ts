/**
 * Azure Cost Management exports as Cost Management writes them to a storage container, with ground truth to the
 * cent. Dataset `focus` (FOCUS 1.0: BilledCost and EffectiveCost on every row), `actual` (ActualCost) or `amortized`
 * (AmortizedCost; both in the Cost and usage details columns: `date` as MM/DD/YYYY, `costInBillingCurrency`, tags as
 * `"k": "v"` pairs without braces); CSV gzip or Parquet; one folder per run,
 * `DIR/EXPORT/YYYYMMDD-YYYYMMDD/RUNID/part_0_000N.<ext>` with the run's `manifest.json` listing its blobs.
 * `overwrite` keeps only the last run of a period; `new-file` keeps every run (an earlier cut of the month, lacking
 * its last day, stays beside the current one): a reader loads the blobs of the newest manifest only.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { generateCostLines, type AzureCostScenario, type CostLine } from './cost-lines.js';

export type AzureDataset = 'focus' | 'actual' | 'amortized';

export interface AzureExportSpec {
  name: string;
  dataset: AzureDataset;
  format: 'csv' | 'parquet';
  mode: 'overwrite' | 'new-file';
  /** Folder inside the container (no leading or trailing slash). */
  directory: string;
  rowsPerFile?: number;
}

export interface AzureDailyTruth {
  subscriptionId: string;
  serviceName: string;
  day: string;
  currency: string;
  /** Actual cost (FOCUS BilledCost); absent for an amortized-cost export. */
  billed?: number;
  /** Amortized cost (FOCUS EffectiveCost); absent for an actual-cost export. */
  amortized?: number;
}

export interface AzureExportTruth {
  dataset: AzureDataset;
  format: 'csv' | 'parquet';
  mode: 'overwrite' | 'new-file';
  currency: string;
  periods: Record<string, { billed?: number; amortized?: number; rows: number; manifest: string }>;
  daily: AzureDailyTruth[];
}

export interface GeneratedAzureExports {
  /** Blob name (container-relative) → local file. */
  blobs: Map<string, string>;
  truth: Record<string, AzureExportTruth>;
  lines: CostLine[];
}

const FOCUS_COLUMNS = [
  'BilledCost', 'BillingAccountId', 'BillingAccountName', 'BillingCurrency', 'BillingPeriodEnd',
  'BillingPeriodStart', 'ChargeCategory', 'ChargeDescription', 'ChargeFrequency', 'ChargePeriodEnd',
  'ChargePeriodStart', 'CommitmentDiscountId', 'CommitmentDiscountName', 'CommitmentDiscountStatus',
  'CommitmentDiscountType', 'ConsumedQuantity', 'ConsumedUnit', 'EffectiveCost', 'ListCost', 'PricingUnit',
  'ProviderName', 'RegionId', 'RegionName', 'ResourceId', 'ResourceName', 'ResourceType', 'ServiceCategory',
  'ServiceName', 'SubAccountId', 'SubAccountName', 'Tags', 'x_ResourceGroupName', 'x_SkuMeterName',
] as const; // prettier-ignore

const DETAIL_COLUMNS = [
  'billingAccountId', 'billingAccountName', 'billingCurrency', 'date', 'subscriptionId', 'subscriptionName',
  'resourceGroupName', 'ResourceId', 'resourceLocation', 'meterCategory', 'meterName', 'productName',
  'consumedService', 'quantity', 'unitOfMeasure', 'effectivePrice', 'costInBillingCurrency', 'chargeType',
  'pricingModel', 'frequency', 'benefitId', 'benefitName', 'tags',
] as const; // prettier-ignore

const cents = (x: number) => (Math.sign(x) * Math.round(Math.abs(x) * 100)) / 100;

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function focusRow(l: CostLine, s: AzureCostScenario): (string | number)[] {
  const month = l.day.slice(0, 7);
  const periodStart = `${month}-01T00:00:00Z`;
  const next = new Date(`${month}-01T00:00:00Z`);
  next.setUTCMonth(next.getUTCMonth() + 1);
  const end = new Date(Date.parse(`${l.day}T00:00:00Z`) + 86_400_000).toISOString().replace('.000', '');
  const category = l.chargeType === 'Purchase' ? 'Purchase' : 'Usage';
  const status = l.chargeType === 'UnusedReservation' ? 'Unused' : l.reservation ? 'Used' : '';
  return [
    l.actual, s.billingAccountId, s.billingAccountName, s.currency, next.toISOString().replace('.000', ''),
    periodStart, category, `${l.meterName} (${l.chargeType})`, l.chargeType === 'Purchase' ? 'One-Time' : 'Usage-Based',
    end, `${l.day}T00:00:00Z`, l.reservation?.id ?? '', l.reservation?.name ?? '', status,
    l.reservation ? 'Reservation' : '', l.quantity, l.unit, l.amortized, l.list, l.unit, 'Microsoft',
    l.region, l.region, l.resourceId, l.resourceName, l.resourceType, 'Compute', l.serviceName,
    `/subscriptions/${l.subscriptionId}`, l.subscriptionName, JSON.stringify(l.tags), l.resourceGroup, l.meterName,
  ]; // prettier-ignore
}

function detailRow(l: CostLine, s: AzureCostScenario, dataset: 'actual' | 'amortized'): (string | number)[] {
  const [y, m, d] = l.day.split('-');
  const cost = dataset === 'actual' ? l.actual : l.amortized;
  const tags = Object.entries(l.tags)
    .map(([k, v]) => `"${k}": "${v}"`)
    .join(',');
  return [
    s.billingAccountId, s.billingAccountName, s.currency, `${m}/${d}/${y}`, l.subscriptionId, l.subscriptionName,
    l.resourceGroup, l.resourceId, l.region, l.meterCategory, l.meterName, `${l.serviceName} ${l.meterName}`,
    l.resourceType.split('/')[0], l.quantity, l.unit, l.quantity ? cost / l.quantity : 0, cost, l.chargeType,
    l.pricingModel, l.chargeType === 'Purchase' ? 'OneTime' : 'UsageBased', l.reservation?.id ?? '',
    l.reservation?.name ?? '', tags,
  ]; // prettier-ignore
}

/** Lines of the dataset: actual has no unused-reservation rows, amortized no purchases. */
function linesOf(dataset: AzureDataset, lines: CostLine[]): CostLine[] {
  if (dataset === 'actual') return lines.filter((l) => l.chargeType !== 'UnusedReservation');
  if (dataset === 'amortized') return lines.filter((l) => l.chargeType !== 'Purchase');
  return lines;
}

function truthOf(spec: AzureExportSpec, currency: string, lines: CostLine[]) {
  const billed = spec.dataset !== 'amortized';
  const amortized = spec.dataset !== 'actual';
  const daily = new Map<string, AzureDailyTruth & { b: number; a: number }>();
  for (const l of lines) {
    const key = `${l.subscriptionId}|${l.serviceName}|${l.day}`;
    const t = daily.get(key) ?? {
      subscriptionId: l.subscriptionId,
      serviceName: l.serviceName,
      day: l.day,
      currency,
      b: 0,
      a: 0,
    };
    t.b += l.actual;
    t.a += l.amortized;
    daily.set(key, t);
  }
  return [...daily.values()].map(({ b, a, ...t }) => ({
    ...t,
    ...(billed ? { billed: cents(b) } : {}),
    ...(amortized ? { amortized: cents(a) } : {}),
  }));
}

/** Parquet from the CSV; `date` (MM/DD/YYYY) stays text, as day and month are ambiguous to a type sniffer. */
async function writeParquet(csvPath: string, out: string, dataset: AzureDataset): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const db = await instance.connect();
  try {
    const q = (p: string) => `'${p.replace(/'/g, "''")}'`;
    await db.run(
      `COPY (SELECT * FROM read_csv(${q(csvPath)}, header = true, sample_size = -1${dataset === 'focus' ? '' : ", types = {'date': 'VARCHAR'}"})) TO ${q(out)} (FORMAT parquet, COMPRESSION snappy)`,
    );
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

function runId(seed: string, exportName: string, period: string, n: number): string {
  const h = createHash('sha256').update(`${seed}|${exportName}|${period}|${n}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Writes every export of `specs` under `dataDir` and returns the blobs to deliver and the truth. */
export async function generateAzureExports(
  scenario: AzureCostScenario,
  specs: readonly AzureExportSpec[],
  options: { now: Date; dataDir: string },
): Promise<GeneratedAzureExports> {
  const all = generateCostLines(scenario, options.now);
  const blobs = new Map<string, string>();
  const truth: Record<string, AzureExportTruth> = {};
  const scratch = mkdtempSync(path.join(tmpdir(), 'cloudtally-azure-gen-'));
  try {
    for (const spec of specs) {
      const t: AzureExportTruth = {
        dataset: spec.dataset,
        format: spec.format,
        mode: spec.mode,
        currency: scenario.currency,
        periods: {},
        daily: [],
      };
      const lines = linesOf(spec.dataset, all);
      const months = [...new Set(lines.map((l) => l.day.slice(0, 7)))].sort();
      for (const month of months) {
        const monthLines = lines.filter((l) => l.day.startsWith(month));
        const lastDay = monthLines.reduce((m, l) => (l.day > m ? l.day : m), '');
        // new-file: an earlier run (the month up to the day before its last) stays beside the current one.
        const runs =
          spec.mode === 'new-file' ? [monthLines.filter((l) => l.day < lastDay), monthLines] : [monthLines];
        const end = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0));
        const range = `${month.replace('-', '')}01-${end.toISOString().slice(0, 10).replace(/-/g, '')}`;
        let manifestBlob = '';
        for (const [n, runLines] of runs.entries()) {
          if (runLines.length === 0) continue;
          const id = runId(scenario.seed, spec.name, month, n);
          const folder = `${spec.directory}/${spec.name}/${range}/${id}`;
          const per = spec.rowsPerFile ?? 100_000;
          const files: { blobName: string; byteCount: number; dataRowCount: number }[] = [];
          for (let i = 0, part = 1; i < runLines.length; i += per, part++) {
            const chunk = runLines.slice(i, i + per);
            const header = spec.dataset === 'focus' ? FOCUS_COLUMNS : DETAIL_COLUMNS;
            const rows = chunk.map((l) =>
              spec.dataset === 'focus'
                ? focusRow(l, scenario)
                : detailRow(l, scenario, spec.dataset as 'actual'),
            );
            const csv = [header.join(','), ...rows.map((r) => r.map(csvField).join(','))].join('\n') + '\n';
            const base = `part_0_${String(part).padStart(4, '0')}`;
            const blobName = `${folder}/${base}.${spec.format === 'csv' ? 'csv.gz' : 'snappy.parquet'}`;
            const local = path.join(options.dataDir, blobName);
            mkdirSync(path.dirname(local), { recursive: true });
            if (spec.format === 'csv') writeFileSync(local, gzipSync(csv));
            else {
              const tmp = path.join(scratch, `${id}-${base}.csv`);
              writeFileSync(tmp, csv);
              await writeParquet(tmp, local, spec.dataset);
            }
            blobs.set(blobName, local);
            files.push({ blobName, byteCount: statSync(local).size, dataRowCount: chunk.length });
          }
          const submitted = new Date(options.now.getTime() - (runs.length - n) * 3_600_000).toISOString();
          const manifest = {
            manifestVersion: '2024-04-01',
            byteCount: files.reduce((s, f) => s + f.byteCount, 0),
            blobCount: files.length,
            dataRowCount: runLines.length,
            exportConfig: {
              exportName: spec.name,
              resourceId: `/providers/Microsoft.Billing/billingAccounts/${scenario.billingAccountId}/providers/Microsoft.CostManagement/exports/${spec.name}`,
              dataVersion: spec.dataset === 'focus' ? '1.0' : '2021-10-01',
              apiVersion: '2023-07-01-preview',
              type: { focus: 'FocusCost', actual: 'ActualCost', amortized: 'AmortizedCost' }[spec.dataset],
              timeFrame: 'MonthToDate',
              granularity: 'Daily',
            },
            deliveryConfig: {
              partitionData: true,
              dataOverwriteBehavior:
                spec.mode === 'overwrite' ? 'OverwritePreviousReport' : 'CreateNewReport',
              fileFormat: spec.format === 'csv' ? 'Csv' : 'Parquet',
              compressionMode: spec.format === 'csv' ? 'Gzip' : 'Snappy',
              rootFolderPath: spec.directory,
            },
            runInfo: {
              executionType: 'Scheduled',
              submittedTime: submitted,
              runId: id,
              startDate: `${month}-01T00:00:00`,
              endDate: `${end.toISOString().slice(0, 10)}T00:00:00`,
            },
            blobs: files,
          };
          manifestBlob = `${folder}/manifest.json`;
          const local = path.join(options.dataDir, manifestBlob);
          writeFileSync(local, JSON.stringify(manifest, null, 2));
          blobs.set(manifestBlob, local);
        }
        const sumB = monthLines.reduce((s, l) => s + l.actual, 0);
        const sumA = monthLines.reduce((s, l) => s + l.amortized, 0);
        t.periods[month] = {
          ...(spec.dataset !== 'amortized' ? { billed: cents(sumB) } : {}),
          ...(spec.dataset !== 'actual' ? { amortized: cents(sumA) } : {}),
          rows: monthLines.length,
          manifest: manifestBlob,
        };
        t.daily.push(...truthOf(spec, scenario.currency, monthLines));
      }
      truth[spec.name] = t;
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { blobs, truth, lines: all };
}
