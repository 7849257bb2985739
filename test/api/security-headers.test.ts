/**
 * Security headers on the dashboard and the API, and the session cookie behind a TLS-terminating proxy
 * (issue 14 §5): X-Forwarded-* are honoured only when the proxy is trusted, and an https public URL makes the
 * cookie Secure.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_DIST } from '../../src/api/web-assets.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

function login(t: TestServer, headers: Record<string, string> = {}, password = t.users.engineer.password) {
  return t.request('/api/v1/auth/login', {
    method: 'POST',
    headers,
    body: { email: t.users.engineer.email, password },
  });
}

async function failedSignInIp(t: TestServer, forwardedFor: string): Promise<string | null> {
  expect((await login(t, { 'x-forwarded-for': forwardedFor }, 'not-the-password')).status).toBe(401);
  const [row] = await t.ctx.store.query<{ ip: string | null }>(
    `SELECT ip FROM audit_log WHERE action = 'auth.login_failed' ORDER BY created_at DESC LIMIT 1`,
  );
  return row.ip;
}

describe('security headers and the session cookie', () => {
  let direct: TestServer;
  let proxied: TestServer;
  let published: TestServer;
  beforeAll(async () => {
    direct = await startTestServer();
    proxied = await startTestServer({ config: { trustProxy: true } });
    published = await startTestServer({ config: { publicUrl: 'https://cost.example.com' } });
  });
  afterAll(async () => {
    await direct?.close();
    await proxied?.close();
    await published?.close();
  });

  it.each([
    ['the dashboard', '/'],
    ['a dashboard route', '/costs'],
    ['an API answer', '/api/v1/health'],
    ['an API error', '/api/v1/auth/me'],
    ['an unknown API path', '/api/v1/nothing-here'],
  ])('sends the security headers on %s', async (_what, url) => {
    const res = await direct.request(url);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    // Plain HTTP: no HSTS.
    expect(res.headers.get('strict-transport-security')).toBeNull();
    await res.body?.cancel();
  });

  it('builds a dashboard that the policy allows: only same-origin scripts and styles, nothing inline', () => {
    const html = readFileSync(path.join(WEB_DIST, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc="\/[^/]/);
      expect(body.trim()).toBe('');
    }
    for (const [, href] of html.matchAll(/<link\b[^>]*\bhref="([^"]+)"/g)) expect(href).toMatch(/^\/[^/]/);
    expect(html).not.toMatch(/\bon[a-z]+=/i);
  });

  it('ignores X-Forwarded-Proto and X-Forwarded-For unless the proxy is trusted', async () => {
    const res = await login(direct, { 'x-forwarded-proto': 'https' });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).not.toMatch(/;\s*Secure/i);
    expect(res.headers.get('strict-transport-security')).toBeNull();
    expect(await failedSignInIp(direct, '203.0.113.5')).not.toBe('203.0.113.5');
  });

  it('behind a trusted proxy, makes the cookie Secure when the proxy says HTTPS, and takes its client address', async () => {
    const https = await login(proxied, { 'x-forwarded-proto': 'https' });
    expect(https.status).toBe(200);
    expect(https.headers.get('set-cookie')).toMatch(/ct_session=[^;]+;.*Secure/i);
    expect(https.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    const http = await login(proxied, { 'x-forwarded-proto': 'http' });
    expect(http.headers.get('set-cookie')).not.toMatch(/;\s*Secure/i);
    // The proxy appends the address it saw; what the client put before it proves nothing.
    expect(await failedSignInIp(proxied, '198.51.100.1, 203.0.113.5')).toBe('203.0.113.5');
  });

  it('makes the cookie Secure when the public URL is https, whatever the headers', async () => {
    const res = await login(published);
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/ct_session=[^;]+;.*Secure/i);
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  });
});
