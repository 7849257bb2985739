import type { Diagnostic } from '../lib/errors.js';

export type { Diagnostic };

/** A billing load problem that already knows its diagnostic (code, message, remediation, S3 key). */
export class BillingLoadError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
    this.name = 'BillingLoadError';
  }
}

type Code =
  | 'billing_manifest_missing'
  | 'billing_manifest_invalid'
  | 'billing_file_missing'
  | 'billing_file_corrupt'
  | 'billing_file_malformed'
  | 'billing_csv_columns'
  | 'billing_column_type'
  | 'billing_columns_missing'
  | 'billing_export_empty'
  | 'billing_periods_outside_retention'
  | 'billing_access_denied'
  | 'billing_bucket_missing'
  | 'billing_aborted'
  | 'billing_load_failed'
  | 'cost_explorer_access_denied'
  | 'cost_explorer_failed';

const REMEDIATION: Record<Code, string> = {
  billing_manifest_missing:
    'AWS writes the manifest after the data files of a refresh; if this persists, check that the export is active and delivered to this bucket and prefix.',
  billing_manifest_invalid:
    'The manifest is not the JSON AWS writes. Check that nothing else writes into the export prefix.',
  billing_file_missing:
    'The manifest lists a data file that is not in the bucket. Wait for the next export refresh, or check lifecycle rules that delete export files.',
  billing_file_corrupt:
    'The data file is damaged or truncated. The next export refresh rewrites it; check that nothing else writes into the export prefix.',
  billing_file_malformed:
    'The data file does not parse as CUR CSV (the cause above says where). Check that nothing else writes into the export prefix; a file AWS wrote is rewritten by the next refresh.',
  billing_csv_columns:
    "A row has a different number of fields than the header: the row was cut short, or a value holds a comma or quote that is not escaped. Look at line LINE of KEY (after decompressing it); a file AWS wrote is rewritten by the next refresh of the period (or ask AWS Support). The period's previous data is kept until it loads.",
  billing_column_type:
    'A column holds a value of the wrong type. Check that nothing else writes into the export prefix; the next refresh may fix it.',
  billing_columns_missing:
    'The export lacks columns every CUR has. Check the export type (CUR 2.0 vs legacy CUR) and its schema settings.',
  billing_export_empty:
    'The export period holds no line items. Wait for the next refresh; a new export can take up to 24 hours to fill.',
  billing_periods_outside_retention:
    "Raise CLOUDTALLY_RETENTION_MONTHS so that the window reaches the export's periods (then sync again), or point the connection at the export AWS delivers now: an export whose newest period is that old is no longer updated.",
  billing_access_denied:
    'Grant the role s3:GetObject and s3:ListBucket on the export bucket and prefix (see the setup policy).',
  billing_bucket_missing: 'Check the bucket name and region of the export in the account settings.',
  billing_aborted: 'The sync was cancelled; the previous data of this period is kept.',
  billing_load_failed:
    'The previous data of this period is kept. Retry the sync; if it persists, see the server log.',
  cost_explorer_access_denied: 'Grant the role ce:GetCostAndUsage (see the setup policy).',
  cost_explorer_failed: 'Retry the sync; Cost Explorer may be throttling or unavailable.',
};

export function diagnostic(code: Code, message: string, key?: string): Diagnostic {
  return key === undefined
    ? { code, message, remediation: REMEDIATION[code] }
    : { code, message, remediation: REMEDIATION[code], key };
}

export function loadError(code: Code, message: string, key?: string): BillingLoadError {
  return new BillingLoadError(diagnostic(code, message, key));
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Longest cause kept in a diagnostic; the rest is cut, marked with an ellipsis. */
export const MAX_CAUSE = 600;

function bounded(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export interface CsvErrorCause {
  /** Line of the (decompressed) file, the header being line 1. */
  line?: number;
  expectedColumns?: number;
  foundColumns?: number;
  /** The whole cause, bounded: DuckDB's lines without its option dump, its generic fixes and local paths. */
  text: string;
}

/**
 * The cause of a DuckDB error, CSV errors in particular. Their first line only says where ("CSV Error on Line: 2"); the lines after it say
 * what ("Expected Number of Columns: 131 Found: 130"). Its "possible fixes" are reader options of ours, not
 * something the user can change, and the option dump names our scratch file, so both are left out.
 */
export function csvErrorCause(message: string): CsvErrorCause {
  const kept: string[] = [];
  for (const raw of message.split('\n')) {
    const line = raw.trim();
    if (/^Possible fixes/i.test(line) || /^file = /.test(line)) break;
    if (line === '') continue;
    kept.push(/^Original Line:/i.test(line) ? bounded(line, 200) : line);
  }
  const num = (re: RegExp) => {
    const m = re.exec(message);
    return m ? Number(m[1]) : undefined;
  };
  const counts = /Expected Number of Columns:\s*(\d+)\s*Found:\s*(\d+)/i.exec(message);
  return {
    line: num(/CSV Error on Line:\s*(\d+)/i),
    expectedColumns: counts ? Number(counts[1]) : undefined,
    foundColumns: counts ? Number(counts[2]) : undefined,
    text: bounded(kept.join('; '), MAX_CAUSE),
  };
}

/** A CSV that does not parse: the row, the column counts and DuckDB's whole cause, with a fix that fits. */
function csvDiagnostic(msg: string, key: string): Diagnostic {
  const cause = csvErrorCause(msg);
  if (cause.expectedColumns !== undefined && cause.foundColumns !== undefined) {
    const where = cause.line === undefined ? 'a row' : `line ${cause.line}`;
    const d = diagnostic(
      'billing_csv_columns',
      `${key}: ${where} has ${cause.foundColumns} fields where the header has ${cause.expectedColumns} (${cause.text})`,
      key,
    );
    return {
      ...d,
      remediation: d.remediation.replace('KEY', key).replace('LINE', String(cause.line ?? 1)),
    };
  }
  return diagnostic('billing_file_malformed', `${key} is not valid CUR CSV (${cause.text})`, key);
}

/** Classifies a DuckDB error raised while reading the data file `key`. */
export function readDiagnostic(err: unknown, key: string, what = 'reading'): Diagnostic {
  if (err instanceof BillingLoadError) return err.diagnostic;
  const msg = errorMessage(err);
  const detail = csvErrorCause(msg).text;
  if (/Conversion Error|Could not convert|Could not parse|out of range|overflow/i.test(msg)) {
    return diagnostic(
      'billing_column_type',
      `${key}: a column holds a value of the wrong type (${detail})`,
      key,
    );
  }
  if (
    /gzip|zlib|decompress|magic bytes|not a parquet|parquet|truncated|corrupt|end of file|snappy|zstd|footer|zip/i.test(
      msg,
    )
  ) {
    return diagnostic('billing_file_corrupt', `${key} is corrupt or truncated (${detail})`, key);
  }
  if (/CSV|sniff|quote|delimiter|column count|Expected Number of Columns/i.test(msg))
    return csvDiagnostic(msg, key);
  return diagnostic('billing_load_failed', `${what} ${key} failed: ${detail}`, key);
}
