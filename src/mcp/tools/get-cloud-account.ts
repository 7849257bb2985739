import { z } from 'zod';
import { resolveAccountId } from '../account-ref.js';
import { defineTool, READ_ONLY, when } from '../tool-kit.js';
import { ok } from '../api-caller.js';

export const getCloudAccountTool = defineTool({
  name: 'get_cloud_account',
  title: 'Get a cloud account',
  description:
    'One connected AWS account in detail: connection settings (role, billing export location), status, last and next sync, data freshness, and the latest diagnostics with what to fix. The account may be given by its Cloudtally ID (ca_…), AWS account ID or name.',
  annotations: READ_ONLY,
  args: {
    account: z.string().min(1).describe('Cloudtally ID (ca_…), 12-digit AWS account ID, or account name'),
  },
  async execute(args, api) {
    const id = await resolveAccountId(api, args.account);
    const a = await ok(api.GET('/api/v1/cloud-accounts/{id}', { params: { path: { id } } }));
    const s = a.status ?? {};
    const lines = [
      `${a.name} (${a.type}${a.awsAccountId ? `, AWS ${a.awsAccountId}` : ''}) — status ${s.state ?? 'unknown'}${s.stage ? ` (${s.stage})` : ''}${a.enabled === false ? ', disabled' : ''}.`,
      `Last sync: ${when(s.lastSyncAt)}; last attempt: ${when(s.lastAttemptAt)}; next: ${when(s.nextSyncAt)}; billing data up to ${s.dataFreshness ?? 'none yet'}.`,
    ];
    if (s.message) lines.push(`Status: ${s.message}`);
    const access = a.roleArn ?? a.roleName ?? a.accessKeyId;
    if (access) lines.push(`Access: ${access}`);
    if (a.bucket)
      lines.push(
        `Billing export: ${a.exportType ?? '?'} "${a.exportName ?? '?'}" in s3://${a.bucket}/${a.prefix ?? ''} (${a.exportRegion ?? '?'})${a.edp ? ', EDP discounts' : ''}.`,
      );
    if (a.payerAccountId) lines.push(`Payer: ${a.payerAccountId}`);
    if (a.memberImport) lines.push(`Member accounts imported: ${a.memberImport}`);
    const diags = s.diagnostics ?? [];
    if (diags.length) {
      lines.push('', 'Diagnostics:');
      for (const d of diags)
        lines.push(
          `- ${d.code ?? ''}${d.step ? ` [${d.step}]` : ''}: ${d.message ?? ''}${d.remediation ? ` Fix: ${d.remediation}` : ''}`,
        );
    }
    if (a.validation) {
      const failed = a.validation.steps.filter((st) => st.state === 'fail');
      lines.push(
        '',
        `Last validation ${when(a.validation.checkedAt)}: ${a.validation.ok ? 'passed' : `failed at ${failed.map((f) => f.step).join(', ')}`}.`,
      );
      for (const f of failed)
        lines.push(`- ${f.step}: ${f.message}${f.remediation ? ` Fix: ${f.remediation}` : ''}`);
    }
    if (a.members?.length) {
      const connected = a.members.filter((m) => m.connected).length;
      lines.push(
        '',
        `Member accounts reported by AWS Organizations: ${a.members.length} (${connected} connected).`,
      );
      const notConnected = a.members.filter((m) => !m.connected).slice(0, 20);
      if (notConnected.length)
        lines.push(
          `Not connected: ${notConnected.map((m) => `${m.name ?? '?'} (${m.awsAccountId})`).join(', ')}`,
        );
    }
    lines.push(`ID: ${a.id}`);
    return lines.join('\n');
  },
});
