/** Validation steps 3 and 4 of an AWS connection: the bucket can be read, and the billing export is in it. */
import { GetBucketLocationCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { AwsClients } from '../sdk/client-factory.js';
import { diagnose, type DiagnoseContext } from '../sdk/diagnostics.js';
import type { ExportType } from './aws-schemas.js';
import type { ValidationStep } from '../../../accounts/account-types.js';
import { firstFileHeader, headerDiagnostic, outsideRetention } from './export-contents.js';
import { findExport, folder, foldersUnder, pendingSince } from './export-locator.js';
import { DAY_MS, fail, isDenied, pass, type ExportTarget } from './validation-steps.js';

export async function checkBucket(
  clients: AwsClients,
  ex: ExportTarget,
  d: (c: DiagnoseContext) => DiagnoseContext,
  signal?: AbortSignal,
): Promise<ValidationStep> {
  const s3 = clients.s3(ex.region);
  const base = { service: 's3', bucket: ex.bucket, prefix: ex.prefix, region: ex.region };
  let location: string | null = null;
  try {
    const out = await s3.send(new GetBucketLocationCommand({ Bucket: ex.bucket }), { abortSignal: signal });
    const lc = out.LocationConstraint as string | undefined;
    location = !lc ? 'us-east-1' : lc === 'EU' ? 'eu-west-1' : lc;
  } catch (err) {
    // Without s3:GetBucketLocation the listing below still tells a wrong region by S3's redirect.
    if (!isDenied(err))
      return fail('bucket', { diagnostics: [diagnose(err, d({ ...base, operation: 'GetBucketLocation' }))] });
  }
  if (location && location !== ex.region) {
    return fail('bucket', {
      diagnostics: [
        {
          code: 'bucket_wrong_region',
          message: `The bucket ${ex.bucket} is in ${location}, not in ${ex.region} as entered.`,
          remediation: `Set the export region to ${location}.`,
        },
      ],
      details: { bucketRegion: location },
    });
  }
  try {
    await s3.send(new ListObjectsV2Command({ Bucket: ex.bucket, Prefix: folder(ex.prefix), MaxKeys: 1 }), {
      abortSignal: signal,
    });
  } catch (err) {
    return fail('bucket', { diagnostics: [diagnose(err, d({ ...base, operation: 'ListObjectsV2' }))] });
  }
  return pass(
    'bucket',
    'bucket_readable',
    `s3://${ex.bucket}/${folder(ex.prefix)} can be listed${location ? ` (bucket in ${location})` : ''}.`,
    {
      details: { bucketRegion: location ?? ex.region },
    },
  );
}

const TYPE_NAME: Record<ExportType, string> = { cur2: 'CUR 2.0 export', legacy: 'legacy CUR report' };

export async function checkExport(
  clients: AwsClients,
  ex: ExportTarget,
  d: (c: DiagnoseContext) => DiagnoseContext,
  now: Date,
  signal?: AbortSignal,
  /** First day (YYYY-MM-DD) of the oldest period a sync loads; older periods are skipped. */
  oldestRetained?: { period: string; months: number },
): Promise<ValidationStep> {
  const s3 = clients.s3(ex.region);
  const where = `s3://${ex.bucket}/${folder(ex.prefix)}`;
  const base = { service: 's3', bucket: ex.bucket, prefix: ex.prefix, region: ex.region };
  try {
    const found = await findExport(s3, ex.exportType, ex, signal);
    if (found) {
      let manifestText = '';
      try {
        const obj = await s3.send(new GetObjectCommand({ Bucket: ex.bucket, Key: found.manifestKey }), {
          abortSignal: signal,
        });
        manifestText = (await obj.Body?.transformToString()) ?? '';
        JSON.parse(manifestText);
      } catch (err) {
        if (err instanceof SyntaxError) {
          return fail('export', {
            diagnostics: [
              {
                code: 'export_manifest_invalid',
                message: `The manifest ${found.manifestKey} is not valid JSON.`,
                remediation:
                  'Check that nothing but AWS writes to the export folder; the next AWS refresh rewrites the manifest.',
                key: found.manifestKey,
              },
            ],
          });
        }
        return fail('export', {
          diagnostics: [diagnose(err, d({ ...base, operation: 'GetObject', key: found.manifestKey }))],
        });
      }
      // The first data file's header: a FOCUS export (or anything else) has a manifest of the same shape.
      let header;
      try {
        header = await firstFileHeader(s3, ex.bucket, ex.exportType, found.manifestKey, manifestText, signal);
      } catch (err) {
        return fail('export', {
          diagnostics: [diagnose(err, d({ ...base, operation: 'GetObject', key: found.manifestKey }))],
        });
      }
      const notCur = header && headerDiagnostic(where, header, ex.exportType);
      if (notCur)
        return fail('export', { diagnostics: [notCur], details: { ...found, header: header?.key } });
      const outside = oldestRetained && outsideRetention(found, oldestRetained, TYPE_NAME[ex.exportType]);
      if (outside) return pass('export', 'export_outside_retention', outside.message, outside);
      const age = found.lastWrittenAt ? now.getTime() - new Date(found.lastWrittenAt).getTime() : null;
      return pass(
        'export',
        'export_found',
        `Found the ${TYPE_NAME[ex.exportType]} ${ex.exportName}: newest period ${found.newestPeriod}, last written by AWS ${found.lastWrittenAt ?? 'at an unknown time'}.`,
        {
          details: { ...found, stale: age !== null && age > 3 * DAY_MS },
          ...(age !== null && age > 3 * DAY_MS
            ? {
                remediation:
                  'AWS has not refreshed this export for more than three days; check that the export is still active in Billing and Cost Management → Data Exports.',
              }
            : {}),
        },
      );
    }
    const other: ExportType = ex.exportType === 'cur2' ? 'legacy' : 'cur2';
    const otherFound = await findExport(s3, other, ex, signal);
    if (otherFound) {
      return fail('export', {
        diagnostics: [
          {
            code: 'export_type_mismatch',
            message: `No ${TYPE_NAME[ex.exportType]} named ${ex.exportName} under ${where}, but a ${TYPE_NAME[other]} of that name is there (newest period ${otherFound.newestPeriod}).`,
            remediation: `Set the export type to ${other === 'cur2' ? '"cur2" (CUR 2.0)' : '"legacy" (legacy CUR)'}.`,
          },
        ],
        details: { foundType: other, newestPeriod: otherFound.newestPeriod },
      });
    }
    const since = await pendingSince(s3, ex, signal);
    if (since && now.getTime() - since.getTime() < DAY_MS) {
      return pass(
        'export',
        'export_no_data_yet',
        `The export was set up at ${since.toISOString()} and AWS has not delivered data yet.`,
        {
          remediation:
            'Nothing to fix: AWS delivers the first data within 24 hours of creating an export; Cloudtally imports it on the next sync.',
          details: { createdAt: since.toISOString() },
        },
      );
    }
    const seen = await foldersUnder(s3, ex, signal);
    return fail('export', {
      diagnostics: [
        {
          code: 'export_not_found',
          message: `No ${TYPE_NAME[ex.exportType]} named ${ex.exportName} under ${where}${seen.length ? `; that folder holds: ${seen.join(', ')}` : '; nothing is there'}.`,
          remediation: seen.length
            ? `Correct the export name or the S3 path prefix to match the export's settings (Billing and Cost Management → Data Exports${ex.exportType === 'legacy' ? ' → legacy CUR' : ''}).`
            : 'Correct the S3 path prefix to the one in the export settings, or create the export (AWS delivers the first data within 24 hours).',
        },
      ],
      details: { folders: seen },
    });
  } catch (err) {
    return fail('export', { diagnostics: [diagnose(err, d({ ...base, operation: 'ListObjectsV2' }))] });
  }
}
