/**
 * An account as a person names it: its Cloudtally ID (`ca_…`), its AWS account ID (dashes and spaces allowed)
 * or its name (any case). The MCP tools and the CLI resolve references with this one rule.
 */

export interface NamedAccount {
  id: string;
  name: string;
  awsAccountId: string | null;
}

export type AccountMatch =
  { found: true; id: string } | { found: false; reason: 'none' | 'ambiguous'; message: string };

/** `listHint` says where to see the accounts (e.g. "Use list_cloud_accounts."). */
export function matchAccount(items: readonly NamedAccount[], ref: string, listHint: string): AccountMatch {
  const r = ref.trim();
  if (/^ca_/.test(r)) return { found: true, id: r };
  const digits = r.replace(/[\s-]/g, '');
  const matches = items.filter((a) => a.awsAccountId === digits || a.name.toLowerCase() === r.toLowerCase());
  if (matches.length === 1) return { found: true, id: matches[0].id };
  if (matches.length === 0) {
    const known = items.map((a) => `${a.name} (${a.awsAccountId ?? a.id})`).join(', ') || 'none';
    return {
      found: false,
      reason: 'none',
      message: `No cloud account matches "${r}". Connected accounts: ${known}. ${listHint}`,
    };
  }
  return {
    found: false,
    reason: 'ambiguous',
    message: `"${r}" matches ${matches.length} accounts; pass the Cloudtally ID (ca_…) instead.`,
  };
}

/** True when `ref` is a Cloudtally ID and needs no lookup. */
export const isAccountId = (ref: string): boolean => /^ca_/.test(ref.trim());
