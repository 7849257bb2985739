/**
 * The SQL of users, organizations, memberships and instance settings. Functions take the Queryable to run on, so
 * that services compose them inside one transaction.
 */
import type { Queryable } from '../store/store.js';
import type { InstanceSettings, MemberView, OrganizationView } from './auth-types.js';
import type { Role } from './permissions.js';

export interface UserRow {
  id: string;
  email: string;
  name: string | null;
  password_hash: string;
  disabled: boolean;
  instance_admin: boolean | null;
  last_org_id: string | null;
}

const USER_COLUMNS = 'id, email, name, password_hash, disabled, instance_admin, last_org_id';

export async function userByEmail(q: Queryable, email: string): Promise<UserRow | undefined> {
  const [u] = await q.query<UserRow & Record<string, unknown>>(
    `SELECT ${USER_COLUMNS} FROM users WHERE email = $1`,
    [email],
  );
  return u;
}

export async function userById(q: Queryable, id: string): Promise<UserRow | undefined> {
  const [u] = await q.query<UserRow & Record<string, unknown>>(
    `SELECT ${USER_COLUMNS} FROM users WHERE id = $1`,
    [id],
  );
  return u;
}

export async function countRows(q: Queryable, table: 'users' | 'organizations'): Promise<number> {
  const [r] = await q.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(r.n);
}

export async function insertUser(
  q: Queryable,
  u: {
    id: string;
    email: string;
    name: string | null;
    passwordHash: string;
    instanceAdmin: boolean;
    now: Date;
  },
): Promise<void> {
  await q.execute(
    'INSERT INTO users (id, email, name, password_hash, created_at, instance_admin) VALUES ($1, $2, $3, $4, $5, $6)',
    [u.id, u.email, u.name, u.passwordHash, u.now, u.instanceAdmin],
  );
}

export async function makeInstanceAdmin(q: Queryable, userId: string): Promise<void> {
  await q.execute('UPDATE users SET instance_admin = TRUE WHERE id = $1', [userId]);
}

export async function setLastOrganization(q: Queryable, userId: string, orgId: string): Promise<void> {
  await q.execute(
    'UPDATE users SET last_org_id = $1 WHERE id = $2 AND (last_org_id IS NULL OR last_org_id <> $1)',
    [orgId, userId],
  );
}

export async function organizationByName(
  q: Queryable,
  name: string,
): Promise<{ id: string; name: string } | undefined> {
  const [org] = await q.query<{ id: string; name: string }>(
    'SELECT id, name FROM organizations WHERE name = $1',
    [name],
  );
  return org;
}

export async function organizationById(
  q: Queryable,
  id: string,
): Promise<{ id: string; name: string } | undefined> {
  const [org] = await q.query<{ id: string; name: string }>(
    'SELECT id, name FROM organizations WHERE id = $1',
    [id],
  );
  return org;
}

export async function insertOrganization(
  q: Queryable,
  o: { id: string; name: string; externalId: string; now: Date },
): Promise<void> {
  await q.execute(
    'INSERT INTO organizations (id, name, external_id, settings, created_at) VALUES ($1, $2, $3, $4, $5)',
    [o.id, o.name, o.externalId, '{}', o.now],
  );
}

type OrgRow = { id: string; name: string; role: Role; manage_cloud_credentials: boolean };

/**
 * The organizations a user has accepted, by name for display, and the one to land in: the last used if still
 * among them, else the one joined first (never name order, which anyone creating an organization could game).
 */
export async function acceptedOrganizations(
  q: Queryable,
  userId: string,
): Promise<{ organizations: OrganizationView[]; defaultOrgId: string | undefined }> {
  const rows = await q.query<OrgRow & { accepted_at: Date; last_org_id: string | null }>(
    `SELECT o.id, o.name, m.role, m.manage_cloud_credentials, m.accepted_at, u.last_org_id FROM memberships m
     JOIN organizations o ON o.id = m.org_id JOIN users u ON u.id = m.user_id
     WHERE m.user_id = $1 AND m.accepted_at IS NOT NULL ORDER BY o.name`,
    [userId],
  );
  const organizations = rows.map((r) => ({
    id: r.id,
    name: r.name,
    role: r.role,
    manageCloudCredentials: Boolean(r.manage_cloud_credentials),
  }));
  const last = rows.find((r) => r.id === r.last_org_id);
  const first = [...rows].sort(
    (a, b) => a.accepted_at.getTime() - b.accepted_at.getTime() || a.id.localeCompare(b.id),
  )[0];
  return { organizations, defaultOrgId: (last ?? first)?.id };
}

export interface ActiveMembership {
  email: string;
  role: Role;
  manage_cloud_credentials: boolean;
  disabled: boolean;
  instance_admin: boolean | null;
}

/** The user's accepted membership of the organization, with what a principal needs. */
export async function activeMembership(
  q: Queryable,
  userId: string,
  orgId: string,
): Promise<ActiveMembership | undefined> {
  const [m] = await q.query<ActiveMembership & Record<string, unknown>>(
    `SELECT u.email, u.disabled, u.instance_admin, m.role, m.manage_cloud_credentials FROM memberships m
     JOIN users u ON u.id = m.user_id WHERE m.user_id = $1 AND m.org_id = $2 AND m.accepted_at IS NOT NULL`,
    [userId, orgId],
  );
  return m;
}

/** Any membership, pending or accepted. */
export async function membership(
  q: Queryable,
  orgId: string,
  userId: string,
): Promise<{ role: Role; accepted: boolean } | undefined> {
  const [m] = await q.query<{ role: Role; accepted_at: Date | null }>(
    'SELECT role, accepted_at FROM memberships WHERE org_id = $1 AND user_id = $2',
    [orgId, userId],
  );
  return m && { role: m.role, accepted: m.accepted_at !== null };
}

export async function insertMembership(
  q: Queryable,
  m: {
    orgId: string;
    userId: string;
    role: Role;
    manageCloudCredentials: boolean;
    now: Date;
    /** null: pending until the person accepts. */
    acceptedAt: Date | null;
    acceptOnSignIn?: boolean;
  },
): Promise<void> {
  await q.execute(
    `INSERT INTO memberships (org_id, user_id, role, manage_cloud_credentials, created_at, accepted_at, accept_on_sign_in)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [m.orgId, m.userId, m.role, m.manageCloudCredentials, m.now, m.acceptedAt, m.acceptOnSignIn ?? false],
  );
}

export async function acceptMembership(
  q: Queryable,
  orgId: string,
  userId: string,
  now: Date,
): Promise<void> {
  await q.execute(
    'UPDATE memberships SET accepted_at = $1, accept_on_sign_in = FALSE WHERE org_id = $2 AND user_id = $3 AND accepted_at IS NULL',
    [now, orgId, userId],
  );
}

/** Signing in with the initial password a manager set accepts the memberships that came with that password. */
export async function acceptOnSignIn(q: Queryable, userId: string, now: Date): Promise<void> {
  await q.execute(
    'UPDATE memberships SET accepted_at = $1, accept_on_sign_in = FALSE WHERE user_id = $2 AND accepted_at IS NULL AND accept_on_sign_in = TRUE',
    [now, userId],
  );
}

export async function hasSignInAcceptance(q: Queryable, userId: string): Promise<boolean> {
  const rows = await q.query(
    'SELECT 1 AS x FROM memberships WHERE user_id = $1 AND accepted_at IS NULL AND accept_on_sign_in = TRUE',
    [userId],
  );
  return rows.length > 0;
}

export async function listMembers(q: Queryable, orgId: string): Promise<MemberView[]> {
  const rows = await q.query<{
    id: string;
    email: string;
    name: string | null;
    role: Role;
    manage_cloud_credentials: boolean;
    created_at: Date;
    accepted_at: Date | null;
  }>(
    `SELECT u.id, u.email, u.name, m.role, m.manage_cloud_credentials, m.created_at, m.accepted_at FROM memberships m
     JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 ORDER BY u.email`,
    [orgId],
  );
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    // Until the person accepts, the organization sees only what its manager typed: the address.
    name: r.accepted_at ? r.name : null,
    role: r.role,
    manageCloudCredentials: Boolean(r.manage_cloud_credentials),
    status: r.accepted_at ? 'active' : 'pending',
    joinedAt: (r.accepted_at ?? r.created_at).toISOString(),
  }));
}

export async function countManagers(q: Queryable, orgId: string): Promise<number> {
  const [r] = await q.query<{ n: number }>(
    `SELECT count(*) AS n FROM memberships WHERE org_id = $1 AND role = 'manager' AND accepted_at IS NOT NULL`,
    [orgId],
  );
  return Number(r.n);
}

export async function updateMembership(
  q: Queryable,
  orgId: string,
  userId: string,
  patch: { role?: Role; manageCloudCredentials?: boolean },
): Promise<void> {
  if (patch.role)
    await q.execute('UPDATE memberships SET role = $1 WHERE org_id = $2 AND user_id = $3', [
      patch.role,
      orgId,
      userId,
    ]);
  if (patch.manageCloudCredentials !== undefined)
    await q.execute(
      'UPDATE memberships SET manage_cloud_credentials = $1 WHERE org_id = $2 AND user_id = $3',
      [patch.manageCloudCredentials, orgId, userId],
    );
}

export async function deleteMembership(q: Queryable, orgId: string, userId: string): Promise<void> {
  await q.execute('DELETE FROM memberships WHERE org_id = $1 AND user_id = $2', [orgId, userId]);
}

/** Accepted organization ids of a user: where audit events about that person may go. */
export async function acceptedOrgIds(q: Queryable, userId: string): Promise<string[]> {
  const rows = await q.query<{ org_id: string }>(
    'SELECT org_id FROM memberships WHERE user_id = $1 AND accepted_at IS NOT NULL ORDER BY org_id',
    [userId],
  );
  return rows.map((r) => r.org_id);
}

const SETTING_DEFAULTS: InstanceSettings = { allowMemberOrganizations: false };

export async function readInstanceSettings(q: Queryable): Promise<InstanceSettings> {
  const rows = await q.query<{ key: string; value: string }>('SELECT key, value FROM instance_settings');
  const settings = { ...SETTING_DEFAULTS };
  for (const r of rows) {
    if (r.key === 'allowMemberOrganizations') settings.allowMemberOrganizations = r.value === 'true';
  }
  return settings;
}

export async function writeInstanceSetting(
  q: Queryable,
  key: keyof InstanceSettings,
  value: string,
  now: Date,
): Promise<void> {
  await q.execute(
    `INSERT INTO instance_settings (key, value, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    [key, value, now],
  );
}
