import type { Queryable } from '../store/store.js';
import type { Channel, ChannelKind } from './channel-schemas.js';
import { isoTimestamp } from '../lib/dates.js';

// SQL over `notification_channels`, which this module owns.

type ChannelRow = {
  id: string;
  org_id: string;
  name: string;
  kind: string;
  config: string;
  secret_id: string | null;
  last_success_at: Date | null;
  last_error: string | null;
  last_error_at: Date | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
};

const COLUMNS = `id, org_id, name, kind, config, secret_id, last_success_at, last_error, last_error_at, created_by,
  created_at, updated_at`;

function fromRow(r: ChannelRow): Channel {
  return {
    id: r.id,
    orgId: r.org_id,
    name: r.name,
    kind: r.kind as ChannelKind,
    config: JSON.parse(r.config) as Record<string, unknown>,
    secretId: r.secret_id,
    lastSuccessAt: isoTimestamp(r.last_success_at),
    lastError: r.last_error,
    lastErrorAt: isoTimestamp(r.last_error_at),
    createdBy: r.created_by,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

export function createChannelStore(db: Queryable) {
  return {
    async insert(q: Queryable, c: Channel): Promise<void> {
      await q.execute(
        `INSERT INTO notification_channels (id, org_id, name, kind, config, secret_id, created_by, created_at,
           updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          c.id,
          c.orgId,
          c.name,
          c.kind,
          JSON.stringify(c.config),
          c.secretId,
          c.createdBy,
          new Date(c.createdAt),
          new Date(c.updatedAt),
        ],
      );
    },

    async update(q: Queryable, c: Channel): Promise<void> {
      await q.execute(
        `UPDATE notification_channels SET name = $3, config = $4, secret_id = $5, updated_at = $6
         WHERE org_id = $1 AND id = $2`,
        [c.orgId, c.id, c.name, JSON.stringify(c.config), c.secretId, new Date(c.updatedAt)],
      );
    },

    async get(orgId: string, id: string, q: Queryable = db): Promise<Channel | undefined> {
      const rows = await q.query<ChannelRow>(
        `SELECT ${COLUMNS} FROM notification_channels WHERE org_id = $1 AND id = $2`,
        [orgId, id],
      );
      return rows[0] ? fromRow(rows[0]) : undefined;
    },

    async findByName(orgId: string, name: string, q: Queryable = db): Promise<Channel | undefined> {
      const rows = await q.query<ChannelRow>(
        `SELECT ${COLUMNS} FROM notification_channels WHERE org_id = $1 AND name = $2`,
        [orgId, name],
      );
      return rows[0] ? fromRow(rows[0]) : undefined;
    },

    async list(orgId: string): Promise<Channel[]> {
      const rows = await db.query<ChannelRow>(
        `SELECT ${COLUMNS} FROM notification_channels WHERE org_id = $1 ORDER BY name, id`,
        [orgId],
      );
      return rows.map(fromRow);
    },

    async remove(q: Queryable, orgId: string, id: string): Promise<boolean> {
      return (
        (await q.execute(`DELETE FROM notification_channels WHERE org_id = $1 AND id = $2`, [orgId, id])) > 0
      );
    },

    /** Records the outcome of a delivery on the channel, where people look when alerts do not arrive. */
    async recordSuccess(orgId: string, id: string, at: Date): Promise<void> {
      await db.execute(
        `UPDATE notification_channels SET last_success_at = $3, last_error = NULL, last_error_at = NULL
         WHERE org_id = $1 AND id = $2`,
        [orgId, id, at],
      );
    },

    async recordError(orgId: string, id: string, error: string, at: Date): Promise<void> {
      await db.execute(
        `UPDATE notification_channels SET last_error = $3, last_error_at = $4 WHERE org_id = $1 AND id = $2`,
        [orgId, id, error.slice(0, 2000), at],
      );
    },
  };
}

export type ChannelStore = ReturnType<typeof createChannelStore>;
