import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../../src/lib/ids.js';
import type { TestServer, TestUser } from '../helpers/server.js';

export interface Session {
  /** `ct_session=…`, ready for a `cookie` header. */
  cookie: string;
  csrfToken: string;
  /** Headers that authenticate a request with this session, mutations included. */
  headers: Record<string, string>;
}

/** Signs in through the API, as the browser does. */
export async function signIn(t: TestServer, user: Pick<TestUser, 'email' | 'password'>): Promise<Session> {
  const res = await t.request('/api/v1/auth/login', {
    method: 'POST',
    body: { email: user.email, password: user.password },
  });
  if (res.status !== 200)
    throw new Error(`sign-in of ${user.email} answered ${res.status}: ${await res.text()}`);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  return { cookie, csrfToken, headers: { cookie, 'x-csrf-token': csrfToken } };
}

/** Moves a session's expiry into the past, as if its lifetime had run out. */
export async function expireSession(t: TestServer, session: Session): Promise<void> {
  const token = session.cookie.slice(session.cookie.indexOf('=') + 1);
  const changed = await t.ctx.store.execute('UPDATE sessions SET expires_at = $1 WHERE id_hash = $2', [
    new Date(Date.now() - 60_000),
    sha256Hex(token),
  ]);
  if (changed !== 1) throw new Error('the session to expire was not found');
}

/** A new member of an organization (Org A unless named), with an API token. */
export async function addUser(
  t: TestServer,
  options: { role: TestUser['role']; org?: string; manageCloudCredentials?: boolean; prefix?: string },
): Promise<TestUser> {
  const email = `${options.prefix ?? options.role}-${randomBytes(4).toString('hex')}@a.test`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const created = await t.ctx.auth.createUser({
    org: options.org ?? 'Org A',
    email,
    role: options.role,
    password,
    manageCloudCredentials: options.manageCloudCredentials,
  });
  const token = await t.ctx.auth.createToken(
    { userId: created.user.id, orgId: created.organization.id, email },
    'test',
  );
  return {
    email,
    password,
    role: options.role,
    orgId: created.organization.id,
    userId: created.user.id,
    token: token.token,
  };
}

/** Row counts of the tables a request could write to, to prove that a refused request wrote nothing. */
export async function tableCounts(t: TestServer, tables: readonly string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [r] = await t.ctx.store.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
    counts[table] = Number(r.n);
  }
  return counts;
}
