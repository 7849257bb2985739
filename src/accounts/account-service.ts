/**
 * Cloud accounts of any provider: connect, edit, check, remove. What a connection holds and how it is checked is
 * the provider's (its connector, found by the account's `provider`); this service keeps what every provider shares:
 * the row, the vault secret, the audit log, the events the sync engine listens to.
 */
import type { Clock } from '../lib/clock.js';
import type { Diagnostic } from '../lib/errors.js';
import type { Log } from '../lib/log.js';
import type { Store } from '../store/store.js';
import type { AccountConnector } from './account-connector.js';
import { connectAccount } from './account-connect.js';
import { editAccount } from './account-edit.js';
import type { AccountEvents } from './account-events.js';
import { createAccountKit } from './account-kit.js';
import { removeAccount, type DataCleaner } from './account-removal.js';
import * as db from './account-store.js';
import type { ProviderId } from './account-schemas.js';
import type { AccountRecord, Actor, CloudAccount, MemberAccount, ValidationReport } from './account-types.js';
import type { SecretVault } from './secret-vault.js';

export type { Actor } from './account-types.js';
export type { AccountEventPayload, AccountEvents } from './account-events.js';
export { SECRET_OWNER } from './account-kit.js';

export interface AccountServiceDeps {
  store: Store;
  vault: Pick<SecretVault, 'put' | 'deleteOwned'>;
  clock: Clock;
  log: Log;
  /** Each provider's connector, by provider id (the composition root builds them from the registry). */
  connectors: Readonly<Record<string, AccountConnector>>;
  events?: AccountEvents;
  /** Extra per-account data removal run inside the removal transaction (e.g. billing's deleteAccountData). */
  dataCleaners?: DataCleaner[];
}

export function createAccountService(deps: AccountServiceDeps) {
  const { store, clock } = deps;
  let events: AccountEvents = deps.events ?? {};
  const kit = createAccountKit({ ...deps, events: () => events });

  return {
    /** Lets the composition root wire the sync engine after both exist. */
    setEvents(next: AccountEvents): void {
      events = next;
    },

    async list(orgId: string): Promise<CloudAccount[]> {
      return Promise.all((await db.listAccounts(store, orgId)).map(kit.decorate));
    },

    async get(orgId: string, id: string): Promise<CloudAccount> {
      return kit.decorate(await kit.mustGet(store, orgId, id));
    },

    /** A payer's member accounts (none for a provider without payers). */
    async members(orgId: string, payerId: string): Promise<MemberAccount[]> {
      const a = await kit.mustGet(store, orgId, payerId);
      return (await kit.connectorOf(a.provider).members?.(a)) ?? [];
    },

    create: (actor: Actor, raw: unknown, signal?: AbortSignal) => connectAccount(kit, actor, raw, signal),

    update: (actor: Actor, id: string, raw: unknown, signal?: AbortSignal) =>
      editAccount(kit, actor, id, raw, signal),

    async setEnabled(actor: Actor, id: string, enabled: boolean): Promise<CloudAccount> {
      return (await editAccount(kit, actor, id, { enabled })).account;
    },

    remove: (actor: Actor, id: string, options: { confirm: boolean }) =>
      removeAccount(kit, deps.dataCleaners ?? [], actor, id, options),

    /**
     * Checks the stored connection step by step and records the report (and what a payer's organization lists).
     * `routine` (the sync's validate stage, the default) spares what a provider marks as costly or noisy; a person
     * asking (`routine: false`) gets every check made afresh.
     */
    async validate(
      orgId: string,
      id: string,
      signal?: AbortSignal,
      options: { routine?: boolean } = {},
    ): Promise<{ account: CloudAccount; validation: ValidationReport }> {
      const cur = await kit.mustGet(store, orgId, id);
      const result = await kit
        .connectorOf(cur.provider)
        .validate(cur, { signal, routine: options.routine !== false });
      let attached: string[] = [];
      await store.transaction(async (tx) => {
        const now = clock.now();
        await db.saveValidation(tx, orgId, id, result.report, now);
        if (result.afterSave) attached = await result.afterSave(tx, orgId, id, now);
      });
      await kit.announceAttached(orgId, id, attached);
      return { account: await kit.decorate(await kit.mustGet(store, orgId, id)), validation: result.report };
    },

    /** For a provider's sync stages: the stored account and the organization's external ID. */
    async connectionFor(orgId: string, id: string): Promise<{ account: AccountRecord; externalId: string }> {
      const account = await kit.mustGet(store, orgId, id);
      const { externalId } = await db.externalIdOf(store, orgId);
      return { account, externalId };
    },

    /** For a provider's sync stages: the stored account, or null once it is removed. */
    find(orgId: string, id: string): Promise<AccountRecord | null> {
      return db.getAccount(store, orgId, id);
    },

    /** For a provider's sync stages: the IDs in its cloud of the organization's accounts of that provider. */
    nativeIds(orgId: string, provider: ProviderId): Promise<string[]> {
      return db.nativeIdsOf(store, orgId, provider);
    },

    /** For a provider's sync stages: what the account shows, the status before a sync in progress included. */
    shownDiagnostics(orgId: string, id: string): Promise<Diagnostic[]> {
      return db.shownDiagnostics(store, orgId, id);
    },

    /** The organization's external ID (the one its AWS roles require). */
    async externalId(orgId: string): Promise<{ externalId: string; rotatedAt: string | null }> {
      const e = await db.externalIdOf(store, orgId);
      return { externalId: e.externalId, rotatedAt: e.rotatedAt };
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
