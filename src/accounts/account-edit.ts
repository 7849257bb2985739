import { audit } from '../auth/audit-log.js';
import { fireHook, SECRET_OWNER, type AccountKit } from './account-kit.js';
import * as db from './account-store.js';
import type { Actor, CloudAccount, ValidationReport } from './account-types.js';

/**
 * Edits an account: its provider's connector works out the change (checking the connection again when it
 * changed); the fields, the secret, the report and the audit entries are written in one transaction.
 */
export async function editAccount(
  kit: AccountKit,
  actor: Actor,
  id: string,
  raw: unknown,
  signal?: AbortSignal,
): Promise<{ account: CloudAccount; validation: ValidationReport | null }> {
  const orgId = actor.orgId;
  const cur = await kit.mustGet(kit.store, orgId, id);
  const plan = await kit.connectorOf(cur.provider).prepareUpdate(cur, raw, signal);
  const now = kit.clock.now();
  let attached: string[] = [];
  await kit.store.transaction(async (tx) => {
    let secretId = cur.secretId;
    if (plan.secret === 'delete') {
      if (cur.secretId) await kit.vault.deleteOwned(tx, orgId, SECRET_OWNER, id);
      secretId = null;
    } else if (plan.secret) {
      secretId = await kit.vault.put(
        tx,
        { orgId, ownerType: SECRET_OWNER, ownerId: id, name: plan.secret.name },
        plan.secret.value,
      );
    }
    await db.updateAccountFields(
      tx,
      orgId,
      id,
      {
        name: plan.name,
        secretId,
        connection: plan.document,
        ...(plan.parentId !== undefined ? { parentId: plan.parentId } : {}),
      },
      now,
    );
    if (plan.report) {
      await db.saveValidation(tx, orgId, id, plan.report, now);
      if (plan.afterSave) attached = await plan.afterSave(tx, orgId, id, now);
    }
    if (plan.changed.length > 0) {
      await audit(tx, {
        orgId,
        actorUserId: actor.userId,
        actor: actor.actor,
        action: 'cloud_account.update',
        objectType: 'cloud_account',
        objectId: id,
        requestId: actor.requestId,
        details: {
          fields: plan.changed,
          revalidated: plan.report !== null,
          validated: plan.report?.ok ?? null,
        },
      });
    }
    if (plan.enabled !== undefined && plan.enabled !== cur.enabled) {
      await db.setDisabled(tx, orgId, id, !plan.enabled, now);
      await audit(tx, {
        orgId,
        actorUserId: actor.userId,
        actor: actor.actor,
        action: plan.enabled ? 'cloud_account.enable' : 'cloud_account.disable',
        objectType: 'cloud_account',
        objectId: id,
        requestId: actor.requestId,
      });
    }
  });
  plan.afterCommit?.();
  const account = await kit.mustGet(kit.store, orgId, id);
  const newParent = plan.parentId;
  if (newParent && newParent !== cur.parentId)
    await fireHook(kit.log, 'memberConnected', () =>
      kit.events().memberConnected?.(newParent, kit.payload(account)),
    );
  await kit.announceAttached(orgId, id, attached);
  return { account: await kit.decorate(account), validation: plan.report };
}
