import type { AccountRecord, CloudAccount } from './account-types.js';

/**
 * Hooks for the sync engine, which starts the first sync of a new account and re-imports a payer's retained
 * periods when a member is connected or removed. They run after the change is committed; a failing hook is logged, the
 * connection stands.
 */
export interface AccountEvents {
  accountConnected?(account: AccountEventPayload): Promise<void> | void;
  memberConnected?(payerId: string, member: AccountEventPayload): Promise<void> | void;
  /** A member was removed: the payer re-imports without it, so its costs leave the totals. */
  memberRemoved?(payerId: string, member: AccountEventPayload): Promise<void> | void;
  /** After the removal is committed (the account row is gone, hence the organization in the payload). */
  accountRemoved?(account: AccountEventPayload): Promise<void> | void;
}

export type AccountEventPayload = CloudAccount & { orgId: string };

/** The event's payload: the account as shown (its provider's fields beside the common ones) and its organization. */
export function payloadOf(a: AccountRecord, fields: Record<string, unknown>): AccountEventPayload {
  const { orgId, secretId: _secretId, connection: _connection, ...rest } = a;
  return { ...fields, ...rest, orgId };
}
