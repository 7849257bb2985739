/**
 * Bad input: malformed JSON, wrong types, oversized bodies, unknown fields and missing bodies are refused with a
 * 4xx whose `error.field` names the field, and nothing is written. Areas add their routes' cases to CASES.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { tableCounts } from './api-support.js';

const MAX_BODY_BYTES = 4096;

/** Every table a request of these routes could write to. */
const TABLES = [
  'organizations',
  'users',
  'memberships',
  'sessions',
  'api_tokens',
  'login_throttle',
  'instance_settings',
  'audit_log',
  'secrets',
  'invitations',
] as const;

interface BadInputCase {
  name: string;
  method: string;
  /** A function when the path needs an id from the seeded users. */
  path: string | ((t: TestServer) => string);
  /** A string is sent as is (for malformed JSON); anything else is JSON-encoded. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Send without a token (public routes). */
  anonymous?: boolean;
  status: number;
  /** The field `error.field` must name (omit for 413, which has none). */
  field?: string;
}

const member = (t: TestServer) => `/api/v1/members/${t.users.viewer.userId}`;

const CASES: BadInputCase[] = [
  {
    name: 'malformed JSON',
    method: 'POST',
    path: '/api/v1/tokens',
    body: '{"name": "ci",',
    status: 400,
    field: 'body',
  },
  {
    name: 'a number for a text field',
    method: 'POST',
    path: '/api/v1/tokens',
    body: { name: 5 },
    status: 400,
    field: 'name',
  },
  {
    name: 'text for a number',
    method: 'POST',
    path: '/api/v1/tokens',
    body: { name: 'ci', expiresInDays: 'ten' },
    status: 400,
    field: 'expiresInDays',
  },
  {
    name: 'a value outside the enum',
    method: 'POST',
    path: '/api/v1/invitations',
    body: { email: 'new@a.test', role: 'owner' },
    status: 400,
    field: 'role',
  },
  {
    name: 'not an e-mail address',
    method: 'POST',
    path: '/api/v1/invitations',
    body: { email: 'not-an-address', role: 'viewer' },
    status: 400,
    field: 'email',
  },
  {
    name: 'a password typed for another person (people choose their own when they accept)',
    method: 'POST',
    path: '/api/v1/members',
    body: { email: 'short@a.test', role: 'viewer', password: 'a-long-password' },
    status: 400,
    field: 'password',
  },
  {
    name: 'an unknown field',
    method: 'POST',
    path: '/api/v1/tokens',
    body: { name: 'ci', admin: true },
    status: 400,
    field: 'admin',
  },
  {
    name: 'an unknown field next to valid ones in a PATCH',
    method: 'PATCH',
    path: member,
    body: { role: 'engineer', owner: true },
    status: 400,
    field: 'owner',
  },
  {
    name: 'text for a boolean',
    method: 'PATCH',
    path: member,
    body: { manageCloudCredentials: 'yes' },
    status: 400,
    field: 'manageCloudCredentials',
  },
  {
    name: 'an array instead of an object',
    method: 'POST',
    path: '/api/v1/tokens',
    body: [{ name: 'ci' }],
    status: 400,
    field: 'body',
  },
  { name: 'JSON null', method: 'POST', path: '/api/v1/tokens', body: 'null', status: 400, field: 'body' },
  { name: 'no body at all', method: 'PATCH', path: member, status: 400, field: 'body' },
  {
    name: 'a body that is not JSON',
    method: 'POST',
    path: '/api/v1/tokens',
    body: 'name=ci',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 400,
    field: 'body',
  },
  {
    name: 'JSON without a content type',
    method: 'POST',
    path: '/api/v1/tokens',
    body: '{"name":"ci"}',
    headers: { 'content-type': '' },
    status: 400,
    field: 'body',
  },
  {
    name: 'an oversized body',
    method: 'POST',
    path: '/api/v1/tokens',
    body: { name: 'x'.repeat(MAX_BODY_BYTES * 2) },
    status: 413,
  },
  {
    name: 'text for a numeric query parameter',
    method: 'GET',
    path: '/api/v1/audit-log?limit=abc',
    status: 400,
    field: 'limit',
  },
  {
    name: 'a query parameter out of range',
    method: 'GET',
    path: '/api/v1/audit-log?limit=100000',
    status: 400,
    field: 'limit',
  },
  {
    name: 'a malformed date in the query',
    method: 'GET',
    path: '/api/v1/audit-log?before=yesterday',
    status: 400,
    field: 'before',
  },
  {
    name: 'wrong types at sign-in (not counted as a failed sign-in)',
    method: 'POST',
    path: '/api/v1/auth/login',
    body: { email: 7, password: ['x'] },
    anonymous: true,
    status: 400,
    field: 'email',
  },
  {
    name: 'an unknown field at sign-in',
    method: 'POST',
    path: '/api/v1/auth/login',
    body: { email: 'manager@a.test', password: 'whatever-it-is', remember: true },
    anonymous: true,
    status: 400,
    field: 'remember',
  },
  {
    name: 'a number for an organization name',
    method: 'POST',
    path: '/api/v1/organizations',
    body: { name: 12 },
    status: 400,
    field: 'name',
  },
];

describe('bad input', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ config: { maxBodyBytes: MAX_BODY_BYTES } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each(CASES.map((c) => [c.name, c] as const))(
    '%s → 4xx naming the field, nothing written',
    async (_n, c) => {
      const before = await tableCounts(t, TABLES);
      const path = typeof c.path === 'function' ? c.path(t) : c.path;
      const headers: Record<string, string> = { ...c.headers };
      let body: string | undefined;
      if (c.body !== undefined) {
        body = typeof c.body === 'string' ? c.body : JSON.stringify(c.body);
        headers['content-type'] ??= 'application/json';
      }
      if (headers['content-type'] === '') delete headers['content-type'];
      if (!c.anonymous) headers.authorization = `Bearer ${t.users.manager.token}`;
      // Plain fetch rather than t.request, which would add a JSON content type to every body.
      const res = await fetch(t.url + path, { method: c.method, headers, body });
      const answer = (await res.json()) as {
        error: { code: string; message: string; field?: string };
        requestId: string;
      };
      expect(res.status).toBe(c.status);
      expect(answer.requestId).toBe(res.headers.get('x-request-id'));
      if (c.field !== undefined) {
        expect(answer.error.code).toBe('invalid_input');
        expect(answer.error.field).toBe(c.field);
        expect(answer.error.message).toContain(c.field);
      } else {
        expect(answer.error.code).toBe('too_large');
      }
      expect(await tableCounts(t, TABLES)).toEqual(before);
    },
  );

  it('refuses an oversized body sent without a length (chunked) before reading it all', async () => {
    const before = await tableCounts(t, TABLES);
    const chunk = new TextEncoder().encode('x'.repeat(1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"name":"'));
      },
      pull(controller) {
        if (sent++ < 64) controller.enqueue(chunk);
        else {
          controller.enqueue(new TextEncoder().encode('"}'));
          controller.close();
        }
      },
    });
    const res = await fetch(t.url + '/api/v1/tokens', {
      method: 'POST',
      headers: { authorization: `Bearer ${t.users.manager.token}`, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await tableCounts(t, TABLES)).toEqual(before);
  });

  it('still accepts the same requests when the input is right (the cases above fail for their input only)', async () => {
    const ok = await t.request('/api/v1/tokens', {
      method: 'POST',
      token: t.users.manager.token,
      body: { name: 'ci', expiresInDays: 10 },
    });
    expect(ok.status).toBe(201);
    const patched = await t.request(`/api/v1/members/${t.users.viewer.userId}`, {
      method: 'PATCH',
      token: t.users.manager.token,
      body: { manageCloudCredentials: false },
    });
    expect(patched.status).toBe(200);
    const audit = await t.request('/api/v1/audit-log?limit=5', { token: t.users.manager.token });
    expect(audit.status).toBe(200);
  });
});
