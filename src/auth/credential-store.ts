/** The SQL of sessions, API tokens and the sign-in throttle. */
import type { Queryable } from '../store/store.js';
import type { TokenView } from './auth-types.js';

export interface SessionRow {
  user_id: string;
  org_id: string;
  csrf_token: string;
  expires_at: Date;
  revoked_at: Date | null;
  /** How the session was opened: password, invitation or sso (null for sessions older than migration 39). */
  via: string | null;
  /** The ID token a single sign-on session was opened with (for signing out at the provider); else null. */
  id_token_hint: string | null;
}

export async function insertSession(
  q: Queryable,
  s: {
    idHash: string;
    userId: string;
    orgId: string;
    csrfToken: string;
    now: Date;
    expiresAt: Date;
    ip?: string;
    userAgent?: string;
    via: 'password' | 'invitation' | 'sso';
    idTokenHint?: string;
  },
): Promise<void> {
  await q.execute(
    `INSERT INTO sessions (id_hash, user_id, org_id, csrf_token, created_at, expires_at, ip, user_agent, via,
       id_token_hint)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      s.idHash,
      s.userId,
      s.orgId,
      s.csrfToken,
      s.now,
      s.expiresAt,
      s.ip ?? null,
      s.userAgent?.slice(0, 300) ?? null,
      s.via,
      s.idTokenHint ?? null,
    ],
  );
}

/**
 * A session's public id: a prefix of the hash of its token. The hash is never shown whole, and the token (the
 * cookie) cannot be had from either.
 */
export const SESSION_ID_LENGTH = 24;
export function sessionPublicId(idHash: string): string {
  return `ses_${idHash.slice(0, SESSION_ID_LENGTH)}`;
}

export interface SessionListRow {
  id_hash: string;
  created_at: Date;
  expires_at: Date;
  ip: string | null;
  user_agent: string | null;
}

/** A user's sessions that still work, newest first. */
export async function activeSessions(q: Queryable, userId: string, now: Date): Promise<SessionListRow[]> {
  return q.query<SessionListRow & Record<string, unknown>>(
    `SELECT id_hash, created_at, expires_at, ip, user_agent FROM sessions
     WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 ORDER BY created_at DESC, id_hash`,
    [userId, now],
  );
}

export async function sessionByHash(q: Queryable, idHash: string): Promise<SessionRow | undefined> {
  const [s] = await q.query<SessionRow & Record<string, unknown>>(
    'SELECT user_id, org_id, csrf_token, expires_at, revoked_at, via, id_token_hint FROM sessions WHERE id_hash = $1',
    [idHash],
  );
  return s;
}

export async function setSessionOrganization(q: Queryable, idHash: string, orgId: string): Promise<void> {
  await q.execute('UPDATE sessions SET org_id = $1 WHERE id_hash = $2', [orgId, idHash]);
}

export async function revokeSession(q: Queryable, idHash: string, now: Date): Promise<void> {
  await q.execute('UPDATE sessions SET revoked_at = $1 WHERE id_hash = $2 AND revoked_at IS NULL', [
    now,
    idHash,
  ]);
}

export interface TokenRow {
  id: string;
  user_id: string;
  org_id: string;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  read_only: boolean | null;
}

export async function insertToken(
  q: Queryable,
  t: {
    id: string;
    orgId: string;
    userId: string;
    name: string;
    tokenHash: string;
    now: Date;
    expiresAt: Date | null;
    readOnly: boolean;
  },
): Promise<void> {
  await q.execute(
    `INSERT INTO api_tokens (id, org_id, user_id, name, token_hash, created_at, expires_at, read_only)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [t.id, t.orgId, t.userId, t.name, t.tokenHash, t.now, t.expiresAt, t.readOnly],
  );
}

export async function tokenByHash(q: Queryable, tokenHash: string): Promise<TokenRow | undefined> {
  const [t] = await q.query<TokenRow & Record<string, unknown>>(
    'SELECT id, user_id, org_id, expires_at, revoked_at, last_used_at, read_only FROM api_tokens WHERE token_hash = $1',
    [tokenHash],
  );
  return t;
}

export async function touchToken(q: Queryable, id: string, now: Date): Promise<void> {
  await q.execute('UPDATE api_tokens SET last_used_at = $1 WHERE id = $2', [now, id]);
}

type TokenListRow = {
  id: string;
  name: string;
  created_at: Date;
  last_used_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  read_only: boolean | null;
  email: string;
};

function tokenView(r: TokenListRow): TokenView {
  return {
    id: r.id,
    name: r.name,
    owner: r.email,
    readOnly: Boolean(r.read_only),
    createdAt: r.created_at.toISOString(),
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
    expiresAt: r.expires_at?.toISOString() ?? null,
    revokedAt: r.revoked_at?.toISOString() ?? null,
  };
}

const TOKEN_LIST = `SELECT t.id, t.name, t.created_at, t.last_used_at, t.expires_at, t.revoked_at, t.read_only, u.email
  FROM api_tokens t JOIN users u ON u.id = t.user_id`;

export async function listTokens(q: Queryable, orgId: string, userId: string): Promise<TokenView[]> {
  const rows = await q.query<TokenListRow>(
    `${TOKEN_LIST} WHERE t.org_id = $1 AND t.user_id = $2 ORDER BY t.created_at DESC, t.id`,
    [orgId, userId],
  );
  return rows.map(tokenView);
}

/** Every token of the organization's members, for its managers. */
export async function listOrganizationTokens(q: Queryable, orgId: string): Promise<TokenView[]> {
  const rows = await q.query<TokenListRow>(
    `${TOKEN_LIST} WHERE t.org_id = $1 ORDER BY t.created_at DESC, t.id`,
    [orgId],
  );
  return rows.map(tokenView);
}

export async function tokenOwner(q: Queryable, orgId: string, id: string): Promise<string | undefined> {
  const [t] = await q.query<{ user_id: string }>(
    'SELECT user_id FROM api_tokens WHERE id = $1 AND org_id = $2',
    [id, orgId],
  );
  return t?.user_id;
}

export async function revokeToken(q: Queryable, id: string, now: Date): Promise<void> {
  await q.execute('UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [now, id]);
}

/** A removed member's tokens of that organization stop working with the membership. */
export async function revokeMemberTokens(
  q: Queryable,
  orgId: string,
  userId: string,
  now: Date,
): Promise<void> {
  await q.execute(
    'UPDATE api_tokens SET revoked_at = $1 WHERE org_id = $2 AND user_id = $3 AND revoked_at IS NULL',
    [now, orgId, userId],
  );
}

export interface ThrottleCount {
  key: string;
  attempts: number;
  windowStart: Date;
}

/**
 * Counts one attempt against each key and returns the counts, in one statement: the increment and the read are
 * one step, so concurrent attempts (in this process or another one on the same PostgreSQL) each see a distinct
 * count. A window older than `windowStartedBefore` starts over at this attempt.
 */
export async function countAttempts(
  q: Queryable,
  keys: readonly string[],
  now: Date,
  windowStartedBefore: Date,
): Promise<ThrottleCount[]> {
  // Rows are locked in the order given; sorting keeps two statements from locking the same pair crosswise.
  const sorted = [...keys].sort();
  const values = sorted.map((_k, i) => `($${i + 3}, $1::TIMESTAMPTZ, 1)`).join(', ');
  const rows = await q.query<{ attempt_key: string; attempts: number; window_start: Date }>(
    `INSERT INTO login_throttle AS cur (attempt_key, window_start, attempts) VALUES ${values}
     ON CONFLICT (attempt_key) DO UPDATE SET
       attempts = CASE WHEN cur.window_start < $2::TIMESTAMPTZ THEN 1 ELSE cur.attempts + 1 END,
       window_start = CASE WHEN cur.window_start < $2::TIMESTAMPTZ THEN excluded.window_start ELSE cur.window_start END
     RETURNING attempt_key, attempts, window_start`,
    [now, windowStartedBefore, ...sorted],
  );
  return rows.map((r) => ({ key: r.attempt_key, attempts: Number(r.attempts), windowStart: r.window_start }));
}

/** Gives back one counted attempt of a key (an attempt that succeeded does not use up the budget). */
export async function uncountAttempt(q: Queryable, key: string): Promise<void> {
  await q.execute(
    'UPDATE login_throttle SET attempts = attempts - 1 WHERE attempt_key = $1 AND attempts > 0',
    [key],
  );
}

export async function clearAttempts(q: Queryable, key: string): Promise<void> {
  await q.execute('DELETE FROM login_throttle WHERE attempt_key = $1', [key]);
}

export async function pruneAttempts(q: Queryable, windowStartedBefore: Date): Promise<void> {
  await q.execute('DELETE FROM login_throttle WHERE window_start < $1', [windowStartedBefore]);
}
