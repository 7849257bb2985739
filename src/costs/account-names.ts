/**
 * Names of cloud accounts for labels: a connected account's name, else the name the payer's organization
 * listed, else the name the billing export carried.
 */
import { knownAccountNames } from '../accounts/member-store.js';
import type { Store } from '../store/store.js';
import type { VersionedCache } from './versioned-cache.js';

export interface AccountNames {
  /** Account ID in the cloud (the bill's sub_account_id) → name, for the given IDs (IDs without a known name are absent). */
  lookup(orgId: string, ids: readonly string[]): Promise<Map<string, string>>;
}

export function createAccountNames(store: Pick<Store, 'query'>, cache: VersionedCache): AccountNames {
  // Names from line items are read once per version of the billing data, not on every query.
  const fromBilling = (orgId: string) =>
    cache.get(orgId, 'account-names', async () => {
      const rows = await store.query<{ id: string; name: string }>(
        `SELECT sub_account_id AS id, MAX(sub_account_name) AS name FROM cost_line_items
         WHERE org_id = $1 AND sub_account_name IS NOT NULL AND sub_account_name <> '' GROUP BY sub_account_id`,
        [orgId],
      );
      return new Map(rows.map((r) => [r.id, r.name]));
    });

  return {
    async lookup(orgId, ids) {
      const out = new Map<string, string>();
      if (ids.length === 0) return out;
      const wanted = new Set(ids);
      for (const r of await knownAccountNames(store, orgId)) {
        if (r.name && wanted.has(r.id) && !out.has(r.id)) out.set(r.id, r.name);
      }
      if ([...wanted].some((id) => !out.has(id))) {
        const billing = await fromBilling(orgId);
        for (const id of wanted) {
          const name = billing.get(id);
          if (name && !out.has(id)) out.set(id, name);
        }
      }
      return out;
    },
  };
}
