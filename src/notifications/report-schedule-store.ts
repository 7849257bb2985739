import type { Queryable } from '../store/store.js';
import type { ReportSchedule } from './reports/report-schemas.js';

// SQL over `report_schedules`, which this module owns: which report goes to whom, how often, and when it is due
// next. The due time is also the claim: `claim` moves it forward only where it still holds the value the run read.

type Row = {
  id: string;
  org_id: string;
  kind: string;
  target: string;
  title: string;
  period: string | null;
  basis: string;
  frequency: string;
  day: number;
  channel_id: string;
  recipients: string;
  created_by: string;
  created_at: Date;
  next_due_at: Date;
  last_sent_at: Date | null;
  last_error: string | null;
};

const COLUMNS = `id, org_id, kind, target, title, period, basis, frequency, day, channel_id, recipients, created_by,
  created_at, next_due_at, last_sent_at, last_error`;

const fromRow = (r: Row): ReportSchedule => ({
  id: r.id,
  orgId: r.org_id,
  kind: r.kind as ReportSchedule['kind'],
  target: r.target,
  title: r.title,
  period: r.period as ReportSchedule['period'],
  basis: r.basis as ReportSchedule['basis'],
  frequency: r.frequency as ReportSchedule['frequency'],
  day: Number(r.day),
  channelId: r.channel_id,
  recipients: JSON.parse(r.recipients) as string[],
  createdBy: r.created_by,
  createdAt: new Date(r.created_at).toISOString(),
  nextDueAt: new Date(r.next_due_at).toISOString(),
  lastSentAt: r.last_sent_at ? new Date(r.last_sent_at).toISOString() : null,
  lastError: r.last_error,
});

export function createReportScheduleStore(db: Queryable) {
  return {
    async insert(q: Queryable, s: ReportSchedule): Promise<void> {
      await q.execute(
        `INSERT INTO report_schedules (${COLUMNS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
        [
          s.id,
          s.orgId,
          s.kind,
          s.target,
          s.title,
          s.period,
          s.basis,
          s.frequency,
          s.day,
          s.channelId,
          JSON.stringify(s.recipients),
          s.createdBy,
          new Date(s.createdAt),
          new Date(s.nextDueAt),
          s.lastSentAt ? new Date(s.lastSentAt) : null,
          s.lastError,
        ],
      );
    },

    /** Changes what a schedule sends and when (not its outcome columns). */
    async update(q: Queryable, s: ReportSchedule): Promise<void> {
      await q.execute(
        `UPDATE report_schedules SET period = $3, basis = $4, frequency = $5, day = $6, channel_id = $7,
           recipients = $8, next_due_at = $9
         WHERE org_id = $1 AND id = $2`,
        [
          s.orgId,
          s.id,
          s.period,
          s.basis,
          s.frequency,
          s.day,
          s.channelId,
          JSON.stringify(s.recipients),
          new Date(s.nextDueAt),
        ],
      );
    },

    async get(orgId: string, id: string): Promise<ReportSchedule | undefined> {
      const rows = await db.query<Row>(
        `SELECT ${COLUMNS} FROM report_schedules WHERE org_id = $1 AND id = $2`,
        [orgId, id],
      );
      return rows[0] ? fromRow(rows[0]) : undefined;
    },

    async list(orgId: string): Promise<ReportSchedule[]> {
      const rows = await db.query<Row>(
        `SELECT ${COLUMNS} FROM report_schedules WHERE org_id = $1 ORDER BY created_at, id`,
        [orgId],
      );
      return rows.map(fromRow);
    },

    /** Every schedule of every organization due by `now`. */
    async due(now: Date): Promise<ReportSchedule[]> {
      const rows = await db.query<Row>(
        `SELECT ${COLUMNS} FROM report_schedules WHERE next_due_at <= $1 ORDER BY next_due_at, id`,
        [now],
      );
      return rows.map(fromRow);
    },

    /**
     * Claims a due schedule for this run: moves its due time from `expected` (what the run read) to `next` and
     * records the outcome. False when another run claimed it first (the due time moved meanwhile).
     */
    async claim(
      q: Queryable,
      s: { orgId: string; id: string; expected: string; next: Date },
      outcome: { sentAt: Date | null; error: string | null; title: string },
    ): Promise<boolean> {
      const n = await q.execute(
        `UPDATE report_schedules
         SET next_due_at = $4, last_sent_at = COALESCE($5, last_sent_at), last_error = $6, title = $7
         WHERE org_id = $1 AND id = $2 AND next_due_at = $3`,
        [s.orgId, s.id, new Date(s.expected), s.next, outcome.sentAt, outcome.error, outcome.title],
      );
      return n > 0;
    },

    /** Records a report sent on request (its due time stays). */
    async recordSent(q: Queryable, orgId: string, id: string, at: Date, title: string): Promise<void> {
      await q.execute(
        `UPDATE report_schedules SET last_sent_at = $3, last_error = NULL, title = $4 WHERE org_id = $1 AND id = $2`,
        [orgId, id, at, title],
      );
    },

    async remove(q: Queryable, orgId: string, id: string): Promise<boolean> {
      return (await q.execute(`DELETE FROM report_schedules WHERE org_id = $1 AND id = $2`, [orgId, id])) > 0;
    },

    /** A removed channel takes its reports with it. */
    async removeForChannel(q: Queryable, orgId: string, channelId: string): Promise<void> {
      await q.execute(`DELETE FROM report_schedules WHERE org_id = $1 AND channel_id = $2`, [
        orgId,
        channelId,
      ]);
    },
  };
}

export type ReportScheduleStore = ReturnType<typeof createReportScheduleStore>;
