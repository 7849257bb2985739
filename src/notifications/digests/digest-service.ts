import { inputErrorOf } from '../../accounts/account-schemas.js';
import { audit } from '../../auth/audit-log.js';
import type { Principal } from '../../auth/permissions.js';
import type { Clock } from '../../lib/clock.js';
import { addDays } from '../../lib/dates.js';
import { ConflictError, InputError, NotFoundError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { Log } from '../../lib/log.js';
import type { Queryable, Store } from '../../store/store.js';
import type { ChannelService } from '../channel-service.js';
import { requireAlerts } from '../channel-service.js';
import type { DigestStore, DigestSubscription } from '../digest-store.js';
import type { DirectRouter } from '../event-router.js';
import type { OutboxStore } from '../outbox-store.js';
import { digestFigures, type DigestPorts } from './digest-figures.js';
import { digestMessage } from './digest-message.js';
import { digestKey, lastCompletePeriod } from './digest-periods.js';
import { createDigestSchema } from './digest-schemas.js';

export interface DigestServiceDeps {
  store: Store;
  clock: Clock;
  log: Log;
  digests: DigestStore;
  channels: Pick<ChannelService, 'find'>;
  outbox: Pick<OutboxStore, 'eventExists' | 'eventCounts'>;
  raiseDirect: DirectRouter;
  /** Tells the delivery worker something was queued. */
  kick(): void;
}

/** A subscription as answers show it. */
export function digestView(d: DigestSubscription) {
  const { orgId: _org, ...rest } = d;
  return rest;
}

/**
 * Digest subscriptions and the scheduled run that sends them: for each subscription, the newest whole period
 * (yesterday, or last week) is summarized once — its event's dedupe key names the subscription and period — and
 * queued through the outbox like any alert, so a restart or a second process never sends it twice.
 */
export function createDigestService(deps: DigestServiceDeps) {
  const { store, clock, log, digests } = deps;
  let ports: DigestPorts | undefined;

  function record(tx: Queryable, principal: Principal, action: string, d: DigestSubscription) {
    return audit(tx, {
      orgId: d.orgId,
      actorUserId: principal.userId,
      actor: principal.email,
      action,
      objectType: 'notification_digest',
      objectId: d.id,
      details: { channelId: d.channelId, frequency: d.frequency, forMe: d.userId !== null },
    });
  }

  /** Queues one subscription's digest for its newest whole period; false when it was already sent. */
  async function sendDue(p: DigestPorts, d: DigestSubscription): Promise<boolean> {
    if (d.userId && !(await p.isMember(d.orgId, d.userId))) {
      // Its person left the organization (or was disabled): the personal digest goes with them.
      await store.transaction((tx) => digests.remove(tx, d.orgId, d.id));
      log.info(
        { digestId: d.id, orgId: d.orgId },
        'personal digest removed: its person is no longer a member',
      );
      return false;
    }
    const now = clock.now();
    const period = lastCompletePeriod(d.frequency, now);
    const key = digestKey(d.id, period);
    if (await deps.outbox.eventExists(d.orgId, key)) return false;
    const alerts = await deps.outbox.eventCounts(
      d.orgId,
      new Date(`${period.from}T00:00:00Z`),
      new Date(`${addDays(period.to, 1)}T00:00:00Z`),
    );
    const message = digestMessage(period, await digestFigures(p, d.orgId, period, alerts));
    const id = await store.transaction((tx) =>
      deps.raiseDirect(tx, {
        orgId: d.orgId,
        type: 'digest',
        dedupeKey: key,
        channelId: d.channelId,
        message: d.recipient ? { ...message, recipients: [d.recipient] } : message,
      }),
    );
    return id !== undefined;
  }

  return {
    setPorts(p: DigestPorts): void {
      ports = p;
    },

    list: (orgId: string) => digests.list(orgId),

    async create(principal: Principal, raw: unknown): Promise<DigestSubscription> {
      const parsed = createDigestSchema.safeParse(raw);
      if (!parsed.success) throw inputErrorOf(parsed.error);
      const input = parsed.data;
      // Anyone may opt in to a digest for themselves; a digest for a whole channel is an alert setting.
      if (!input.forMe) requireAlerts(principal);
      const channel = await deps.channels.find(principal.orgId, input.channel).catch(() => {
        throw new InputError('channel', `channel: no notification channel "${input.channel}"`);
      });
      if (input.forMe && channel.kind !== 'email')
        throw new InputError('forMe', 'forMe: a personal digest is sent by e-mail; choose an e-mail channel');
      const d: DigestSubscription = {
        id: newId('ndg'),
        orgId: principal.orgId,
        channelId: channel.id,
        frequency: input.frequency,
        userId: input.forMe ? principal.userId : null,
        recipient: input.forMe ? principal.email : null,
        createdBy: principal.userId,
        createdAt: clock.now().toISOString(),
      };
      await store.transaction(async (tx) => {
        if (!(await digests.insert(tx, d)))
          throw new ConflictError(
            `"${channel.name}" already gets the ${d.frequency} digest${input.forMe ? ' for you' : ''}.`,
          );
        await record(tx, principal, 'notification_digest.create', d);
      });
      return d;
    },

    async remove(principal: Principal, id: string): Promise<void> {
      const d = await digests.get(principal.orgId, id);
      if (!d) throw new NotFoundError('Digest subscription', id);
      if (d.userId !== principal.userId) requireAlerts(principal);
      await store.transaction(async (tx) => {
        await digests.remove(tx, d.orgId, d.id);
        await record(tx, principal, 'notification_digest.delete', d);
      });
    },

    /** A removed channel takes its digests with it (in the caller's transaction). */
    forgetChannel: (tx: Queryable, orgId: string, channelId: string) =>
      digests.removeForChannel(tx, orgId, channelId),

    /** Queues every digest whose newest period was not sent yet; returns how many were queued. */
    async runDue(): Promise<number> {
      const p = ports;
      if (!p) return 0;
      let queued = 0;
      for (const d of await digests.all()) {
        try {
          if (await sendDue(p, d)) queued++;
        } catch (err) {
          log.error({ err, digestId: d.id, orgId: d.orgId }, 'digest failed');
        }
      }
      if (queued > 0) deps.kick();
      return queued;
    },
  };
}

export type DigestService = ReturnType<typeof createDigestService>;
