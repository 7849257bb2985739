import { audit } from '../auth/audit-log.js';
import { InputError } from '../lib/errors.js';
import type { Queryable } from '../store/store.js';
import { fireHook, SECRET_OWNER, type AccountKit } from './account-kit.js';
import * as db from './account-store.js';
import type { Actor } from './account-types.js';

/** Extra per-account data removal run inside the removal transaction (e.g. billing's deleteAccountData). */
export type DataCleaner = (tx: Queryable, orgId: string, cloudAccountId: string) => Promise<void>;

/** Removes the account, its imported data and its secrets in one transaction; needs `confirm`. */
export async function removeAccount(
  kit: AccountKit,
  cleaners: readonly DataCleaner[],
  actor: Actor,
  id: string,
  options: { confirm: boolean },
): Promise<{ id: string; removed: Record<string, number> }> {
  const orgId = actor.orgId;
  const cur = await kit.mustGet(kit.store, orgId, id);
  if (!options.confirm) {
    throw new InputError(
      'confirm',
      `Removing "${cur.name}" deletes its imported costs, resources, recommendations, sync history and stored credentials. Repeat with ?confirm=true (CLI: --yes) to remove it.`,
    );
  }
  const removed = await kit.store.transaction(async (tx) => {
    for (const clean of cleaners) await clean(tx, orgId, id);
    const counts = await db.deleteAccountRows(tx, orgId, id);
    await kit.vault.deleteOwned(tx, orgId, SECRET_OWNER, id);
    await audit(tx, {
      orgId,
      actorUserId: actor.userId,
      actor: actor.actor,
      action: 'cloud_account.remove',
      objectType: 'cloud_account',
      objectId: id,
      requestId: actor.requestId,
      details: {
        name: cur.name,
        provider: cur.provider,
        type: cur.type,
        awsAccountId: cur.awsAccountId,
        removed: counts,
      },
    });
    return counts;
  });
  kit.connectorOf(cur.provider).removed?.(cur);
  kit.log.info({ cloudAccountId: id }, 'cloud account removed');
  const payload = kit.payload(cur);
  await fireHook(kit.log, 'accountRemoved', () => kit.events().accountRemoved?.(payload));
  if (cur.parentId)
    await fireHook(kit.log, 'memberRemoved', () =>
      kit.events().memberRemoved?.(cur.parentId as string, payload),
    );
  return { id, removed };
}
