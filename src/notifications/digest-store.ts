import type { Queryable } from '../store/store.js';
import type { DigestFrequency } from './digests/digest-periods.js';

// SQL over `notification_digests`, which this module owns: who gets a digest, how often, through which channel.

export interface DigestSubscription {
  id: string;
  orgId: string;
  channelId: string;
  frequency: DigestFrequency;
  /** The user who opted in for themselves (the digest goes to `recipient`), or null for the whole channel. */
  userId: string | null;
  recipient: string | null;
  createdBy: string | null;
  createdAt: string;
}

type Row = {
  id: string;
  org_id: string;
  channel_id: string;
  frequency: string;
  subscriber: string;
  recipient: string | null;
  created_by: string | null;
  created_at: Date;
};

const COLUMNS = 'id, org_id, channel_id, frequency, subscriber, recipient, created_by, created_at';

const fromRow = (r: Row): DigestSubscription => ({
  id: r.id,
  orgId: r.org_id,
  channelId: r.channel_id,
  frequency: r.frequency as DigestFrequency,
  userId: r.subscriber === '' ? null : r.subscriber,
  recipient: r.recipient,
  createdBy: r.created_by,
  createdAt: new Date(r.created_at).toISOString(),
});

export function createDigestStore(db: Queryable) {
  return {
    /** Adds a subscription unless the same (channel, frequency, subscriber) exists; returns whether it is new. */
    async insert(q: Queryable, d: DigestSubscription): Promise<boolean> {
      const rows = await q.query<{ id: string }>(
        `INSERT INTO notification_digests (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (org_id, channel_id, frequency, subscriber) DO NOTHING RETURNING id`,
        [
          d.id,
          d.orgId,
          d.channelId,
          d.frequency,
          d.userId ?? '',
          d.recipient,
          d.createdBy,
          new Date(d.createdAt),
        ],
      );
      return rows.length > 0;
    },

    async get(orgId: string, id: string): Promise<DigestSubscription | undefined> {
      const rows = await db.query<Row>(
        `SELECT ${COLUMNS} FROM notification_digests WHERE org_id = $1 AND id = $2`,
        [orgId, id],
      );
      return rows[0] ? fromRow(rows[0]) : undefined;
    },

    async list(orgId: string): Promise<DigestSubscription[]> {
      const rows = await db.query<Row>(
        `SELECT ${COLUMNS} FROM notification_digests WHERE org_id = $1 ORDER BY created_at, id`,
        [orgId],
      );
      return rows.map(fromRow);
    },

    /** Every subscription of every organization (the scheduled run looks at them all). */
    async all(): Promise<DigestSubscription[]> {
      const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM notification_digests ORDER BY org_id, id`);
      return rows.map(fromRow);
    },

    async remove(q: Queryable, orgId: string, id: string): Promise<boolean> {
      return (
        (await q.execute(`DELETE FROM notification_digests WHERE org_id = $1 AND id = $2`, [orgId, id])) > 0
      );
    },

    /** A removed channel takes its digests with it. */
    async removeForChannel(q: Queryable, orgId: string, channelId: string): Promise<void> {
      await q.execute(`DELETE FROM notification_digests WHERE org_id = $1 AND channel_id = $2`, [
        orgId,
        channelId,
      ]);
    },
  };
}

export type DigestStore = ReturnType<typeof createDigestStore>;
