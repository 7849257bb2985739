/**
 * The sign-in limit under concurrency (issue 14 §3): however many attempts arrive at once, at most the limit of
 * them is evaluated per account and per address; the rest answer 429 with Retry-After, and a right password
 * among them does not sign in. On both engines, and on PostgreSQL across two servers sharing one database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppContext, type AppContext } from '../../src/app/context.js';
import { startServer, type RunningServer } from '../../src/api/server.js';
import { loadConfig } from '../../src/config/config.js';
import type { Engine } from '../../src/store/store.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { addUser } from './api-support.js';

const ACCOUNT_LIMIT = 5;
const ADDRESS_LIMIT = 20;

/** The server trusts a proxy, so that each test can speak from its own X-Forwarded-For address. */
function attempt(url: string, email: string, password: string, address: string) {
  return fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({ email, password }),
  });
}

async function tally(responses: Response[]) {
  const statuses: Record<number, number> = {};
  for (const res of responses) {
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    if (res.status === 429) {
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    }
    await res.body?.cancel();
  }
  return statuses;
}

describe.each<Engine>(['duckdb', 'postgres'])('sign-in limit under concurrency on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ engine, config: { trustProxy: true } });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function failedSignIns(where: string, params: string[]): Promise<number> {
    const [r] = await t.ctx.store.query<{ n: number }>(
      `SELECT count(*) AS n FROM audit_log WHERE action = 'auth.login_failed' AND ${where}`,
      params,
    );
    return Number(r.n);
  }

  it('evaluates at most the account limit of concurrent guesses; the right password among the rest does not sign in', async () => {
    const victim = await addUser(t, { role: 'viewer', prefix: 'victim' });
    // Each guess from its own address, so that only the account limit applies.
    const guesses = Array.from({ length: 40 }, (_, i) =>
      attempt(t.url, victim.email, `wrong-guess-${i}`, `10.1.${i >> 8}.${i & 255}`),
    );
    const guessed = await tally(await Promise.all(guesses));
    expect(guessed).toEqual({ 401: ACCOUNT_LIMIT, 429: 40 - ACCOUNT_LIMIT });
    expect(await failedSignIns('actor = $1', [victim.email])).toBe(ACCOUNT_LIMIT);
    // The right password, sent at once from fresh addresses, is past the limit too: nobody signs in.
    const right = Array.from({ length: 10 }, (_, i) =>
      attempt(t.url, victim.email, victim.password, `10.2.0.${i}`),
    );
    expect(await tally(await Promise.all(right))).toEqual({ 429: 10 });
    const sessions = await t.ctx.store.query('SELECT 1 AS x FROM sessions WHERE user_id = $1', [
      victim.userId,
    ]);
    expect(sessions).toEqual([]);
  });

  it('evaluates at most the address limit of concurrent attempts from one address', async () => {
    const address = '192.0.2.77';
    const attempts = Array.from({ length: 60 }, (_, i) =>
      attempt(t.url, `nobody-${i}@a.test`, 'guess-guess-guess', address),
    );
    expect(await tally(await Promise.all(attempts))).toEqual({ 401: ADDRESS_LIMIT, 429: 60 - ADDRESS_LIMIT });
    expect(await failedSignIns('ip = $1', [address])).toBe(ADDRESS_LIMIT);
    const member = await addUser(t, { role: 'viewer', prefix: 'same-address' });
    const right = await attempt(t.url, member.email, member.password, address);
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('records a failure the same way for unknown and known addresses', async () => {
    const member = await addUser(t, { role: 'viewer', prefix: 'known' });
    expect((await attempt(t.url, member.email, 'wrong-password', '192.0.2.10')).status).toBe(401);
    expect((await attempt(t.url, 'unknown-person@a.test', 'wrong-password', '192.0.2.11')).status).toBe(401);
    const rows = await t.ctx.store.query<{ actor: string; org_id: string | null; action: string }>(
      `SELECT actor, org_id, action FROM audit_log WHERE ip IN ('192.0.2.10', '192.0.2.11') ORDER BY actor`,
    );
    // The known person's organizations get the record; an unknown address gets an instance-level one.
    expect(rows).toEqual([
      { actor: member.email, org_id: member.orgId, action: 'auth.login_failed' },
      { actor: 'unknown-person@a.test', org_id: null, action: 'auth.login_failed' },
    ]);
  });

  it('gives a successful attempt back, so that signing in often from one address is never limited', async () => {
    const member = await addUser(t, { role: 'viewer', prefix: 'often' });
    for (let i = 0; i < ADDRESS_LIMIT + 5; i++)
      expect((await attempt(t.url, member.email, member.password, '192.0.2.20')).status).toBe(200);
  });

  if (engine === 'postgres') {
    let second: { ctx: AppContext; server: RunningServer } | undefined;
    afterAll(async () => {
      await second?.server.close();
      await second?.ctx.close();
    });

    it('holds across two servers sharing the database', async () => {
      const config = loadConfig({ ...t.ctx.config, port: 0, scheduler: false, logLevel: 'silent' }, {});
      const ctx = await createAppContext(config);
      second = { ctx, server: await startServer(ctx, { port: 0, host: '127.0.0.1' }) };
      const victim = await addUser(t, { role: 'viewer', prefix: 'two-servers' });
      const urls = [t.url, second.server.url];
      const guesses = Array.from({ length: 40 }, (_, i) =>
        attempt(urls[i % 2], victim.email, `wrong-guess-${i}`, `10.3.0.${i}`),
      );
      expect(await tally(await Promise.all(guesses))).toEqual({
        401: ACCOUNT_LIMIT,
        429: 40 - ACCOUNT_LIMIT,
      });
      expect(await failedSignIns('actor = $1', [victim.email])).toBe(ACCOUNT_LIMIT);
    });
  }
});
