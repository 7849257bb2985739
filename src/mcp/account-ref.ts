/** Lets tools take an account as its Cloudtally ID, its AWS account ID or its name, as a person would say it. */
import { isAccountId, matchAccount } from '../accounts/account-ref.js';
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
  if (isAccountId(ref)) return ref.trim();
  const { items } = await api.get<{ items: AccountSummary[] }>('/api/v1/cloud-accounts');
  const m = matchAccount(items, ref, 'Use list_cloud_accounts.');
  if (!m.found) throw new ToolInputError(m.message);
  return m.id;
}
