import type { Queryable } from '../store/store.js';
import type { EventType } from './notification-types.js';
import type { AlertRule } from './rule-schemas.js';

// SQL over `alert_rules`, which this module owns.

type RuleRow = {
  id: string;
  org_id: string;
  name: string;
  event_type: string;
  params: string;
  channel_ids: string;
  enabled: boolean;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
};

const COLUMNS = `id, org_id, name, event_type, params, channel_ids, enabled, created_by, created_at, updated_at`;

function fromRow(r: RuleRow): AlertRule {
  return {
    id: r.id,
    orgId: r.org_id,
    name: r.name,
    eventType: r.event_type as EventType,
    params: JSON.parse(r.params) as Record<string, unknown>,
    channelIds: JSON.parse(r.channel_ids) as string[],
    enabled: Boolean(r.enabled),
    createdBy: r.created_by,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

export function createRuleStore(db: Queryable) {
  return {
    async insert(q: Queryable, r: AlertRule): Promise<void> {
      await q.execute(
        `INSERT INTO alert_rules (id, org_id, name, event_type, params, channel_ids, enabled, created_by,
           created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          r.id,
          r.orgId,
          r.name,
          r.eventType,
          JSON.stringify(r.params),
          JSON.stringify(r.channelIds),
          r.enabled,
          r.createdBy,
          new Date(r.createdAt),
          new Date(r.updatedAt),
        ],
      );
    },

    async update(q: Queryable, r: AlertRule): Promise<void> {
      await q.execute(
        `UPDATE alert_rules SET name = $3, params = $4, channel_ids = $5, enabled = $6, updated_at = $7
         WHERE org_id = $1 AND id = $2`,
        [
          r.orgId,
          r.id,
          r.name,
          JSON.stringify(r.params),
          JSON.stringify(r.channelIds),
          r.enabled,
          new Date(r.updatedAt),
        ],
      );
    },

    async get(orgId: string, id: string, q: Queryable = db): Promise<AlertRule | undefined> {
      const rows = await q.query<RuleRow>(
        `SELECT ${COLUMNS} FROM alert_rules WHERE org_id = $1 AND id = $2`,
        [orgId, id],
      );
      return rows[0] ? fromRow(rows[0]) : undefined;
    },

    async findByName(orgId: string, name: string, q: Queryable = db): Promise<AlertRule | undefined> {
      const rows = await q.query<RuleRow>(
        `SELECT ${COLUMNS} FROM alert_rules WHERE org_id = $1 AND name = $2`,
        [orgId, name],
      );
      return rows[0] ? fromRow(rows[0]) : undefined;
    },

    async list(orgId: string, q: Queryable = db): Promise<AlertRule[]> {
      const rows = await q.query<RuleRow>(
        `SELECT ${COLUMNS} FROM alert_rules WHERE org_id = $1 ORDER BY name, id`,
        [orgId],
      );
      return rows.map(fromRow);
    },

    /** The enabled rules of one event type (what an event is routed by). */
    async enabledFor(orgId: string, eventType: EventType, q: Queryable = db): Promise<AlertRule[]> {
      const rows = await q.query<RuleRow>(
        `SELECT ${COLUMNS} FROM alert_rules WHERE org_id = $1 AND event_type = $2 AND enabled ORDER BY id`,
        [orgId, eventType],
      );
      return rows.map(fromRow);
    },

    /** Organizations with an enabled rule of the type (the scheduled checks look at these only). */
    async orgsWith(eventType: EventType): Promise<string[]> {
      const rows = await db.query<{ org_id: string }>(
        `SELECT DISTINCT org_id FROM alert_rules WHERE event_type = $1 AND enabled ORDER BY org_id`,
        [eventType],
      );
      return rows.map((r) => r.org_id);
    },

    async remove(q: Queryable, orgId: string, id: string): Promise<boolean> {
      return (await q.execute(`DELETE FROM alert_rules WHERE org_id = $1 AND id = $2`, [orgId, id])) > 0;
    },
  };
}

export type RuleStore = ReturnType<typeof createRuleStore>;
