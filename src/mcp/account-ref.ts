/** Lets tools take an account as its Cloudtally ID, its AWS account ID or its name, as a person would say it. */
import { isAccountId, matchAccount } from '../accounts/account-ref.js';
import { ok, type ApiCaller } from './api-caller.js';
import { ToolInputError } from './tool-kit.js';

export async function resolveAccountId(api: ApiCaller, ref: string): Promise<string> {
  if (isAccountId(ref)) return ref.trim();
  const { items } = await ok(api.GET('/api/v1/cloud-accounts'));
  const m = matchAccount(items, ref, 'Use list_cloud_accounts.');
  if (!m.found) throw new ToolInputError(m.message);
  return m.id;
}
