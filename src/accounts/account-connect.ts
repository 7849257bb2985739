import { audit } from '../auth/audit-log.js';
import { ConflictError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { providerIn, type ProviderId } from './account-schemas.js';
import { fireHook, SECRET_OWNER, type AccountKit } from './account-kit.js';
import * as db from './account-store.js';
import type { Actor, CloudAccount, ValidationReport } from './account-types.js';

const WHAT: Record<ProviderId, string> = {
  aws: 'AWS account',
  azure: 'Azure subscription',
  focus: 'FOCUS export',
};

const isUniqueViolation = (err: unknown) =>
  err instanceof Error && /(duplicate key|unique constraint|violates unique)/i.test(err.message);

/**
 * Connects an account of the provider the request names (AWS when it names none): the provider's connector
 * parses and checks it, then the row, its secret and the audit entry are written in one transaction.
 */
export async function connectAccount(
  kit: AccountKit,
  actor: Actor,
  raw: unknown,
  signal?: AbortSignal,
): Promise<{ account: CloudAccount; validation: ValidationReport }> {
  const orgId = actor.orgId;
  const provider = providerIn(raw);
  const prepared = await kit.connectorOf(provider).prepareCreate(orgId, raw, signal);
  const id = newId('ca');
  const now = kit.clock.now();
  let attached: string[] = [];
  try {
    await kit.store.transaction(async (tx) => {
      const secretId = prepared.secret
        ? await kit.vault.put(
            tx,
            { orgId, ownerType: SECRET_OWNER, ownerId: id, name: prepared.secret.name },
            prepared.secret.value,
          )
        : null;
      await db.insertAccount(tx, {
        id,
        orgId,
        provider,
        type: prepared.type,
        createdBy: actor.userId,
        now,
        name: prepared.name,
        awsAccountId: prepared.nativeId,
        secretId,
        parentId: prepared.parentId,
        connection: prepared.document,
      });
      await db.saveValidation(tx, orgId, id, prepared.report, now);
      if (prepared.afterSave) attached = await prepared.afterSave(tx, orgId, id, now);
      await audit(tx, {
        orgId,
        actorUserId: actor.userId,
        actor: actor.actor,
        action: 'cloud_account.create',
        objectType: 'cloud_account',
        objectId: id,
        requestId: actor.requestId,
        details: {
          name: prepared.name,
          provider,
          type: prepared.type,
          awsAccountId: prepared.nativeId,
          validated: prepared.report.ok,
          parentId: prepared.parentId,
        },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new ConflictError(
        `${WHAT[provider]} ${prepared.nativeId ?? ''} is already connected in this organization.`,
      );
    }
    throw err;
  }
  const account = await kit.mustGet(kit.store, orgId, id);
  kit.log.info(
    {
      cloudAccountId: id,
      provider,
      type: prepared.type,
      nativeId: prepared.nativeId,
      ok: prepared.report.ok,
    },
    'cloud account connected',
  );
  await fireHook(kit.log, 'accountConnected', () => kit.events().accountConnected?.(kit.payload(account)));
  if (account.parentId)
    await fireHook(kit.log, 'memberConnected', () =>
      kit.events().memberConnected?.(account.parentId as string, kit.payload(account)),
    );
  await kit.announceAttached(orgId, id, attached);
  return { account: await kit.decorate(account), validation: prepared.report };
}
