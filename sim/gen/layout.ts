import type { ScenarioExport } from '../scenario/schema.js';

/** S3 keys of billing exports, as AWS lays them out (AWS-FACTS §3). */

function join(...parts: string[]): string {
  return parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter((p) => p.length > 0)
    .join('/');
}

export function exportRoot(e: ScenarioExport): string {
  return join(e.prefix, e.name);
}

export function cur2DataFolder(e: ScenarioExport, period: string, refreshFolder?: string): string {
  return join(exportRoot(e), 'data', `BILLING_PERIOD=${period}`, refreshFolder ?? '');
}

export function cur2FileName(e: ScenarioExport, index: number): string {
  return `${e.name}-${String(index).padStart(5, '0')}.${e.format === 'parquet' ? 'snappy.parquet' : 'csv.gz'}`;
}

export function cur2ManifestKey(e: ScenarioExport, period: string): string {
  return join(exportRoot(e), 'metadata', `BILLING_PERIOD=${period}`, `${e.name}-Manifest.json`);
}

const compact = (s: number): string => new Date(s * 1000).toISOString().slice(0, 10).replace(/-/g, '');

export function legacyPeriodFolder(e: ScenarioExport, p0: number, p1: number): string {
  return join(exportRoot(e), `${compact(p0)}-${compact(p1)}`);
}

export function legacyManifestKey(e: ScenarioExport, p0: number, p1: number): string {
  return join(legacyPeriodFolder(e, p0, p1), `${e.name}-Manifest.json`);
}

export function legacyDataKey(
  e: ScenarioExport,
  p0: number,
  p1: number,
  assemblyId: string,
  index: number,
): string {
  return join(legacyPeriodFolder(e, p0, p1), assemblyId, `${e.name}-${index}.csv.gz`);
}

/** `20231101T000000.000Z`, the legacy manifest's billingPeriod format. */
export function legacyStamp(s: number): string {
  return `${compact(s)}T000000.000Z`;
}

export function refreshFolderName(refreshAt: number, executionId: string): string {
  const iso = new Date(refreshAt * 1000).toISOString();
  return `${iso.slice(0, 10).replace(/-/g, '')}T${iso.slice(11, 19).replace(/:/g, '')}Z-${executionId}`;
}
