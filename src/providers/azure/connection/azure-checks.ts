/**
 * The validation steps of an Azure connection, each failure with its fix: the service principal signs in at Entra
 * ID (`credentials`), it may list the export's folder in the container (`container`), the export has delivered a
 * run (`export`: a `manifest.json`), and the newest run's manifest and first blob are an export Cloudtally loads
 * (`manifest`: its type, format and the columns of its first file).
 */
import type { TokenCredential } from '@azure/identity';
import type { ValidationReport, ValidationStep } from '../../../accounts/account-types.js';
import { errorMessage } from '../../../billing/diagnostics.js';
import { fileColumns, PARQUET_HEADER_MAX_BYTES } from '../../focus/file-columns.js';
import type { ObjectStore } from '../../object-store/object-store.js';
import { datasetHeaderProblem } from '../billing/azure-export-source.js';
import {
  blobFormat,
  DATASET_LABELS,
  datasetOf,
  exportFolderOf,
  readExportRuns,
} from '../billing/export-runs.js';
import { STORAGE_SCOPE } from '../sdk/credentials.js';
import type { AzureConnectionDocument } from './azure-schemas.js';

export const AZURE_VALIDATION_STEPS = ['credentials', 'container', 'export', 'manifest'] as const;

const fail = (
  step: string,
  code: string,
  message: string,
  remediation: string,
  details?: Record<string, unknown>,
): ValidationStep => ({
  step,
  state: 'fail',
  code,
  message,
  remediation,
  diagnostics: [{ code, message, remediation, step }],
  ...(details ? { details } : {}),
});
const skip = (step: string, why: string): ValidationStep => ({
  step,
  state: 'skipped',
  code: 'not_checked',
  message: why,
});

/** Why Entra ID refused the sign-in, by its AADSTS code, as the fix a person can make. */
export function credentialFailure(
  err: unknown,
  doc: Pick<AzureConnectionDocument, 'tenantId' | 'clientId' | 'authorityHost'>,
): ValidationStep {
  const text = errorMessage(err);
  const code = /AADSTS(\d+)/.exec(text)?.[1];
  if (/endpoints_resolution_error/.test(text))
    return fail(
      'credentials',
      'azure_tenant_not_found',
      `Entra ID at ${doc.authorityHost ?? 'login.microsoftonline.com'} did not answer for the tenant ${doc.tenantId}: the tenant does not exist there, or the authority cannot be reached.`,
      "Check tenantId (the Directory (tenant) ID on the app registration's Overview page; az account show --query tenantId), and authorityHost for a sovereign cloud.",
    );
  if (code === '90002' || code === '900023')
    return fail(
      'credentials',
      'azure_tenant_not_found',
      `Entra ID does not know the tenant ${doc.tenantId}.`,
      "Check tenantId: the Directory (tenant) ID on the app registration's Overview page (az account show --query tenantId).",
    );
  if (code === '700016')
    return fail(
      'credentials',
      'azure_client_not_found',
      `There is no application ${doc.clientId} in the tenant ${doc.tenantId}.`,
      'Check clientId (the Application (client) ID of the app registration) and that it belongs to this tenant.',
    );
  if (code === '7000215')
    return fail(
      'credentials',
      'azure_secret_invalid',
      'Entra ID refused the client secret.',
      "Check clientSecret: the secret's Value (not its Secret ID), from Certificates & secrets of the app registration (az ad app credential reset --id CLIENT_ID).",
    );
  if (code === '7000222')
    return fail(
      'credentials',
      'azure_secret_expired',
      'The client secret has expired.',
      'Create a new client secret (az ad app credential reset --id CLIENT_ID) and save it on this connection.',
    );
  if (code)
    return fail(
      'credentials',
      'azure_sign_in_refused',
      `Entra ID refused the sign-in: ${text}`,
      'Check tenantId, clientId and clientSecret of the app registration.',
    );
  return fail(
    'credentials',
    'azure_authority_unreachable',
    `Signing in at ${doc.authorityHost ?? 'Entra ID'} failed: ${text}`,
    'Check that Cloudtally can reach the Entra ID authority (login.microsoftonline.com, or the authorityHost of a sovereign cloud) and trusts its certificate.',
  );
}

function containerFailure(err: unknown, doc: AzureConnectionDocument, where: string): ValidationStep {
  const e = err as { statusCode?: number; code?: string; details?: { errorCode?: string } };
  const code = e.code ?? e.details?.errorCode ?? '';
  if (code === 'ContainerNotFound' || (e.statusCode === 404 && code !== 'ResourceNotFound'))
    return fail(
      'container',
      'azure_container_not_found',
      `There is no container ${doc.container} at ${doc.blobEndpoint}.`,
      "Check storageAccount (or blobEndpoint) and container: the export's destination under Cost Management → Exports → the export → Storage.",
    );
  if (e.statusCode === 403)
    return fail(
      'container',
      'azure_container_denied',
      `The service principal may not list ${where}: ${code || 'forbidden'}.`,
      `Assign it Storage Blob Data Reader on the container: az role assignment create --assignee ${doc.clientId} --role "Storage Blob Data Reader" --scope <the storage account's ID>/blobServices/default/containers/${doc.container} (a new assignment takes a few minutes to apply).`,
    );
  return fail(
    'container',
    'azure_storage_unreachable',
    `Listing ${where} failed: ${errorMessage(err)}`,
    'Check storageAccount (or blobEndpoint) and that Cloudtally can reach the storage account (firewall: allow its address, or a private endpoint).',
  );
}

export async function checkAzureConnection(
  doc: AzureConnectionDocument,
  credential: TokenCredential,
  objects: ObjectStore,
  now: Date,
  signal?: AbortSignal,
): Promise<ValidationReport> {
  const steps: ValidationStep[] = [];
  const done = () => ({ ok: steps.every((s) => s.state !== 'fail'), checkedAt: now.toISOString(), steps });
  const rest = (from: number, why: string) => {
    for (const s of AZURE_VALIDATION_STEPS.slice(from)) steps.push(skip(s, why));
    return done();
  };
  try {
    await credential.getToken(STORAGE_SCOPE, { abortSignal: signal });
    steps.push({
      step: 'credentials',
      state: 'pass',
      code: 'azure_signed_in',
      message: `The service principal ${doc.clientId} signs in to the tenant ${doc.tenantId}.`,
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    steps.push(credentialFailure(err, doc));
    return rest(1, 'Not checked: the service principal could not sign in.');
  }
  const folder = exportFolderOf(doc);
  const where = `${folder}/ in ${objects.where}`;
  let runs;
  try {
    runs = await readExportRuns(objects, doc, signal);
  } catch (err) {
    if (signal?.aborted) throw err;
    if (
      (err as { statusCode?: number }).statusCode === undefined &&
      /manifest|JSON|runInfo|blobs/.test(errorMessage(err))
    ) {
      steps.push({
        step: 'container',
        state: 'pass',
        code: 'azure_container_listed',
        message: `The service principal lists ${where}.`,
      });
      steps.push({
        step: 'export',
        state: 'pass',
        code: 'azure_export_found',
        message: `Runs of ${doc.exportName} found.`,
      });
      steps.push(
        fail(
          'manifest',
          'azure_manifest_invalid',
          `A run manifest is not one Cloudtally reads: ${errorMessage(err)}`,
          'Check the export in the Azure portal; a run writes manifest.json beside its files. Run the export again.',
        ),
      );
      return done();
    }
    steps.push(containerFailure(err, doc, where));
    return rest(2, 'Not checked: the container could not be listed.');
  }
  steps.push({
    step: 'container',
    state: 'pass',
    code: 'azure_container_listed',
    message: `The service principal lists ${where}.`,
  });
  const newest = [...runs.newest.values()].sort((a, b) => b.period.localeCompare(a.period))[0];
  if (!newest) {
    steps.push(
      fail(
        'export',
        'azure_export_not_delivered',
        `No run of the export ${doc.exportName} under ${where} (no manifest.json)${runs.blobs.size > 0 ? `, though ${runs.blobs.size} blob(s) are there` : ''}.`,
        "Check directory and exportName against the export's destination; run the export once (Cost Management → Exports → Run now, or az costmanagement export execute); a new export delivers within a day.",
      ),
    );
    return rest(3, 'Not checked: the export has no run yet.');
  }
  steps.push({
    step: 'export',
    state: 'pass',
    code: 'azure_export_found',
    message: `${runs.newest.size} period(s) delivered; the newest run is ${newest.runId} (${newest.period}).`,
    details: { periods: [...runs.newest.keys()].sort(), manifest: newest.manifestBlob },
  });
  const dataset = datasetOf(newest.dataset);
  if (!dataset) {
    steps.push(
      fail(
        'manifest',
        'azure_export_type_unsupported',
        `The export's type is ${newest.dataset}; Cloudtally loads FocusCost, ActualCost and AmortizedCost.`,
        'Create the export with the type "Cost and usage details (FOCUS)" (both billed and amortized cost), "(actual cost)" or "(amortized cost)".',
        { manifest: newest.manifestBlob },
      ),
    );
    return done();
  }
  if (doc.dataset && doc.dataset !== dataset) {
    steps.push(
      fail(
        'manifest',
        'azure_export_type_mismatch',
        `The connection names a ${doc.dataset} export, but ${newest.manifestBlob} is ${DATASET_LABELS[dataset]}.`,
        `Set dataset to ${dataset}, or point exportName at the ${doc.dataset} export.`,
        { manifest: newest.manifestBlob },
      ),
    );
    return done();
  }
  const first = newest.blobs
    .map((b) => ({ key: b, format: blobFormat(b), size: runs.blobs.get(b)?.size }))
    .find((b) => b.format);
  if (!first || first.size === undefined) {
    steps.push(
      fail(
        'manifest',
        first ? 'azure_manifest_blob_missing' : 'azure_manifest_no_data',
        first
          ? `${newest.manifestBlob} lists ${first.key}, which is not in the container.`
          : `${newest.manifestBlob} lists no CSV or Parquet blob.`,
        'Run the export again (Cost Management → Exports → Run now); if it keeps happening, check that nothing else deletes blobs in the export folder.',
        { manifest: newest.manifestBlob },
      ),
    );
    return done();
  }
  if (first.format === 'parquet' && first.size > PARQUET_HEADER_MAX_BYTES) {
    steps.push(
      skip(
        'manifest',
        `Not checked now: ${first.key} is ${Math.round(first.size / 2 ** 20)} MiB; the first sync checks its columns.`,
      ),
    );
    return done();
  }
  try {
    const problem = datasetHeaderProblem(
      dataset,
      await fileColumns(objects, { key: first.key, format: first.format! }, signal),
      first.key,
    );
    if (problem)
      steps.push(fail('manifest', problem.code, problem.message, problem.remediation, { key: first.key }));
    else
      steps.push({
        step: 'manifest',
        state: 'pass',
        code: 'azure_manifest_ok',
        message: `${DATASET_LABELS[dataset]}, ${first.format === 'csv' ? 'CSV' : 'Parquet'}: ${newest.blobs.length} blob(s) in the newest run; ${first.key} has the columns Cloudtally needs.`,
        details: { dataset, format: first.format, blobs: newest.blobs.length },
      });
  } catch (err) {
    if (signal?.aborted) throw err;
    steps.push(
      fail(
        'manifest',
        'azure_file_unreadable',
        `${first.key} could not be read as CSV or Parquet: ${errorMessage(err)}`,
        'Check that the export writes CSV (gzip) or Parquet files and that the service principal may read them.',
      ),
    );
  }
  return done();
}
