import { newId } from '../lib/ids.js';
import type { Queryable } from '../store/store.js';

export interface AuditEntry {
  orgId: string | null;
  actorUserId: string | null;
  /** Who, in words: an e-mail, `system`, `token:NAME`. */
  actor: string;
  action: string;
  objectType: string;
  objectId?: string | null;
  details?: Record<string, unknown>;
  requestId?: string;
  ip?: string;
}

/** Appends to the audit log inside the caller's transaction, so the record and the change land together. */
export async function audit(tx: Queryable, entry: AuditEntry): Promise<void> {
  await tx.execute(
    `INSERT INTO audit_log (id, org_id, actor_user_id, actor, action, object_type, object_id, details, request_id, ip, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      newId('aud'),
      entry.orgId,
      entry.actorUserId,
      entry.actor,
      entry.action,
      entry.objectType,
      entry.objectId ?? null,
      JSON.stringify(entry.details ?? {}),
      entry.requestId ?? null,
      entry.ip ?? null,
      new Date(),
    ],
  );
}

export interface AuditRecord {
  id: string;
  actor: string;
  action: string;
  objectType: string;
  objectId: string | null;
  details: Record<string, unknown>;
  createdAt: string;
}

/** Where the next page starts: records strictly older than this one, in the list's order. */
export interface AuditCursor {
  createdAt: string;
  id: string;
}

export function encodeAuditCursor(c: AuditCursor): string {
  return Buffer.from(`${c.createdAt}|${c.id}`).toString('base64url');
}

export function decodeAuditCursor(text: string): AuditCursor | undefined {
  const [createdAt, id, extra] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  if (!createdAt || !id || extra !== undefined || Number.isNaN(Date.parse(createdAt))) return undefined;
  return { createdAt, id };
}

export async function listAudit(
  q: Queryable,
  orgId: string,
  options: { limit: number; before?: string; after?: AuditCursor },
): Promise<AuditRecord[]> {
  const rows = await q.query<{
    id: string;
    actor: string;
    action: string;
    object_type: string;
    object_id: string | null;
    details: string;
    created_at: Date;
  }>(
    `SELECT id, actor, action, object_type, object_id, details, created_at FROM audit_log
     WHERE org_id = $1 AND ($2::TIMESTAMPTZ IS NULL OR created_at < $2::TIMESTAMPTZ)
       AND ($4::TIMESTAMPTZ IS NULL OR created_at < $4::TIMESTAMPTZ OR (created_at = $4::TIMESTAMPTZ AND id < $5))
     ORDER BY created_at DESC, id DESC LIMIT $3`,
    [orgId, options.before ?? null, options.limit, options.after?.createdAt ?? null, options.after?.id ?? ''],
  );
  return rows.map((r) => ({
    id: r.id,
    actor: r.actor,
    action: r.action,
    objectType: r.object_type,
    objectId: r.object_id,
    details: JSON.parse(r.details) as Record<string, unknown>,
    createdAt: r.created_at.toISOString(),
  }));
}
