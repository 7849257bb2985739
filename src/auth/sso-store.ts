/** The SQL of single sign-on: each organization's OpenID provider, sign-ins in flight, linked identities. */
import type { Queryable } from '../store/store.js';
import type { Role } from './permissions.js';

export type RoleMap = Partial<Record<Role, string[]>>;

export interface SsoConfigRow {
  orgId: string;
  issuer: string;
  clientId: string;
  clientSecretId: string | null;
  scopes: string;
  allowedDomains: string[];
  roleClaim: string | null;
  roleMap: RoleMap;
  defaultRole: Role | null;
  justInTime: boolean;
  requireVerifiedEmail: boolean;
  ssoRequired: boolean;
  breakGlassUserId: string | null;
  updatedAt: Date;
}

type Raw = {
  org_id: string;
  issuer: string;
  client_id: string;
  client_secret_id: string | null;
  scopes: string;
  allowed_domains: string;
  role_claim: string | null;
  role_map: string;
  default_role: Role | null;
  just_in_time: boolean;
  require_verified_email: boolean;
  sso_required: boolean;
  break_glass_user_id: string | null;
  updated_at: Date;
};

const COLUMNS =
  'org_id, issuer, client_id, client_secret_id, scopes, allowed_domains, role_claim, role_map, default_role, just_in_time, require_verified_email, sso_required, break_glass_user_id, updated_at';

function fromRaw(r: Raw): SsoConfigRow {
  return {
    orgId: r.org_id,
    issuer: r.issuer,
    clientId: r.client_id,
    clientSecretId: r.client_secret_id,
    scopes: r.scopes,
    allowedDomains: JSON.parse(r.allowed_domains) as string[],
    roleClaim: r.role_claim,
    roleMap: JSON.parse(r.role_map) as RoleMap,
    defaultRole: r.default_role,
    justInTime: Boolean(r.just_in_time),
    requireVerifiedEmail: Boolean(r.require_verified_email),
    ssoRequired: Boolean(r.sso_required),
    breakGlassUserId: r.break_glass_user_id,
    updatedAt: r.updated_at,
  };
}

export async function configOf(q: Queryable, orgId: string): Promise<SsoConfigRow | undefined> {
  const [r] = await q.query<Raw & Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM sso_configs WHERE org_id = $1`,
    [orgId],
  );
  return r ? fromRaw(r) : undefined;
}

/** Every configuration (few: one per organization that uses single sign-on), to find one by e-mail domain. */
export async function allConfigs(q: Queryable): Promise<SsoConfigRow[]> {
  const rows = await q.query<Raw & Record<string, unknown>>(`SELECT ${COLUMNS} FROM sso_configs`);
  return rows.map(fromRaw);
}

export async function saveConfig(q: Queryable, c: SsoConfigRow, byUserId: string): Promise<void> {
  await q.execute('DELETE FROM sso_configs WHERE org_id = $1', [c.orgId]);
  await q.execute(
    `INSERT INTO sso_configs (${COLUMNS}, updated_by_user_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
    [
      c.orgId,
      c.issuer,
      c.clientId,
      c.clientSecretId,
      c.scopes,
      JSON.stringify(c.allowedDomains),
      c.roleClaim,
      JSON.stringify(c.roleMap),
      c.defaultRole,
      c.justInTime,
      c.requireVerifiedEmail,
      c.ssoRequired,
      c.breakGlassUserId,
      c.updatedAt,
      byUserId,
    ],
  );
}

export async function deleteConfig(q: Queryable, orgId: string): Promise<number> {
  const before = await configOf(q, orgId);
  await q.execute('DELETE FROM sso_configs WHERE org_id = $1', [orgId]);
  await q.execute('DELETE FROM sso_logins WHERE org_id = $1', [orgId]);
  return before ? 1 : 0;
}

/**
 * The organizations among `orgIds` whose members must sign in with single sign-on, leaving out those where the
 * user is the break-glass manager.
 */
export async function ssoRequiredOrgIds(q: Queryable, userId: string): Promise<string[]> {
  const rows = await q.query<{ org_id: string }>(
    `SELECT c.org_id FROM sso_configs c JOIN memberships m ON m.org_id = c.org_id AND m.user_id = $1
     WHERE c.sso_required AND (c.break_glass_user_id IS NULL OR c.break_glass_user_id <> $1)`,
    [userId],
  );
  return rows.map((r) => r.org_id);
}

export interface PendingLogin {
  orgId: string;
  nonce: string;
  codeVerifier: string;
  expiresAt: Date;
}

export async function insertLogin(
  q: Queryable,
  l: PendingLogin & { stateHash: string; now: Date },
): Promise<void> {
  await q.execute(
    'INSERT INTO sso_logins (state_hash, org_id, nonce, code_verifier, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
    [l.stateHash, l.orgId, l.nonce, l.codeVerifier, l.now, l.expiresAt],
  );
  // Sign-ins abandoned at the provider are dropped as new ones start.
  await q.execute('DELETE FROM sso_logins WHERE expires_at < $1', [l.now]);
}

/** Takes a sign-in in flight out of the table: a state is good once, whatever happens next. */
export async function takeLogin(q: Queryable, stateHash: string): Promise<PendingLogin | undefined> {
  const [r] = await q.query<{ org_id: string; nonce: string; code_verifier: string; expires_at: Date }>(
    'DELETE FROM sso_logins WHERE state_hash = $1 RETURNING org_id, nonce, code_verifier, expires_at',
    [stateHash],
  );
  return r
    ? { orgId: r.org_id, nonce: r.nonce, codeVerifier: r.code_verifier, expiresAt: r.expires_at }
    : undefined;
}

export async function identityUser(
  q: Queryable,
  issuer: string,
  subject: string,
): Promise<string | undefined> {
  const [r] = await q.query<{ user_id: string }>(
    'SELECT user_id FROM sso_identities WHERE issuer = $1 AND subject = $2',
    [issuer, subject],
  );
  return r?.user_id;
}

export async function linkIdentity(
  q: Queryable,
  l: { issuer: string; subject: string; userId: string; now: Date },
): Promise<void> {
  await q.execute(
    'INSERT INTO sso_identities (issuer, subject, user_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (issuer, subject) DO NOTHING',
    [l.issuer, l.subject, l.userId, l.now],
  );
}
