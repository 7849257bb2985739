/**
 * Azure Cost Management export runs: each run folder `DIR/EXPORT/YYYYMMDD-YYYYMMDD/RUNID/` holds a `manifest.json`
 * listing its blobs. An export in new-file mode keeps older runs of a period beside the newest; only the newest
 * run's blobs are the period's bill.
 */
import { z } from 'zod';

const manifestSchema = z.object({
  exportConfig: z.object({ exportName: z.string(), type: z.string() }),
  deliveryConfig: z.object({ fileFormat: z.string(), compressionMode: z.string().optional() }).optional(),
  runInfo: z.object({
    runId: z.string(),
    submittedTime: z.string(),
    startDate: z.string(),
    endDate: z.string(),
  }),
  blobs: z.array(z.object({ blobName: z.string().min(1), byteCount: z.number().optional() })),
});

export interface ExportRun {
  manifestBlob: string;
  /** `YYYY-MM` of the run's period. */
  period: string;
  runId: string;
  submittedTime: string;
  dataset: string;
  blobs: string[];
}

/** The manifest of one run; a clear error naming the blob and the field when it is not one. */
export function parseExportManifest(manifestBlob: string, text: string): ExportRun {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${manifestBlob} is not JSON`);
  }
  const r = manifestSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`${manifestBlob}: ${issue.path.join('.') || '(root)'} ${issue.message}`);
  }
  const m = r.data;
  return {
    manifestBlob,
    period: m.runInfo.startDate.slice(0, 7),
    runId: m.runInfo.runId,
    submittedTime: m.runInfo.submittedTime,
    dataset: m.exportConfig.type,
    blobs: m.blobs.map((b) => b.blobName),
  };
}

/** The manifest blobs among `names` of export `exportName` under `directory`. */
export function manifestBlobsOf(names: Iterable<string>, directory: string, exportName: string): string[] {
  const prefix = `${directory ? `${directory.replace(/^\/+|\/+$/g, '')}/` : ''}${exportName}/`;
  return [...names].filter(
    (n) => n.startsWith(prefix) && /^\d{8}-\d{8}\/[^/]+\/manifest\.json$/.test(n.slice(prefix.length)),
  );
}

/** The newest run of each period (latest `submittedTime`), by period. */
export function newestRuns(runs: readonly ExportRun[]): Map<string, ExportRun> {
  const out = new Map<string, ExportRun>();
  for (const run of runs) {
    const seen = out.get(run.period);
    if (!seen || Date.parse(seen.submittedTime) < Date.parse(run.submittedTime)) out.set(run.period, run);
  }
  return out;
}
