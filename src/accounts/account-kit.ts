import type { Clock } from '../lib/clock.js';
import { NotFoundError } from '../lib/errors.js';
import type { Log } from '../lib/log.js';
import type { Queryable, Store } from '../store/store.js';
import type { AccountConnector } from './account-connector.js';
import type { AccountEventPayload, AccountEvents } from './account-events.js';
import { payloadOf } from './account-events.js';
import * as db from './account-store.js';
import type { AccountRecord, CloudAccount } from './account-types.js';
import type { SecretVault } from './secret-vault.js';

/** What the accounts service's parts (connect, edit, remove, validate) share. */
export interface AccountKit {
  store: Store;
  vault: Pick<SecretVault, 'put' | 'deleteOwned'>;
  clock: Clock;
  log: Log;
  events(): AccountEvents;
  connectorOf(provider: string): AccountConnector;
  mustGet(q: Queryable, orgId: string, id: string): Promise<AccountRecord>;
  /** The account as every interface shows it (its provider's fields, a payer's members). */
  decorate(a: AccountRecord): Promise<CloudAccount>;
  payload(a: AccountRecord): AccountEventPayload;
  /** Fires memberConnected for accounts that a save attached to a payer. */
  announceAttached(orgId: string, payerId: string, ids: string[]): Promise<void>;
}

export const SECRET_OWNER = 'cloud_account';

export function createAccountKit(deps: {
  store: Store;
  vault: Pick<SecretVault, 'put' | 'deleteOwned'>;
  clock: Clock;
  log: Log;
  connectors: Readonly<Record<string, AccountConnector>>;
  events: () => AccountEvents;
}): AccountKit {
  const { store, log } = deps;
  const connectorOf = (provider: string): AccountConnector => {
    const c = deps.connectors[provider];
    if (!c) throw new Error(`No connector for provider "${provider}" is wired (src/app/context.ts).`);
    return c;
  };
  const payload = (a: AccountRecord) => payloadOf(a, connectorOf(a.provider).publicFields(a));
  const kit: AccountKit = {
    ...deps,
    connectorOf,
    async mustGet(q, orgId, id) {
      const a = await db.getAccount(q, orgId, id);
      if (!a) throw new NotFoundError('Cloud account', id);
      return a;
    },
    async decorate(a) {
      const connector = connectorOf(a.provider);
      const { orgId: _orgId, secretId: _secretId, connection: _connection, ...common } = a;
      return { ...connector.publicFields(a), ...common, ...(await connector.decorate?.(a)) };
    },
    payload,
    async announceAttached(orgId, payerId, ids) {
      for (const id of ids) {
        const member = await db.getAccount(store, orgId, id);
        if (member)
          await fireHook(log, 'memberConnected', () =>
            deps.events().memberConnected?.(payerId, payload(member)),
          );
      }
    },
  };
  return kit;
}

/** Runs a hook; its failure is logged and the change it follows stands. */
export async function fireHook(log: Log, name: string, fn: () => Promise<void> | void): Promise<void> {
  try {
    await fn();
  } catch (err) {
    log.error({ err, hook: name }, 'account event hook failed');
  }
}
