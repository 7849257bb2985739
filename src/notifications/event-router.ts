import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import type { Queryable } from '../store/store.js';
import type { ChannelStore } from './channel-store.js';
import type { DirectEvent, RaisedEvent } from './notification-types.js';
import type { OutboxStore } from './outbox-store.js';
import { ruleMatches } from './rule-schemas.js';
import type { RuleStore } from './rule-store.js';

export interface EventRouterDeps {
  rules: RuleStore;
  channels: Pick<ChannelStore, 'get'>;
  outbox: OutboxStore;
  clock: Clock;
  /** Where links point: the configured public URL (or the server's own address). */
  baseUrl: () => string;
}

/**
 * Writes an event and, in the same transaction, one delivery per (matching rule, channel). The event's dedupe key
 * makes a second raise of the same thing a no-op, so the caller may raise on every evaluation. Returns the number
 * of deliveries queued.
 */
export function createEventRouter({ rules, channels, outbox, clock, baseUrl }: EventRouterDeps) {
  return async function raise(tx: Queryable, e: RaisedEvent): Promise<number> {
    const now = clock.now();
    const eventId = newId('nev');
    const { path, ...message } = e.message;
    const link = new URL(path, baseUrl().replace(/\/*$/, '/')).toString();
    const isNew = await outbox.insertEvent(tx, {
      id: eventId,
      orgId: e.orgId,
      type: e.type,
      dedupeKey: e.dedupeKey,
      message: { ...message, type: e.type, link },
      createdAt: now.toISOString(),
    });
    if (!isNew) return 0;
    let queued = 0;
    for (const rule of await rules.enabledFor(e.orgId, e.type, tx)) {
      if (e.ruleId && rule.id !== e.ruleId) continue;
      if (!ruleMatches(rule, e.match)) continue;
      for (const channelId of rule.channelIds) {
        if (!(await channels.get(e.orgId, channelId, tx))) continue;
        const added = await outbox.enqueue(tx, {
          id: newId('ndl'),
          orgId: e.orgId,
          eventId,
          ruleId: rule.id,
          channelId,
          now,
        });
        if (added) queued++;
      }
    }
    return queued;
  };
}

export type RaiseEvent = ReturnType<typeof createEventRouter>;

/**
 * Writes a message for one channel (a test message, a digest) and its one delivery, in the caller's transaction.
 * The dedupe key makes a second write of the same thing a no-op (returns undefined); otherwise returns the
 * delivery's id. With `lease` the delivery is written already leased by that worker, which sends it at once.
 */
export function createDirectRouter({ outbox, clock, baseUrl }: Omit<EventRouterDeps, 'rules' | 'channels'>) {
  return async function raiseDirect(
    tx: Queryable,
    e: DirectEvent,
    lease?: { workerId: string; until: Date },
  ): Promise<string | undefined> {
    const now = clock.now();
    const eventId = newId('nev');
    const { path, ...message } = e.message;
    const link = new URL(path, baseUrl().replace(/\/*$/, '/')).toString();
    const isNew = await outbox.insertEvent(tx, {
      id: eventId,
      orgId: e.orgId,
      type: e.type,
      dedupeKey: e.dedupeKey,
      message: { ...message, type: e.type, link },
      createdAt: now.toISOString(),
    });
    if (!isNew) return undefined;
    const id = newId('ndl');
    await outbox.enqueue(
      tx,
      { id, orgId: e.orgId, eventId, ruleId: null, channelId: e.channelId, now },
      lease,
    );
    return id;
  };
}

export type DirectRouter = ReturnType<typeof createDirectRouter>;
