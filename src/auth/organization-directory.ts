/**
 * What other domains and the CLI's direct mode read or keep of organizations and their members: the port of the
 * auth area's `organizations` and `memberships` tables for code outside src/auth. The functions take a Queryable,
 * so that they join the caller's transaction.
 */
import { isoTimestamp } from '../lib/dates.js';
import type { Queryable } from '../store/store.js';
import type { Role } from './permissions.js';

export interface OrganizationEntry {
  id: string;
  name: string;
}

/** Every organization of the instance, by name (the local operator's view in the CLI's direct mode). */
export async function allOrganizations(q: Queryable): Promise<OrganizationEntry[]> {
  return q.query<{ id: string; name: string }>('SELECT id, name FROM organizations ORDER BY name');
}

/**
 * The organization's settings document ({} when it holds no valid JSON object), or undefined when there is no
 * such organization. Each domain keeps its own members of it (sync: `syncIntervalMinutes`).
 */
export async function organizationSettings(
  q: Queryable,
  orgId: string,
): Promise<Record<string, unknown> | undefined> {
  const rows = await q.query<{ settings: string | null }>(
    `SELECT settings FROM organizations WHERE id = $1`,
    [orgId],
  );
  if (!rows[0]) return undefined;
  try {
    const value: unknown = JSON.parse(rows[0].settings ?? '{}');
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

export async function writeOrganizationSettings(
  q: Queryable,
  orgId: string,
  settings: Record<string, unknown>,
): Promise<void> {
  await q.execute(`UPDATE organizations SET settings = $2 WHERE id = $1`, [orgId, JSON.stringify(settings)]);
}

export interface AcceptedMember {
  userId: string;
  email: string;
  role: Role;
  manageCloudCredentials: boolean;
}

/** The accepted member of the organization with this e-mail address (any case). */
export async function acceptedMemberByEmail(
  q: Queryable,
  orgId: string,
  email: string,
): Promise<AcceptedMember | undefined> {
  const [m] = await q.query<{ user_id: string; email: string; role: Role; mcc: boolean }>(
    `SELECT u.id AS user_id, u.email, m.role, m.manage_cloud_credentials AS mcc
     FROM users u JOIN memberships m ON m.user_id = u.id
     WHERE lower(u.email) = lower($1) AND m.org_id = $2 AND m.accepted_at IS NOT NULL`,
    [email, orgId],
  );
  return m && { userId: m.user_id, email: m.email, role: m.role, manageCloudCredentials: Boolean(m.mcc) };
}

/**
 * The organization's external ID (the one its AWS roles require), the one it replaced and when; the accounts
 * area reads it for the AWS provider's connections.
 */
export async function externalIdOf(
  q: Queryable,
  orgId: string,
): Promise<{ externalId: string; previousExternalId: string | null; rotatedAt: string | null }> {
  const [row] = await q.query<{
    external_id: string;
    previous_external_id: string | null;
    external_id_rotated_at: Date | string | null;
  }>('SELECT external_id, previous_external_id, external_id_rotated_at FROM organizations WHERE id = $1', [
    orgId,
  ]);
  if (!row) throw new Error(`Organization ${orgId} is missing`);
  return {
    externalId: row.external_id,
    previousExternalId: row.previous_external_id,
    rotatedAt: isoTimestamp(row.external_id_rotated_at),
  };
}

/** Replaces the external ID, keeping the one it replaces as the previous one, in the caller's transaction. */
export async function rotateExternalId(tx: Queryable, orgId: string, next: string, now: Date): Promise<void> {
  await tx.execute(
    `UPDATE organizations SET previous_external_id = external_id, external_id = $2, external_id_rotated_at = $3
     WHERE id = $1`,
    [orgId, next, now],
  );
}
