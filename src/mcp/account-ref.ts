/** Lets tools take an account as its Cloudtally ID, its AWS account ID or its name, as a person would say it. */
import type { ApiCaller } from './api-caller.js';
import { ToolInputError } from './tool-kit.js';

export interface AccountSummary {
  id: string;
  name: string;
  type: string;
  awsAccountId: string | null;
  enabled?: boolean;
  status?: {
    state?: string;
    message?: string | null;
    lastSyncAt?: string | null;
    nextSyncAt?: string | null;
    dataFreshness?: string | null;
    diagnostics?: { code?: string; message?: string; remediation?: string }[];
  };
}

export async function resolveAccountId(api: ApiCaller, ref: string): Promise<string> {
  const r = ref.trim();
  if (/^ca_/.test(r)) return r;
  const { items } = await api.get<{ items: AccountSummary[] }>('/api/v1/cloud-accounts');
  const digits = r.replace(/[\s-]/g, '');
  const matches = items.filter((a) => a.awsAccountId === digits || a.name.toLowerCase() === r.toLowerCase());
  if (matches.length === 1) return matches[0].id;
  const known = items.map((a) => `${a.name} (${a.awsAccountId ?? a.id})`).join(', ') || 'none';
  if (matches.length === 0)
    throw new ToolInputError(
      `No cloud account matches "${r}". Connected accounts: ${known}. Use list_cloud_accounts.`,
    );
  throw new ToolInputError(
    `"${r}" matches ${matches.length} accounts; pass the Cloudtally ID (ca_…) instead.`,
  );
}
