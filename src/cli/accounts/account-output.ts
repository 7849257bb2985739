import { ERROR_MAP } from '../../lib/errors.js';
import type { CloudAccount } from './account-backend.js';

/** What printing a validation reads of it (the account's last one and a fresh one are the same shape). */
export interface ValidationReport {
  ok: boolean;
  steps: {
    step: string;
    state: string;
    code: string;
    message: string;
    remediation?: string;
    diagnostics?: { code: string; message: string; remediation: string }[];
  }[];
}
const MARK: Record<string, string> = { pass: '✓', fail: '✗', skipped: '-' };

export function printValidation(report: ValidationReport): void {
  for (const s of report.steps) {
    process.stdout.write(`${MARK[s.state]} ${s.step.padEnd(13)} ${s.code.padEnd(30)} ${s.message}\n`);
    for (const d of s.diagnostics?.slice(s.state === 'fail' ? 1 : 0) ?? [])
      process.stdout.write(`  ${' '.repeat(13)} ${d.code.padEnd(30)} ${d.message}\n`);
    const fixes =
      s.state === 'fail'
        ? (s.diagnostics ?? []).map((d) => d.remediation)
        : s.remediation
          ? [s.remediation]
          : [];
    for (const fix of [...new Set(fixes)]) process.stdout.write(`    fix: ${fix}\n`);
  }
  process.stdout.write(
    report.ok
      ? 'validation passed\n'
      : 'validation failed: fix the steps marked ✗ and run `cloudtally accounts validate ID`\n',
  );
}

/** An Azure connection's own fields (the API answers them beside the common ones). */
function azureLines(a: CloudAccount): [string, unknown][] {
  if (a.provider !== 'azure') return [];
  const z = a as CloudAccount & Record<string, string | null | undefined>;
  const folder = `${z.container}/${z.directory ? `${z.directory}/` : ''}`;
  return [
    ['scope', z.scope],
    ['tenant', z.tenantId],
    ['client', z.clientId],
    ['export', `${z.exportName}${z.dataset ? ` (${z.dataset})` : ''} in ${z.blobEndpoint}/${folder}`],
  ];
}

export function printAccount(a: CloudAccount): void {
  const lines: [string, unknown][] = [
    ['id', a.id],
    ['name', a.name],
    ['type', a.provider === 'aws' ? a.type : `${a.provider} ${a.type}`],
    [a.provider === 'aws' ? 'AWS account' : 'account', a.awsAccountId],
    ['role', a.roleArn],
    ['access key', a.accessKeyId],
    [
      'export',
      a.exportType
        ? `${a.exportType} ${a.exportName} in s3://${a.bucket}/${a.prefix ? `${a.prefix}/` : ''} (${a.exportRegion})`
        : null,
    ],
    [
      'files',
      a.provider === 'focus'
        ? `s3://${a.bucket}/${a.prefix ? `${a.prefix}/` : ''} at ${a.endpoint ?? 'AWS S3'} (${a.region})`
        : null,
    ],
    ...azureLines(a),
    ['payer', a.parentId ?? a.payerAccountId],
    ['status', `${a.status.state}${a.status.message ? ` — ${a.status.message}` : ''}`],
    ['last sync', a.status.lastSyncAt],
    ['next sync', a.status.nextSyncAt],
  ];
  for (const [k, v] of lines)
    if (v !== null && v !== undefined) process.stdout.write(`${k.padEnd(12)} ${String(v)}\n`);
  if (a.members) {
    const open = a.members.filter((m) => !m.connected);
    process.stdout.write(
      `members      ${a.members.length} listed by AWS Organizations, ${open.length} not connected\n`,
    );
    if (a.notImported)
      process.stdout.write(
        `not imported ${a.notImported.accounts} member account(s)${a.notImported.cost !== null ? `, ${a.notImported.cost.toFixed(2)} ${a.notImported.currency ?? ''}` : ''} in ${a.notImported.billingPeriod}\n`,
      );
  }
}

export function reportOutcome(report: ValidationReport | null): void {
  if (report && !report.ok) process.exitCode = ERROR_MAP.connection.exit;
}
