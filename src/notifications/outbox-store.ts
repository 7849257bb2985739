import type { Queryable } from '../store/store.js';
import type { NotificationMessage, StoredEvent } from './notification-types.js';

// SQL over `notification_events` and `notification_outbox`, which this module owns. An event is written once per
// (organization, dedupe key) and a delivery once per (event, rule, channel): both inserts skip what exists, so a
// repeated evaluation, a restart or a second process queues nothing twice.

export type DeliveryState = 'pending' | 'sending' | 'sent' | 'failed';

export interface Delivery {
  id: string;
  orgId: string;
  eventId: string;
  ruleId: string | null;
  channelId: string;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  sentAt: string | null;
  createdAt: string;
  /** The event's type and one-line title (listings only). */
  eventType?: string;
  title?: string;
}

type DeliveryRow = {
  id: string;
  org_id: string;
  event_id: string;
  rule_id: string | null;
  channel_id: string;
  state: string;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  sent_at: Date | null;
  created_at: Date;
  event_type?: string;
  payload?: string;
};

const COLUMNS = `id, org_id, event_id, rule_id, channel_id, state, attempts, next_attempt_at, last_error, sent_at,
  created_at`;

const fromRow = (r: DeliveryRow): Delivery => ({
  id: r.id,
  orgId: r.org_id,
  eventId: r.event_id,
  ruleId: r.rule_id,
  channelId: r.channel_id,
  state: r.state as DeliveryState,
  attempts: Number(r.attempts),
  nextAttemptAt: new Date(r.next_attempt_at).toISOString(),
  lastError: r.last_error,
  sentAt: r.sent_at ? new Date(r.sent_at).toISOString() : null,
  createdAt: new Date(r.created_at).toISOString(),
  ...(r.event_type === undefined ? {} : { eventType: r.event_type, title: titleOf(r.payload) }),
});

function titleOf(payload: string | undefined): string {
  try {
    return (JSON.parse(payload ?? '{}') as Partial<NotificationMessage>).title ?? '';
  } catch {
    return '';
  }
}

type EventRow = {
  id: string;
  org_id: string;
  event_type: string;
  dedupe_key: string;
  payload: string;
  created_at: Date;
};

/** `claimLock` is the store dialect's (SKIP LOCKED where several processes claim at once). */
export function createOutboxStore(db: Queryable, claimLock: string) {
  return {
    /** Writes the event unless one with its dedupe key exists; returns whether it is new. */
    async insertEvent(q: Queryable, e: StoredEvent): Promise<boolean> {
      const rows = await q.query<{ id: string }>(
        `INSERT INTO notification_events (id, org_id, event_type, dedupe_key, payload, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org_id, dedupe_key) DO NOTHING RETURNING id`,
        [e.id, e.orgId, e.type, e.dedupeKey, JSON.stringify(e.message), new Date(e.createdAt)],
      );
      return rows.length > 0;
    },

    async getEvent(orgId: string, id: string): Promise<StoredEvent | undefined> {
      const rows = await db.query<EventRow>(
        `SELECT id, org_id, event_type, dedupe_key, payload, created_at FROM notification_events
         WHERE org_id = $1 AND id = $2`,
        [orgId, id],
      );
      const r = rows[0];
      if (!r) return undefined;
      return {
        id: r.id,
        orgId: r.org_id,
        type: r.event_type as StoredEvent['type'],
        dedupeKey: r.dedupe_key,
        message: JSON.parse(r.payload) as NotificationMessage,
        createdAt: new Date(r.created_at).toISOString(),
      };
    },

    /** Whether an event with this dedupe key was raised (the scheduled checks look before they build one). */
    async eventExists(orgId: string, dedupeKey: string): Promise<boolean> {
      const rows = await db.query(`SELECT 1 FROM notification_events WHERE org_id = $1 AND dedupe_key = $2`, [
        orgId,
        dedupeKey,
      ]);
      return rows.length > 0;
    },

    /** The newest event whose dedupe key starts with `prefix` (e.g. an account's last sync event). */
    async lastEvent(orgId: string, prefix: string): Promise<{ type: string; dedupeKey: string } | undefined> {
      const rows = await db.query<{ event_type: string; dedupe_key: string }>(
        `SELECT event_type, dedupe_key FROM notification_events
         WHERE org_id = $1 AND left(dedupe_key, length($2)) = $2 ORDER BY created_at DESC, id DESC LIMIT 1`,
        [orgId, prefix],
      );
      return rows[0] ? { type: rows[0].event_type, dedupeKey: rows[0].dedupe_key } : undefined;
    },

    /** How many events of each type were raised in [from, to) (test messages, digests and reports left out). */
    async eventCounts(orgId: string, from: Date, to: Date): Promise<{ type: string; count: number }[]> {
      const rows = await db.query<{ event_type: string; n: number | bigint }>(
        `SELECT event_type, COUNT(*) AS n FROM notification_events
         WHERE org_id = $1 AND created_at >= $2 AND created_at < $3 AND event_type NOT IN ('test', 'digest', 'report')
         GROUP BY event_type ORDER BY event_type`,
        [orgId, from, to],
      );
      return rows.map((r) => ({ type: r.event_type, count: Number(r.n) }));
    },

    /**
     * Queues a delivery unless the same (event, rule, channel) was queued; returns whether it is new. With `lease`
     * it is written already leased by that worker (a test message its process sends at once; should the process
     * die first, the lease runs out and any worker takes it over).
     */
    async enqueue(
      q: Queryable,
      d: { id: string; orgId: string; eventId: string; ruleId: string | null; channelId: string; now: Date },
      lease?: { workerId: string; until: Date },
    ): Promise<boolean> {
      const key = `${d.eventId}:${d.ruleId ?? 'direct'}:${d.channelId}`;
      const rows = await q.query<{ id: string }>(
        `INSERT INTO notification_outbox (id, org_id, event_id, rule_id, channel_id, delivery_key, state, attempts,
           next_attempt_at, worker_id, lease_until, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $8, $9, $7, $10, $11, $7)
         ON CONFLICT (delivery_key) DO NOTHING RETURNING id`,
        [
          d.id,
          d.orgId,
          d.eventId,
          d.ruleId,
          d.channelId,
          key,
          d.now,
          lease ? 'sending' : 'pending',
          lease ? 1 : 0,
          lease?.workerId ?? null,
          lease?.until ?? null,
        ],
      );
      return rows.length > 0;
    },

    /**
     * Leases up to `limit` deliveries that are due: pending ones whose time has come, and sending ones whose
     * lease ran out (their process died). With the store dialect's claimLock, PostgreSQL skips rows another
     * process is leasing (SKIP LOCKED); the embedded engine has one process, whose worker claims one batch at a time.
     */
    async claim(claim: {
      workerId: string;
      now: Date;
      leaseUntil: Date;
      limit: number;
    }): Promise<Delivery[]> {
      const lock = claimLock;
      const rows = await db.query<DeliveryRow>(
        `UPDATE notification_outbox SET state = 'sending', worker_id = $1, lease_until = $3, attempts = attempts + 1
         WHERE id IN (
           SELECT id FROM notification_outbox
           WHERE (state = 'pending' AND next_attempt_at <= $2) OR (state = 'sending' AND lease_until < $2)
           ORDER BY next_attempt_at, id
           LIMIT ${Math.max(1, Math.floor(claim.limit))} ${lock}
         ) AND (state = 'pending' OR (state = 'sending' AND lease_until < $2))
         RETURNING ${COLUMNS}`,
        [claim.workerId, claim.now, claim.leaseUntil],
      );
      return rows.map(fromRow);
    },

    /** Marks a leased delivery sent; false when the lease was lost (another process took it over). */
    async markSent(id: string, workerId: string, now: Date): Promise<boolean> {
      const n = await db.execute(
        `UPDATE notification_outbox SET state = 'sent', sent_at = $3, lease_until = NULL, last_error = NULL
         WHERE id = $1 AND worker_id = $2 AND state = 'sending'`,
        [id, workerId, now],
      );
      return n > 0;
    },

    async markRetry(id: string, workerId: string, error: string, nextAt: Date): Promise<boolean> {
      const n = await db.execute(
        `UPDATE notification_outbox SET state = 'pending', next_attempt_at = $4, last_error = $3, lease_until = NULL
         WHERE id = $1 AND worker_id = $2 AND state = 'sending'`,
        [id, workerId, error.slice(0, 2000), nextAt],
      );
      return n > 0;
    },

    async markFailed(id: string, workerId: string, error: string): Promise<boolean> {
      const n = await db.execute(
        `UPDATE notification_outbox SET state = 'failed', last_error = $3, lease_until = NULL
         WHERE id = $1 AND worker_id = $2 AND state = 'sending'`,
        [id, workerId, error.slice(0, 2000)],
      );
      return n > 0;
    },

    async getDelivery(orgId: string, id: string): Promise<Delivery | undefined> {
      const rows = await db.query<DeliveryRow>(
        `SELECT ${COLUMNS} FROM notification_outbox WHERE org_id = $1 AND id = $2`,
        [orgId, id],
      );
      return rows[0] ? fromRow(rows[0]) : undefined;
    },

    /** The newest deliveries of an organization, optionally of one channel. */
    async listDeliveries(orgId: string, channelId: string | undefined, limit: number): Promise<Delivery[]> {
      const cols = COLUMNS.split(',')
        .map((c) => `o.${c.trim()}`)
        .join(', ');
      const rows = await db.query<DeliveryRow>(
        `SELECT ${cols}, e.event_type, e.payload
         FROM notification_outbox o JOIN notification_events e ON e.id = o.event_id AND e.org_id = o.org_id
         WHERE o.org_id = $1 AND (CAST($2 AS TEXT) IS NULL OR o.channel_id = $2)
         ORDER BY o.created_at DESC, o.id DESC LIMIT ${Math.max(1, Math.min(500, Math.floor(limit)))}`,
        [orgId, channelId ?? null],
      );
      return rows.map(fromRow);
    },

    /** A removed channel leaves nothing queued for it. */
    async dropPendingFor(q: Queryable, orgId: string, channelId: string): Promise<void> {
      await q.execute(
        `DELETE FROM notification_outbox WHERE org_id = $1 AND channel_id = $2 AND state IN ('pending', 'failed')`,
        [orgId, channelId],
      );
    },
  };
}

export type OutboxStore = ReturnType<typeof createOutboxStore>;
