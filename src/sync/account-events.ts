import type { Log } from '../lib/log.js';
import type { Store } from '../store/store.js';
import { loadAccount, organizationOfAccount } from '../accounts/account-status.js';
import * as runs from './run-store.js';
import type { SyncAccountEvents, TriggerInput } from './sync-service-types.js';
import type { SyncRun } from './sync-types.js';
import type { SyncWorker } from './sync-worker.js';

export interface AccountEventDeps {
  store: Store;
  clock: { now(): Date };
  log: Log;
  defaultIntervalMinutes: number;
  trigger: (input: TriggerInput) => Promise<{ run: SyncRun; joined: boolean }>;
  /** This process's worker, when it runs one. */
  worker: () => Pick<SyncWorker<unknown>, 'abort' | 'abortAccount'> | undefined;
}

/** What the sync engine does when accounts are connected or removed (DESIGN.md §1). */
export function createAccountEvents(deps: AccountEventDeps): SyncAccountEvents {
  const { store, clock, log, trigger } = deps;

  async function orgIdOf(account: { id: string; orgId?: string }): Promise<string | undefined> {
    if (account.orgId) return account.orgId;
    return organizationOfAccount(store, account.id);
  }

  return {
    async accountConnected(account) {
      try {
        const orgId = await orgIdOf(account);
        if (orgId) await trigger({ orgId, accountId: account.id, trigger: 'connected' });
      } catch (err) {
        log.error(
          { err, cloudAccountId: account.id },
          'could not queue the first sync of a connected account',
        );
      }
    },
    async memberConnected(payerId, member) {
      try {
        const orgId = await orgIdOf(member);
        if (!orgId) return;
        const memberAccount = member.awsAccountId
          ? undefined
          : await loadAccount(store, member.id, deps.defaultIntervalMinutes, orgId);
        await trigger({
          orgId,
          accountId: payerId,
          trigger: 'member_connected',
          options: {
            billingForce: true,
            memberAccountIds: [member.awsAccountId ?? memberAccount?.account.awsAccountId ?? member.id],
          },
        });
      } catch (err) {
        log.error(
          { err, cloudAccountId: payerId, memberId: member.id },
          "could not queue the payer's re-import for a connected member account",
        );
      }
    },
    async memberRemoved(payerId, member) {
      try {
        const orgId = await orgIdOf(member);
        if (orgId) await trigger({ orgId, accountId: payerId, trigger: 'member_removed' });
      } catch (err) {
        log.error(
          { err, cloudAccountId: payerId, memberId: member.id },
          "could not queue the payer's re-import for a removed member account",
        );
      }
    },
    async accountRemoved(account) {
      // The removal may already have deleted the account's runs: stop this process's run by its account.
      deps.worker()?.abortAccount(account.id, 'cancel');
      try {
        const { queued, running } = await runs.activeRuns(store, account.id);
        if (queued) await runs.cancelQueued(store, queued.id, clock.now());
        if (running) {
          await runs.requestCancel(store, running.id);
          deps.worker()?.abort(running.id, 'cancel');
        }
      } catch (err) {
        log.error({ err, cloudAccountId: account.id }, 'could not cancel the sync runs of a removed account');
      }
    },
  };
}
