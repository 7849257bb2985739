import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcProvider, type TestAccount, type TestProvider } from '../helpers/oidc-provider.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ENGINES } from '../helpers/stores.js';
import { signIn } from './api-support.js';

// Single sign-on with OpenID Connect against a real provider run in this process (oidc-provider): the browser's
// part (the redirects, the cookies) is played by fetch with manual redirects.

const CALLBACK = '/api/v1/auth/sso/callback';

/** The cookies a response sets, as name → value. */
function cookiesOf(res: Response): Record<string, string> {
  return Object.fromEntries(
    res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0].split('='))
      .map(([k, ...v]) => [k, v.join('=')]),
  );
}

interface SsoAttempt {
  /** Where Cloudtally sent the browser after the callback. */
  location: string;
  /** The session cookie, when signed in. */
  session?: string;
  /** The callback URL and the state cookie, to replay them. */
  callbackUrl: string;
  stateCookie: string;
  /** The reason shown on the sign-in page, when refused. */
  error: string | null;
}

describe.each(ENGINES)('single sign-on (OpenID Connect) on %s', (engine) => {
  let t: TestServer;
  let idp: TestProvider;
  /** Lets a test change the provider's token answer on its way to Cloudtally. */
  let tokenAnswer: ((body: Record<string, unknown>) => Record<string, unknown>) | undefined;
  const clock = { offsetMs: 0, now: () => new Date(Date.now() + clock.offsetMs) };

  beforeAll(async () => {
    t = await startTestServer({
      engine,
      context: {
        clock,
        oidcFetch: async (url, options) => {
          const res = await fetch(url, options as RequestInit);
          if (!tokenAnswer || !url.endsWith('/token')) return res;
          const body = tokenAnswer((await res.json()) as Record<string, unknown>);
          return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
        },
      },
    });
    idp = await startOidcProvider([`${t.url}${CALLBACK}`]);
  });
  afterAll(async () => {
    await t?.close();
    await idp?.close();
  });

  const manager = () => t.users.manager.token;
  const baseConfig = () => ({
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    scopes: 'openid email profile groups',
    allowedDomains: ['acme.test'],
    roleClaim: 'groups',
    roleMap: { manager: ['finops-admins'], engineer: ['devs'], viewer: ['staff'] },
    defaultRole: null,
    justInTime: true,
  });
  const configure = (body: unknown) =>
    t.request('/api/v1/organization/sso', { method: 'PUT', token: manager(), body });

  /**
   * Plays the browser: Cloudtally's start, the provider's login, and the callback back to Cloudtally. `jar` holds
   * the browser's cookies at the provider; a new one each time unless the test keeps one (the same browser).
   */
  async function ssoSignIn(
    account: TestAccount,
    start: Record<string, string> = { email: account.email },
    jar: Record<string, string> = {},
  ) {
    idp.nextLogin(account);
    const started = await t.request('/api/v1/auth/sso/start', { method: 'POST', body: start });
    expect(started.status, await started.clone().text()).toBe(200);
    const stateCookie = cookiesOf(started).ct_sso_state;
    expect(stateCookie).toBeTruthy();
    let url = ((await started.json()) as { url: string }).url;
    for (let hop = 0; hop < 10 && url.startsWith(idp.issuer); hop++) {
      const cookie = Object.entries(jar)
        .map(([k, v]) => `${k}=${v}`)
        .join('; ');
      const res = await fetch(url, { redirect: 'manual', headers: { cookie } });
      Object.assign(jar, cookiesOf(res));
      const next = res.headers.get('location');
      if (!next) throw new Error(`the provider answered ${res.status} at ${url}: ${await res.text()}`);
      url = new URL(next, url).href;
    }
    expect(url.startsWith(`${t.url}${CALLBACK}?`)).toBe(true);
    return callback(url, stateCookie);
  }

  async function callback(callbackUrl: string, stateCookie: string): Promise<SsoAttempt> {
    const res = await fetch(callbackUrl, {
      redirect: 'manual',
      headers: stateCookie ? { cookie: `ct_sso_state=${stateCookie}` } : {},
    });
    expect(res.status).toBe(302);
    const location = res.headers.get('location') ?? '';
    return {
      location,
      session: cookiesOf(res).ct_session || undefined,
      callbackUrl,
      stateCookie,
      error: new URL(location, t.url).searchParams.get('ssoError'),
    };
  }

  /** Invites the address with the inviter's token; the answer carries the link (no e-mail channel here). */
  async function invite(token: string, email: string) {
    const res = await t.request('/api/v1/invitations', {
      method: 'POST',
      token,
      body: { email, role: 'viewer' },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return /#(ct_inv_[\w-]+)/.exec(((await res.json()) as { link?: string }).link ?? '')?.[1];
  }

  const acceptWithPassword = (token: string | undefined, password: string) =>
    t.request('/api/v1/invitations/accept', { method: 'POST', body: { token, password } });

  async function me(session: string) {
    const res = await fetch(`${t.url}/api/v1/auth/me`, { headers: { cookie: `ct_session=${session}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as { user: { email: string }; organization: { name: string }; role: string };
  }

  it('refuses a wrong issuer when the settings are saved, naming the field', async () => {
    const missing = await configure({ ...baseConfig(), issuer: `${idp.issuer}/realms/nope` });
    expect(missing.status).toBe(400);
    const body = (await missing.json()) as { error: { field: string; message: string } };
    expect(body.error.field).toBe('issuer');
    expect(body.error.message).toContain('could not read');
    // The provider answers at localhost too, but names 127.0.0.1 as its issuer.
    const other = await configure({ ...baseConfig(), issuer: idp.issuer.replace('127.0.0.1', 'localhost') });
    expect(other.status).toBe(400);
    expect(((await other.json()) as { error: { message: string } }).error.message).toContain(
      'is not the issuer its OpenID configuration names',
    );
    const plain = await configure({ ...baseConfig(), issuer: 'http://idp.example.test' });
    expect(((await plain.json()) as { error: { field: string } }).error.field).toBe('issuer');
  });

  it('saves the settings with the secret encrypted and never shown', async () => {
    const res = await configure(baseConfig());
    expect(res.status, await res.clone().text()).toBe(200);
    const got = await t.request('/api/v1/organization/sso', { token: manager() });
    const text = await got.text();
    expect(text).not.toContain(idp.clientSecret);
    const { config, redirectUri } = JSON.parse(text) as {
      config: { clientSecretSet: boolean; allowedDomains: string[] };
      redirectUri: string;
    };
    expect(config.clientSecretSet).toBe(true);
    expect(redirectUri).toBe(`${t.url}${CALLBACK}`);
    const [stored] = await t.ctx.store.query<{ client_secret_id: string }>(
      'SELECT client_secret_id FROM sso_configs WHERE org_id = $1',
      [t.users.manager.orgId],
    );
    const secrets = await t.ctx.store.query<{ ciphertext: string }>(
      'SELECT ciphertext FROM secrets WHERE id = $1',
      [stored.client_secret_id],
    );
    expect(secrets[0].ciphertext).not.toContain(idp.clientSecret);
    // A change without the secret keeps the stored one.
    const again = await configure({ ...baseConfig(), clientSecret: undefined });
    expect(again.status).toBe(200);
    expect(t.logs()).not.toContain(idp.clientSecret);
    // Engineers may not read or change it.
    const engineer = await t.request('/api/v1/organization/sso', { token: t.users.engineer.token });
    expect(engineer.status).toBe(403);
  });

  it('signs a new person in, creating the member with the role their group maps to (just in time)', async () => {
    const attempt = await ssoSignIn({
      sub: 'u-alice',
      email: 'Alice@acme.test',
      name: 'Alice',
      groups: ['finops-admins'],
    });
    expect(attempt.error).toBeNull();
    expect(attempt.location).toBe('/');
    const who = await me(attempt.session!);
    expect(who.user.email).toBe('alice@acme.test');
    expect(who.organization.name).toBe('Org A');
    expect(who.role).toBe('manager');
    const log = await t.ctx.store.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE org_id = $1 AND actor = 'alice@acme.test' ORDER BY created_at`,
      [t.users.manager.orgId],
    );
    expect(log.map((l) => l.action)).toEqual(['member.sso_join', 'auth.login']);
  });

  it('maps the role claim at every sign-in, and refuses a person no group gives a role', async () => {
    const first = await ssoSignIn({ sub: 'u-bob', email: 'bob@acme.test', groups: ['devs', 'staff'] });
    expect((await me(first.session!)).role).toBe('engineer');
    const later = await ssoSignIn({ sub: 'u-bob', email: 'bob@acme.test', groups: ['staff'] });
    expect((await me(later.session!)).role).toBe('viewer');
    const none = await ssoSignIn({ sub: 'u-eve', email: 'eve@acme.test', groups: ['contractors'] });
    expect(none.session).toBeUndefined();
    expect(none.error).toBe('eve@acme.test is in none of the groups that give a role in Org A.');
  });

  it('refuses an address outside the allowed domains, and one the provider has not verified', async () => {
    const outside = await ssoSignIn(
      { sub: 'u-mallory', email: 'mallory@elsewhere.test', groups: ['finops-admins'] },
      { organization: 'Org A' },
    );
    expect(outside.session).toBeUndefined();
    expect(outside.error).toBe('elsewhere.test is not among the e-mail domains allowed to sign in to Org A.');
    const unverified = await ssoSignIn({
      sub: 'u-uma',
      email: 'uma@acme.test',
      email_verified: false,
      groups: ['devs'],
    });
    expect(unverified.error).toBe('The sign-in provider has not verified uma@acme.test.');
    const start = await t.request('/api/v1/auth/sso/start', {
      method: 'POST',
      body: { email: 'x@nowhere.test' },
    });
    expect(start.status).toBe(400);
    expect(((await start.json()) as { error: { field: string } }).error.field).toBe('email');
  });

  it('refuses a replayed state, and a state from another browser', async () => {
    const ok = await ssoSignIn({ sub: 'u-carol', email: 'carol@acme.test', groups: ['devs'] });
    expect(ok.session).toBeTruthy();
    const replay = await callback(ok.callbackUrl, ok.stateCookie);
    expect(replay.session).toBeUndefined();
    expect(replay.error).toBe('This sign-in has been used already or has expired. Start again.');
    const otherBrowser = await callback(ok.callbackUrl, '');
    expect(otherBrowser.error).toBe(
      'This sign-in was started in another browser tab or has expired. Start again.',
    );
  });

  /** Plays the browser at the provider's sign-out page: it confirms, and answers where the provider sends it. */
  async function providerSignOut(endSessionUrl: string, jar: Record<string, string>): Promise<string> {
    const cookie = () =>
      Object.entries(jar)
        .map(([k, v]) => `${k}=${v}`)
        .join('; ');
    const page = await fetch(endSessionUrl, { headers: { cookie: cookie() } });
    Object.assign(jar, cookiesOf(page));
    const html = await page.text();
    expect(page.status, html).toBe(200);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    expect(action && xsrf, html).toBeTruthy();
    const confirmed = await fetch(new URL(action!, endSessionUrl), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf: xsrf!, logout: 'yes' }).toString(),
    });
    Object.assign(jar, cookiesOf(confirmed));
    expect(confirmed.status, await confirmed.clone().text()).toBeGreaterThanOrEqual(300);
    return confirmed.headers.get('location') ?? '';
  }

  it('signs out at the provider too, so that the next sign-in in the same browser asks who signs in', async () => {
    const browser: Record<string, string> = {};
    const ana = await ssoSignIn(
      { sub: 'u-ana', email: 'ana@acme.test', groups: ['devs'] },
      undefined,
      browser,
    );
    expect((await me(ana.session!)).user.email).toBe('ana@acme.test');
    // While the provider still holds Ana's session it asks nobody: a sign-in started for Bo in this browser comes
    // back as Ana. (A browser test that signed out here only and then waited for Bo's page waited for ever.)
    const bo = { sub: 'u-bo', email: 'bo@acme.test', groups: ['devs'] };
    const again = await ssoSignIn(bo, undefined, browser);
    expect((await me(again.session!)).user.email).toBe('ana@acme.test');

    // Signing out ends the session here and answers the provider's sign-out page, with the session's ID token as
    // hint and this server's start page to come back to.
    const session = { cookie: `ct_session=${again.session!}` };
    const { csrfToken } = (await (await fetch(`${t.url}/api/v1/auth/me`, { headers: session })).json()) as {
      csrfToken: string;
    };
    const out = await t.request('/api/v1/auth/logout', {
      method: 'POST',
      headers: { ...session, 'x-csrf-token': csrfToken },
    });
    expect(out.status, await out.clone().text()).toBe(200);
    const { endSessionUrl } = (await out.json()) as { endSessionUrl: string };
    const url = new URL(endSessionUrl);
    expect(`${url.origin}${url.pathname}`.startsWith(idp.issuer)).toBe(true);
    expect(url.searchParams.get('post_logout_redirect_uri')).toBe(`${t.url}/`);
    expect(url.searchParams.get('id_token_hint')).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+$/);
    expect((await fetch(`${t.url}/api/v1/auth/me`, { headers: session })).status).toBe(401);

    // The browser follows it: the provider ends its own session and sends the browser back to the start page.
    expect(await providerSignOut(endSessionUrl, browser)).toBe(`${t.url}/`);
    // The next sign-in in this browser goes through the provider's login again, and Bo is who signs in.
    const next = await ssoSignIn(bo, undefined, browser);
    expect((await me(next.session!)).user.email).toBe('bo@acme.test');
  });

  it('signs a password session out here only (nothing to end at a provider)', async () => {
    const session = await signIn(t, t.users.engineer);
    const out = await t.request('/api/v1/auth/logout', { method: 'POST', headers: session.headers });
    expect(out.status).toBe(204);
  });

  it('refuses an ID token issued to another client (wrong audience)', async () => {
    tokenAnswer = (body) => {
      const claims = JSON.parse(
        Buffer.from(String(body.id_token).split('.')[1], 'base64url').toString(),
      ) as object;
      return { ...body, id_token: idp.sign({ ...claims, aud: 'another-client' }) };
    };
    try {
      const attempt = await ssoSignIn({ sub: 'u-dan', email: 'dan@acme.test', groups: ['devs'] });
      expect(attempt.session).toBeUndefined();
      expect(attempt.error).toBe(
        'Single sign-on failed: the ID token was issued to another client (wrong audience).',
      );
    } finally {
      tokenAnswer = undefined;
    }
  });

  it('refuses an expired ID token', async () => {
    clock.offsetMs = 2 * 3600_000; // the provider's ID tokens live one hour
    try {
      const attempt = await ssoSignIn({ sub: 'u-dan', email: 'dan@acme.test', groups: ['devs'] });
      expect(attempt.session).toBeUndefined();
      expect(attempt.error).toBe('Single sign-on failed: the ID token has expired.');
    } finally {
      clock.offsetMs = 0;
    }
  });

  it('lets only members and invited people in without just-in-time creation', async () => {
    expect((await configure({ ...baseConfig(), clientSecret: undefined, justInTime: false })).status).toBe(
      200,
    );
    const stranger = await ssoSignIn({ sub: 'u-frank', email: 'frank@acme.test', groups: ['devs'] });
    expect(stranger.error).toBe(
      'frank@acme.test is not a member of Org A; ask an Organization Manager for an invitation.',
    );
    const invited = await t.request('/api/v1/invitations', {
      method: 'POST',
      token: manager(),
      body: { email: 'frank@acme.test', role: 'viewer' },
    });
    expect(invited.status).toBe(201);
    const joined = await ssoSignIn({ sub: 'u-frank', email: 'frank@acme.test', groups: ['devs'] });
    expect((await me(joined.session!)).role).toBe('engineer');
    const pending = await t.request('/api/v1/invitations', { token: manager() });
    expect(
      ((await pending.json()) as { items: { email: string }[] }).items.map((i) => i.email),
    ).not.toContain('frank@acme.test');
  });

  it('links an existing account only once it is a member, and keeps a single sign-on session in its organization', async () => {
    expect((await configure({ ...baseConfig(), clientSecret: undefined })).status).toBe(200);
    // heidi@acme.test has an account through Org B only: Org A's provider alone does not open it.
    const joinedB = await acceptWithPassword(
      await invite(t.users.otherManager.token, 'heidi@acme.test'),
      'heidis-long-password',
    );
    expect(joinedB.status, await joinedB.clone().text()).toBe(200);
    const orgB = ((await joinedB.json()) as { organizations: { id: string; name: string }[] }).organizations;
    expect(orgB.map((o) => o.name)).toEqual(['Org B']);
    const heidi = { sub: 'u-heidi', email: 'heidi@acme.test', groups: ['staff'] };
    const refused = await ssoSignIn(heidi);
    expect(refused.session).toBeUndefined();
    expect(refused.error).toBe(
      'heidi@acme.test already has a Cloudtally account: accept the invitation to Org A with its password first, then single sign-on links to it.',
    );
    // Once she has accepted Org A's invitation with her password, the provider signs her in, to Org A alone.
    expect(
      (await acceptWithPassword(await invite(manager(), heidi.email), 'heidis-long-password')).status,
    ).toBe(200);
    const linked = await ssoSignIn(heidi);
    expect(linked.session, linked.error ?? '').toBeDefined();
    const cookie = `ct_session=${linked.session}`;
    const meRes = await fetch(`${t.url}/api/v1/auth/me`, { headers: { cookie } });
    const view = (await meRes.json()) as {
      organization: { name: string };
      organizations: { name: string }[];
      csrfToken: string;
    };
    expect(view.organization.name).toBe('Org A');
    expect(view.organizations.map((o) => o.name)).toEqual(['Org A']);
    const switched = await fetch(`${t.url}/api/v1/auth/switch-organization`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': view.csrfToken, 'content-type': 'application/json' },
      body: JSON.stringify({ organizationId: orgB[0].id }),
    });
    expect(switched.status).toBe(403);
    expect(await switched.text()).toContain('stays in its organization');
  });

  it('refuses password sign-in when single sign-on is required, except for the break-glass manager', async () => {
    const res = await configure({
      ...baseConfig(),
      clientSecret: undefined,
      ssoRequired: true,
      breakGlassEmail: t.users.manager.email,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const refused = await t.request('/api/v1/auth/login', {
      method: 'POST',
      body: { email: t.users.engineer.email, password: t.users.engineer.password },
    });
    expect(refused.status).toBe(401);
    expect(await refused.text()).toContain('Org A requires single sign-on');
    const breakGlass = await signIn(t, t.users.manager);
    expect(breakGlass.headers.cookie).toContain('ct_session=');
    // A bad break-glass address is refused, naming the field.
    const bad = await configure({
      ...baseConfig(),
      clientSecret: undefined,
      breakGlassEmail: t.users.viewer.email,
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('breakGlassEmail');
    // An invitation into it is accepted through the provider, not with a password.
    const intoA = await invite(manager(), 'grace@acme.test');
    expect(intoA).toBeDefined();
    const byPassword = await acceptWithPassword(intoA, 'a-new-long-password');
    expect(byPassword.status).toBe(403);
    expect(await byPassword.text()).toContain(
      'Org A requires single sign-on: choose \\"Continue with single sign-on\\" on the sign-in page as grace@acme.test',
    );
    // A password session elsewhere does not fall back into it when its own organization drops the person.
    const intoB = await invite(t.users.otherManager.token, t.users.engineer.email);
    const joinedB = await acceptWithPassword(intoB, t.users.engineer.password);
    expect(joinedB.status, await joinedB.clone().text()).toBe(200);
    const sessionB = cookiesOf(joinedB).ct_session;
    expect((await me(sessionB)).organization.name).toBe('Org B');
    const engineerId = ((await joinedB.json()) as { user: { id: string } }).user.id;
    const dropped = await t.request(`/api/v1/members/${engineerId}`, {
      method: 'DELETE',
      token: t.users.otherManager.token,
    });
    expect(dropped.status, await dropped.clone().text()).toBe(204);
    const after = await fetch(`${t.url}/api/v1/auth/me`, { headers: { cookie: `ct_session=${sessionB}` } });
    expect(after.status).toBe(401);
    // Turned off, passwords work again and the client secret is deleted.
    const removed = await t.request('/api/v1/organization/sso', { method: 'DELETE', token: manager() });
    expect(removed.status).toBe(204);
    const back = await t.request('/api/v1/auth/login', {
      method: 'POST',
      body: { email: t.users.engineer.email, password: t.users.engineer.password },
    });
    expect(back.status).toBe(200);
    const left = await t.ctx.store.query("SELECT id FROM secrets WHERE owner_type = 'sso'");
    expect(left).toEqual([]);
  });
});
