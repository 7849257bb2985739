/**
 * The runs of one Cost Management export in its container, as the billing source and the validation read them:
 * every run's `manifest.json` under `DIRECTORY/EXPORT/`, parsed, and the newest run of each period (only its blobs
 * are the period's bill: a new-file export keeps older runs beside it).
 */
import type { ObjectStore } from '../../object-store/object-store.js';
import type { ExportDataset } from '../connection/azure-schemas.js';
import { manifestBlobsOf, newestRuns, parseExportManifest, type ExportRun } from './export-manifests.js';

/** The manifest's `exportConfig.type` → the dataset Cloudtally reads; undefined for a type it does not load. */
export function datasetOf(type: string): ExportDataset | undefined {
  const t = type.toLowerCase();
  if (t === 'focuscost') return 'focus';
  if (t === 'actualcost') return 'actual';
  if (t === 'amortizedcost') return 'amortized';
  return undefined;
}

export const DATASET_LABELS: Record<ExportDataset, string> = {
  focus: 'Cost and usage details (FOCUS)',
  actual: 'Cost and usage details (actual cost)',
  amortized: 'Cost and usage details (amortized cost)',
};

/** `DIRECTORY/EXPORT` inside the container. */
export const exportFolderOf = (loc: { directory: string; exportName: string }) =>
  loc.directory ? `${loc.directory}/${loc.exportName}` : loc.exportName;

export interface ExportRuns {
  /** Every blob under the export's folder (name → ETag and size). */
  blobs: Map<string, { etag: string; size: number }>;
  /** The newest run of each period, by `YYYY-MM`. */
  newest: Map<string, ExportRun>;
  manifests: number;
}

/** Lists the export's folder and reads every run manifest; a manifest that is not one throws naming it. */
export async function readExportRuns(
  objects: ObjectStore,
  loc: { directory: string; exportName: string },
  signal?: AbortSignal,
): Promise<ExportRuns> {
  const listed = await objects.list(exportFolderOf(loc), signal);
  const blobs = new Map(listed.map((o) => [o.key, { etag: o.etag, size: o.size }]));
  const runs: ExportRun[] = [];
  const manifests = manifestBlobsOf(blobs.keys(), loc.directory, loc.exportName);
  for (const m of manifests) {
    const text = await objects.readText(m, signal);
    if (text === undefined) continue;
    runs.push(parseExportManifest(m, text));
  }
  return { blobs, newest: newestRuns(runs), manifests: manifests.length };
}

/** The format of a data blob by its name. */
export function blobFormat(name: string): 'csv' | 'parquet' | undefined {
  const n = name.toLowerCase();
  if (n.endsWith('.parquet')) return 'parquet';
  if (n.endsWith('.csv') || n.endsWith('.csv.gz')) return 'csv';
  return undefined;
}
