import { audit } from '../auth/audit-log.js';
import { organizationSettings, writeOrganizationSettings } from '../auth/organization-directory.js';
import type { Clock } from '../lib/clock.js';
import { InputError, NotFoundError } from '../lib/errors.js';
import type { Store } from '../store/store.js';
import {
  accountsOnOrganizationInterval,
  loadAccount,
  moveNextSyncAt,
  setSyncInterval,
} from '../accounts/account-status.js';

// How often accounts sync: the account's own interval, else its organization's (organizations.settings JSON),
// else the server default. Changing one moves the next scheduled sync of the accounts it applies to.

const MIN_INTERVAL = 5;
const MAX_INTERVAL = 7 * 24 * 60;

export interface ScheduleDeps {
  store: Store;
  clock: Clock;
  defaultIntervalMinutes: number;
}

export interface ScheduleActor {
  userId: string;
  email: string;
}

function checkInterval(minutes: number | null): void {
  if (minutes === null) return;
  if (!Number.isInteger(minutes) || minutes < MIN_INTERVAL || minutes > MAX_INTERVAL) {
    throw new InputError(
      'syncIntervalMinutes',
      `syncIntervalMinutes must be a whole number of minutes from ${MIN_INTERVAL} to ${MAX_INTERVAL}`,
    );
  }
}

/** The next sync after a change of interval: one interval after the last sync, and not in the past. */
async function moveNextSync(deps: ScheduleDeps, accountId: string): Promise<void> {
  const loaded = await loadAccount(deps.store, accountId, deps.defaultIntervalMinutes);
  if (!loaded) return;
  const now = deps.clock.now();
  const base = loaded.row.last_sync_at ? new Date(loaded.row.last_sync_at) : now;
  const next = new Date(Math.max(now.getTime(), base.getTime() + loaded.intervalMinutes * 60_000));
  // An account never scheduled yet (NULL) is due at once; it keeps that.
  await moveNextSyncAt(deps.store, accountId, next);
}

/** The organization's own sync interval, or null when it follows the server default. */
export async function organizationInterval(store: Store, orgId: string): Promise<number | null> {
  const value = (await organizationSettings(store, orgId))?.syncIntervalMinutes;
  return typeof value === 'number' ? value : null;
}

export async function setOrganizationInterval(
  deps: ScheduleDeps,
  orgId: string,
  minutes: number | null,
  actor: ScheduleActor,
): Promise<void> {
  checkInterval(minutes);
  const accountIds = await deps.store.transaction(async (tx) => {
    const current = await organizationSettings(tx, orgId);
    if (!current) throw new NotFoundError('Organization', orgId);
    if (minutes === null) delete current.syncIntervalMinutes;
    else current.syncIntervalMinutes = minutes;
    await writeOrganizationSettings(tx, orgId, current);
    await audit(tx, {
      orgId,
      actorUserId: actor.userId,
      actor: actor.email,
      action: 'sync.settings',
      objectType: 'organization',
      objectId: orgId,
      details: { syncIntervalMinutes: minutes },
    });
    return accountsOnOrganizationInterval(tx, orgId);
  });
  for (const id of accountIds) await moveNextSync(deps, id);
}

export async function setAccountInterval(
  deps: ScheduleDeps,
  orgId: string,
  accountId: string,
  minutes: number | null,
  actor: ScheduleActor,
): Promise<void> {
  checkInterval(minutes);
  await deps.store.transaction(async (tx) => {
    if (!(await setSyncInterval(tx, orgId, accountId, minutes)))
      throw new NotFoundError('Cloud account', accountId);
    await audit(tx, {
      orgId,
      actorUserId: actor.userId,
      actor: actor.email,
      action: 'sync.settings',
      objectType: 'cloud_account',
      objectId: accountId,
      details: { syncIntervalMinutes: minutes },
    });
  });
  await moveNextSync(deps, accountId);
}
