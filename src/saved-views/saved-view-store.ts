import type { Queryable } from '../store/store.js';
import type { SavedQuery, SavedView, Visibility } from './saved-view-schemas.js';

// SQL over `saved_views`, which this module owns.

type Row = {
  id: string;
  org_id: string;
  owner_id: string;
  name: string;
  description: string;
  query: string;
  visibility: string;
  pinned: boolean;
  created_at: Date;
  updated_at: Date;
};

const COLUMNS = `id, org_id, owner_id, name, description, query, visibility, pinned, created_at, updated_at`;

const fromRow = (r: Row): SavedView => ({
  id: r.id,
  orgId: r.org_id,
  ownerId: r.owner_id,
  name: r.name,
  description: r.description,
  query: JSON.parse(r.query) as SavedQuery,
  visibility: r.visibility as Visibility,
  pinned: Boolean(r.pinned),
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

/** What a member sees: their own views and those shared with the organization. */
const VISIBLE = `org_id = $1 AND (visibility = 'organization' OR owner_id = $2)`;

export function createSavedViewStore(db: Queryable) {
  return {
    async insert(q: Queryable, v: SavedView): Promise<void> {
      await q.execute(
        `INSERT INTO saved_views (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          v.id,
          v.orgId,
          v.ownerId,
          v.name,
          v.description,
          JSON.stringify(v.query),
          v.visibility,
          v.pinned,
          new Date(v.createdAt),
          new Date(v.updatedAt),
        ],
      );
    },

    async update(q: Queryable, v: SavedView): Promise<void> {
      await q.execute(
        `UPDATE saved_views SET name = $3, description = $4, query = $5, visibility = $6, pinned = $7,
           updated_at = $8
         WHERE org_id = $1 AND id = $2`,
        [
          v.orgId,
          v.id,
          v.name,
          v.description,
          JSON.stringify(v.query),
          v.visibility,
          v.pinned,
          new Date(v.updatedAt),
        ],
      );
    },

    /** A view the user may see, or undefined (another user's private view is as absent as a missing one). */
    async getVisible(
      orgId: string,
      userId: string,
      id: string,
      q: Queryable = db,
    ): Promise<SavedView | undefined> {
      const rows = await q.query<Row>(`SELECT ${COLUMNS} FROM saved_views WHERE ${VISIBLE} AND id = $3`, [
        orgId,
        userId,
        id,
      ]);
      return rows[0] ? fromRow(rows[0]) : undefined;
    },

    async findOwnByName(orgId: string, ownerId: string, name: string, q: Queryable = db) {
      const rows = await q.query<Row>(
        `SELECT ${COLUMNS} FROM saved_views WHERE org_id = $1 AND owner_id = $2 AND name = $3`,
        [orgId, ownerId, name],
      );
      return rows[0] ? fromRow(rows[0]) : undefined;
    },

    async listVisible(
      orgId: string,
      userId: string,
      options: { pinned?: boolean } = {},
    ): Promise<SavedView[]> {
      const pinned = options.pinned === undefined ? '' : ` AND pinned = ${options.pinned ? 'TRUE' : 'FALSE'}`;
      const rows = await db.query<Row>(
        `SELECT ${COLUMNS} FROM saved_views WHERE ${VISIBLE}${pinned} ORDER BY name, id`,
        [orgId, userId],
      );
      return rows.map(fromRow);
    },

    async remove(q: Queryable, orgId: string, id: string): Promise<void> {
      await q.execute(`DELETE FROM saved_views WHERE org_id = $1 AND id = $2`, [orgId, id]);
    },
  };
}
