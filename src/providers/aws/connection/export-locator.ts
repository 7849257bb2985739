import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { ExportType } from './aws-schemas.js';

/**
 * Finds a billing export's manifests in S3 with a few bounded listings (never a walk over data files), for
 * validation: which periods exist, the newest, and when AWS last wrote it. Layouts are in AWS-FACTS §3.
 */

export interface ExportLocation {
  bucket: string;
  /** Without leading or trailing slash; '' for the bucket root. */
  prefix: string;
  exportName: string;
}

export interface FoundExport {
  exportType: ExportType;
  /** YYYY-MM of the newest period that has a manifest. */
  newestPeriod: string;
  periods: number;
  manifestKey: string;
  lastWrittenAt: string | null;
}

type S3 = Pick<S3Client, 'send'>;

/** `p` + `/` unless the prefix is the bucket root. */
export function folder(...parts: string[]): string {
  const joined = parts.filter((p) => p.length > 0).join('/');
  return joined ? `${joined}/` : '';
}

async function childFolders(s3: S3, bucket: string, prefix: string, signal?: AbortSignal): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token }),
      { abortSignal: signal },
    );
    for (const cp of page.CommonPrefixes ?? []) if (cp.Prefix) out.push(cp.Prefix.slice(prefix.length, -1));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token && out.length < 10_000);
  return out;
}

async function objects(
  s3: S3,
  bucket: string,
  prefix: string,
  max: number,
  signal?: AbortSignal,
): Promise<{ key: string; lastModified: Date | null }[]> {
  const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: max }), {
    abortSignal: signal,
  });
  return (page.Contents ?? []).flatMap((o) =>
    o.Key ? [{ key: o.Key, lastModified: o.LastModified ?? null }] : [],
  );
}

function newest(list: { key: string; lastModified: Date | null }[]) {
  return [...list].sort((a, b) => (b.lastModified?.getTime() ?? 0) - (a.lastModified?.getTime() ?? 0))[0];
}

/** CUR 2.0: `PREFIX/EXPORT/metadata/BILLING_PERIOD=YYYY-MM/[refresh/]EXPORT-Manifest.json`. */
export async function findCur2(
  s3: S3,
  loc: ExportLocation,
  signal?: AbortSignal,
): Promise<FoundExport | null> {
  const metadata = folder(loc.prefix, loc.exportName, 'metadata');
  const periods = (await childFolders(s3, loc.bucket, metadata, signal))
    .map((f) => /^BILLING_PERIOD=(\d{4}-\d{2})$/.exec(f)?.[1])
    .filter((p): p is string => p !== undefined)
    .sort()
    .reverse();
  for (const period of periods) {
    const list = await objects(s3, loc.bucket, `${metadata}BILLING_PERIOD=${period}/`, 1000, signal);
    const manifests = list.filter((o) => o.key.endsWith(`/${loc.exportName}-Manifest.json`));
    const m = newest(manifests);
    if (m) {
      return {
        exportType: 'cur2',
        newestPeriod: period,
        periods: periods.length,
        manifestKey: m.key,
        lastWrittenAt: m.lastModified?.toISOString() ?? null,
      };
    }
  }
  return null;
}

/** Legacy CUR: `PREFIX/REPORT/YYYYMMDD-YYYYMMDD/REPORT-Manifest.json` beside never-overwritten assembly folders. */
export async function findLegacy(
  s3: S3,
  loc: ExportLocation,
  signal?: AbortSignal,
): Promise<FoundExport | null> {
  const root = folder(loc.prefix, loc.exportName);
  const periods = (await childFolders(s3, loc.bucket, root, signal))
    .filter((f) => /^\d{8}-\d{8}$/.test(f))
    .sort()
    .reverse();
  for (const period of periods) {
    const key = `${root}${period}/${loc.exportName}-Manifest.json`;
    const [m] = (await objects(s3, loc.bucket, key, 1, signal)).filter((o) => o.key === key);
    if (m) {
      return {
        exportType: 'legacy',
        newestPeriod: `${period.slice(0, 4)}-${period.slice(4, 6)}`,
        periods: periods.length,
        manifestKey: m.key,
        lastWrittenAt: m.lastModified?.toISOString() ?? null,
      };
    }
  }
  return null;
}

export function findExport(s3: S3, type: ExportType, loc: ExportLocation, signal?: AbortSignal) {
  return type === 'cur2' ? findCur2(s3, loc, signal) : findLegacy(s3, loc, signal);
}

/** AWS writes this object under the prefix when an export is created, before any data. */
export const TEST_OBJECT = 'aws-programmatic-access-test-object';

/**
 * Signs that the export was set up but has not delivered yet: the test object AWS writes on creation, or objects
 * in the export's own folder. Returns when the oldest of them was written.
 */
export async function pendingSince(s3: S3, loc: ExportLocation, signal?: AbortSignal): Promise<Date | null> {
  const found = [
    ...(await objects(s3, loc.bucket, `${folder(loc.prefix)}${TEST_OBJECT}`, 1, signal)),
    ...(await objects(s3, loc.bucket, folder(loc.prefix, loc.exportName), 100, signal)),
  ];
  const times = found.map((o) => o.lastModified?.getTime()).filter((t): t is number => t !== undefined);
  return times.length ? new Date(Math.min(...times)) : null;
}

/** What sits directly under the prefix (names of folders), to suggest the right export name or prefix. */
export async function foldersUnder(s3: S3, loc: ExportLocation, signal?: AbortSignal): Promise<string[]> {
  return (await childFolders(s3, loc.bucket, folder(loc.prefix), signal)).slice(0, 20);
}
