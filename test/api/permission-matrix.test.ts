/**
 * The permission matrix: every route × every kind of caller → the HTTP status it must answer.
 *
 * HOW TO ADD YOUR ROUTES (the first test fails until every route in `routeRegistry` has a row, and every row a
 * route):
 *   1. Add one entry to MATRIX, keyed exactly as `routeRegistry` lists the route: `METHOD /api/v1/path/:param`.
 *      Put it in your area's section (or start one) so that engineers do not edit the same lines.
 *   2. `request(fx)` builds a valid-looking request for ONE caller, so that the only reason for a 401/403 is who
 *      asks. It runs once per caller: create a fresh object when the request changes or removes it
 *      (`fx.caller` is the user acting; for the signed-out columns it is Org A's manager), or share one with
 *      `fx.once('key', () => create())`. Return `params` for the `:param`s, and `query` / `body` as needed.
 *   3. `expect` gives the status per caller. Start from the preset for the route's access rule with the status an
 *      allowed caller gets — PUBLIC, MEMBER, READ (same as MEMBER), MANAGER (org:manage, audit:read),
 *      ENGINEER_UP (sync:trigger, recommendations:act, anomalies:act), CREDENTIALS (accounts:write) — and override single
 *      callers with a spread: `{ ...MEMBER(200), viewer: 404 }`. A status may be a list when either is right.
 * Answers with a 2xx status must be one of the route's declared responses and match its zod schema. A row may
 * not refuse fewer callers than the route's declared access rule does (PRESET_OF maps rules to presets).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeRegistry, type Access } from '../../src/api/route-kit.js';
import { startTestServer, type TestServer, type TestUser } from '../helpers/server.js';
import { addUser, expireSession, signIn, type Session } from './api-support.js';
import { seedRecommendation } from '../recommendations/fixtures.js';
import { seedAnomaly } from '../costs/fixtures.js';
import { sessionPublicId } from '../../src/auth/credential-store.js';
import { sha256Hex } from '../../src/lib/ids.js';

const CALLERS = [
  'anonymous',
  'revokedToken',
  'expiredSession',
  'viewer',
  'engineer',
  'manager',
  /** An Engineer holding the Manage Cloud Credentials permission. */
  'credentialsEngineer',
] as const;
type Caller = (typeof CALLERS)[number];

type Status = number | readonly number[];
type Expectation = Record<Caller, Status>;

const SIGNED_OUT = { anonymous: 401, revokedToken: 401, expiredSession: 401 } as const;

const PUBLIC = (s: Status): Expectation => ({
  anonymous: s,
  revokedToken: s,
  expiredSession: s,
  viewer: s,
  engineer: s,
  manager: s,
  credentialsEngineer: s,
});
const MEMBER = (s: Status): Expectation => ({
  ...SIGNED_OUT,
  viewer: s,
  engineer: s,
  manager: s,
  credentialsEngineer: s,
});
const READ = MEMBER;
const MANAGER = (s: Status): Expectation => ({
  ...SIGNED_OUT,
  viewer: 403,
  engineer: 403,
  manager: s,
  credentialsEngineer: 403,
});
const ENGINEER_UP = (s: Status): Expectation => ({
  ...SIGNED_OUT,
  viewer: 403,
  engineer: s,
  manager: s,
  credentialsEngineer: s,
});
const CREDENTIALS = (s: Status): Expectation => ({
  ...SIGNED_OUT,
  viewer: 403,
  engineer: 403,
  manager: s,
  credentialsEngineer: s,
});

/** Instance administrators only: Org A's manager, the instance's first user, is one; nobody else here is. */
const INSTANCE_ADMIN = (s: Status): Expectation => ({
  ...SIGNED_OUT,
  viewer: 403,
  engineer: 403,
  manager: s,
  credentialsEngineer: 403,
});

/**
 * The preset of each access rule. Record<Access, …> makes the type-check fail when a new action appears, so
 * that it gets a preset here.
 */
const PRESET_OF: Record<Access, (s: Status) => Expectation> = {
  public: PUBLIC,
  member: MEMBER,
  'tokens:own': MEMBER,
  'org:read': READ,
  'accounts:read': READ,
  'org:manage': MANAGER,
  'audit:read': MANAGER,
  'accounts:write': CREDENTIALS,
  'sync:trigger': ENGINEER_UP,
  'recommendations:act': ENGINEER_UP,
  'budgets:write': ENGINEER_UP,
  'alerts:write': ENGINEER_UP,
  'instance:manage': INSTANCE_ADMIN,
  'anomalies:act': ENGINEER_UP,
};

interface Fixture {
  t: TestServer;
  /** Who acts: the caller's user, or Org A's manager for the signed-out columns. */
  caller: TestUser;
  column: Caller;
  /** Creates a value once per test file and hands the same one to every later caller. */
  once<T>(key: string, create: () => Promise<T>): Promise<T>;
  /** A name no other request used, e.g. for e-mail addresses and organization names. */
  unique(prefix: string): string;
}

interface MatrixRequest {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
}

interface Row {
  request?: (fx: Fixture) => MatrixRequest | Promise<MatrixRequest>;
  expect: Expectation;
}

/** A fresh member of Org A, for requests that change or remove one. */
const freshMember = (fx: Fixture) => addUser(fx.t, { role: 'viewer', prefix: 'target' });

/** A cloud account of Org A written straight to the store, for the sync rows (the accounts API is not under test). */
async function matrixAccount(fx: Fixture): Promise<string> {
  const id = `acc_matrix_${fx.unique('sync').replace(/[^a-z0-9]/gi, '')}`;
  const now = new Date();
  await fx.t.ctx.store.execute(
    `INSERT INTO cloud_accounts (id, org_id, name, provider, type, aws_account_id, created_at, updated_at)
     VALUES ($1, $2, 'matrix', 'aws', 'assumed_role', $3, $4, $4)`,
    [id, fx.t.users.manager.orgId, String(300000000000 + (now.getTime() % 1e9)), now],
  );
  return id;
}

/** A name for an allocation dimension no other request used. */
const dimensionName = (fx: Fixture) =>
  fx
    .unique('dim')
    .replace(/[^A-Za-z0-9_-]/g, '')
    .slice(-40);

/** An allocation dimension of Org A through the allocation service. */
async function matrixDimension(fx: Fixture): Promise<string> {
  const name = dimensionName(fx);
  await fx.t.ctx.allocation.create(fx.t.users.manager.orgId, { name, rules: [] });
  return name;
}

/** A session of the caller opened for one request, by its public id. */
async function ownSession(fx: Fixture): Promise<string> {
  const result = await fx.t.ctx.auth.login(fx.caller.email, fx.caller.password, '127.0.0.1');
  return sessionPublicId(sha256Hex(result.sessionToken));
}

/** A fresh invitation of Org A to a new address, by Org A's manager (no e-mail channel: the answer has the link). */
async function matrixInvitation(fx: Fixture) {
  const m = fx.t.users.manager;
  const principal = await fx.t.ctx.auth.principalFor(m.userId, m.orgId, 'session');
  if (!principal) throw new Error('no principal for the manager');
  return fx.t.ctx.auth.invite(
    principal,
    { email: `${fx.unique('invitee')}@a.test`, role: 'viewer' },
    fx.t.url,
  );
}

function invitationToken(invite: { link?: string }): string {
  if (!invite.link) throw new Error('the invitation came without a link');
  return invite.link.slice(invite.link.indexOf('#') + 1);
}

/** A queued sync run of a fresh Org A account. */
async function matrixRun(fx: Fixture): Promise<string> {
  const accountId = await matrixAccount(fx);
  const { run } = await fx.t.ctx.sync.trigger({
    orgId: fx.t.users.manager.orgId,
    accountId,
    trigger: 'manual',
  });
  return run.id;
}

/** A cloud account of Org A through the accounts service: a linked account for billing only, which needs no AWS call. */
let awsAccountSeq = 0;
async function connectedAccount(fx: Fixture): Promise<string> {
  const awsAccountId = String(500_000_000_000 + (Date.now() % 1_000_000) * 1000 + ++awsAccountSeq);
  const m = fx.t.users.manager;
  const { account } = await fx.t.ctx.accounts.create(
    { orgId: m.orgId, userId: m.userId, actor: m.email },
    { name: 'matrix linked', type: 'linked', awsAccountId, payerAccountId: '123456789012' },
  );
  return account.id;
}

/** A budget of Org A, created by its manager through the budgets service. */
async function matrixBudget(fx: Fixture): Promise<string> {
  const m = fx.t.users.manager;
  const b = await fx.t.ctx.budgets.create(
    {
      userId: m.userId,
      email: m.email,
      orgId: m.orgId,
      role: 'manager',
      manageCloudCredentials: false,
      via: 'token',
    },
    { name: fx.unique('matrix budget'), amount: 100 },
  );
  return b.id;
}

/** A saved view of Org A shared with the organization, saved by `owner` (default its manager). */
async function matrixView(fx: Fixture, owner: TestUser = fx.t.users.manager): Promise<string> {
  const v = await fx.t.ctx.savedViews.create(
    {
      userId: owner.userId,
      email: owner.email,
      orgId: owner.orgId,
      role: owner.role,
      manageCloudCredentials: false,
      via: 'token',
    },
    {
      name: fx.unique('matrix view'),
      visibility: 'organization',
      query: { range: { relative: 'last_month' } },
    },
  );
  return v.id;
}

/** A Slack channel of Org A (pointing at a closed local port), created by its manager. */
async function matrixChannel(fx: Fixture): Promise<string> {
  const m = fx.t.users.manager;
  const c = await fx.t.ctx.notifications.channels.create(
    {
      userId: m.userId,
      email: m.email,
      orgId: m.orgId,
      role: 'manager',
      manageCloudCredentials: false,
      via: 'token',
    },
    { kind: 'slack', name: fx.unique('matrix channel'), url: 'http://127.0.0.1:9/hook' },
  );
  return c.id;
}

/** An e-mail channel of Org A (its mail server a closed local port), created by its manager. */
async function matrixMailChannel(fx: Fixture): Promise<string> {
  const m = fx.t.users.manager;
  const c = await fx.t.ctx.notifications.channels.create(managerOf(m), {
    kind: 'email',
    name: fx.unique('matrix mail'),
    config: { host: '127.0.0.1', port: 9, security: 'none', from: 'a@a.test', to: ['b@a.test'] },
  });
  return c.id;
}

/** A scheduled report of Org A's manager: a shared saved view, by e-mail. */
async function matrixReport(fx: Fixture): Promise<string> {
  const s = await fx.t.ctx.notifications.reports.create(managerOf(fx.t.users.manager), {
    kind: 'saved_view',
    viewId: await fx.once('view', () => matrixView(fx)),
    frequency: 'weekly',
    weekday: 'friday',
    channel: await fx.once('mail channel', () => matrixMailChannel(fx)),
  });
  return s.id;
}

const managerOf = (m: TestUser) => ({
  userId: m.userId,
  email: m.email,
  orgId: m.orgId,
  role: 'manager' as const,
  manageCloudCredentials: false,
  via: 'token' as const,
});

async function matrixRule(fx: Fixture): Promise<string> {
  const m = fx.t.users.manager;
  const r = await fx.t.ctx.notifications.rules.create(
    {
      userId: m.userId,
      email: m.email,
      orgId: m.orgId,
      role: 'manager',
      manageCloudCredentials: false,
      via: 'token',
    },
    {
      name: fx.unique('matrix rule'),
      eventType: 'cost_anomaly',
      channelIds: [await fx.once('channel', () => matrixChannel(fx))],
    },
  );
  return r.id;
}

const MATRIX: Record<string, Row> = {
  // ---- system ----
  'GET /api/v1/health': { expect: PUBLIC(200) },
  'GET /api/docs': { expect: PUBLIC(200) },
  'GET /api/openapi.json': { expect: PUBLIC(200) },

  // ---- auth ----
  'POST /api/v1/auth/login': {
    request: (fx) => ({ body: { email: fx.t.users.manager.email, password: fx.t.users.manager.password } }),
    expect: PUBLIC(200),
  },
  'POST /api/v1/auth/logout': { expect: MEMBER(204) },
  'GET /api/v1/auth/me': { expect: MEMBER(200) },
  // Tokens belong to one organization, so a token caller is told to use a session (400); sessions are covered
  // in organization-switch.test.ts.
  'POST /api/v1/auth/switch-organization': {
    request: (fx) => ({ body: { organizationId: fx.caller.orgId } }),
    expect: MEMBER(400),
  },

  // ---- organizations and members ----
  'GET /api/v1/organizations': { expect: MEMBER(200) },
  // An instance-level right: the instance administrator (Org A's manager) only, while the instance setting that
  // lets members create organizations is off (its default).
  'POST /api/v1/organizations': {
    request: (fx) => ({ body: { name: fx.unique('Matrix Org') } }),
    expect: INSTANCE_ADMIN(201),
  },
  'GET /api/v1/instance/settings': { expect: INSTANCE_ADMIN(200) },
  'PATCH /api/v1/instance/settings': {
    request: () => ({ body: { allowMemberOrganizations: false } }),
    expect: INSTANCE_ADMIN(200),
  },
  // A snapshot of the embedded database for `cloudtally backup` (each call writes one into the data directory).
  'POST /api/v1/instance/snapshots': { expect: INSTANCE_ADMIN(201) },
  'GET /api/v1/members': { expect: READ(200) },
  // An existing user of another organization, added at once: instance administrators only (managers invite).
  'POST /api/v1/members': {
    request: async (fx) => ({
      body: {
        email: (await addUser(fx.t, { role: 'viewer', org: 'Matrix Other', prefix: 'join' })).email,
        role: 'viewer',
      },
    }),
    expect: INSTANCE_ADMIN(201),
  },
  'PATCH /api/v1/members/:userId': {
    request: async (fx) => ({
      params: { userId: (await fx.once('patched member', () => freshMember(fx))).userId },
      body: { role: 'viewer' },
    }),
    expect: MANAGER(200),
  },
  'DELETE /api/v1/members/:userId': {
    request: async (fx) => ({ params: { userId: (await freshMember(fx)).userId } }),
    expect: MANAGER(204),
  },
  'GET /api/v1/audit-log': { expect: MANAGER(200) },

  // ---- people and access: sessions, organization tokens, invitations ----
  'GET /api/v1/auth/sessions': { expect: MEMBER(200) },
  'DELETE /api/v1/auth/sessions/:id': {
    // Another session of the caller's own, opened for this request.
    request: async (fx) => ({ params: { id: await ownSession(fx) } }),
    expect: MEMBER(204),
  },
  'GET /api/v1/organization/tokens': { expect: MANAGER(200) },
  'GET /api/v1/invitations': { expect: MANAGER(200) },
  'POST /api/v1/invitations': {
    request: (fx) => ({ body: { email: `${fx.unique('invited')}@a.test`, role: 'viewer' } }),
    expect: MANAGER(201),
  },
  'DELETE /api/v1/invitations/:id': {
    request: async (fx) => ({ params: { id: (await matrixInvitation(fx)).invitation.id } }),
    expect: MANAGER(204),
  },
  'POST /api/v1/invitations/lookup': {
    request: async (fx) => ({ body: { token: invitationToken(await matrixInvitation(fx)) } }),
    expect: PUBLIC(200),
  },
  'POST /api/v1/invitations/accept': {
    request: async (fx) => ({
      body: { token: invitationToken(await matrixInvitation(fx)), password: 'a-long-password-1' },
    }),
    expect: PUBLIC(200),
  },

  // ---- single sign-on (OpenID Connect); test/api/sso.test.ts runs the flows against a real provider ----
  'GET /api/v1/organization/sso': { expect: MANAGER(200) },
  'PUT /api/v1/organization/sso': {
    // A manager gets past the access check to the provider's metadata, which nothing here serves.
    request: () => ({
      body: {
        issuer: 'http://127.0.0.1:9',
        clientId: 'matrix',
        clientSecret: 'matrix-secret',
        allowedDomains: ['a.test'],
        defaultRole: 'viewer',
      },
    }),
    expect: MANAGER(400),
  },
  'DELETE /api/v1/organization/sso': { expect: MANAGER(404) },
  'POST /api/v1/auth/sso/start': {
    request: () => ({ body: { email: 'someone@no-sso.test' } }),
    expect: PUBLIC(400),
  },
  // Without a sign-in in flight: a redirect to the sign-in page with the reason.
  'GET /api/v1/auth/sso/callback': { expect: PUBLIC(302) },

  // ---- tokens ----
  'GET /api/v1/tokens': { expect: MEMBER(200) },
  'POST /api/v1/tokens': { request: () => ({ body: { name: 'matrix' } }), expect: MEMBER(201) },
  'DELETE /api/v1/tokens/:id': {
    // The caller's own token: every member may revoke their own.
    request: async (fx) => ({
      params: { id: (await fx.t.ctx.auth.createToken(fx.caller, 'to revoke')).id },
    }),
    expect: MEMBER(204),
  },

  // ---- costs ----
  'GET /api/v1/costs': {
    request: () => ({ query: { from: '2024-01-01', to: '2024-01-31', groupBy: 'service,account' } }),
    expect: READ(200),
  },
  'GET /api/v1/costs/export': {
    request: () => ({ query: { from: '2024-01-01', to: '2024-01-31', groupBy: 'service' } }),
    expect: READ(200),
  },
  'GET /api/v1/costs/summary': { expect: READ(200) },
  'GET /api/v1/costs/movers': { expect: READ(200) },
  'GET /api/v1/costs/forecast': { expect: READ(200) },
  'GET /api/v1/costs/anomalies': { expect: READ(200) },
  'GET /api/v1/costs/anomalies/:id': {
    request: async (fx) => ({
      params: { id: await fx.once('anomaly', () => seedAnomaly(fx.t.ctx.store, fx.t.users.manager.orgId)) },
    }),
    expect: READ(200),
  },
  'POST /api/v1/costs/anomalies/recompute': { expect: ENGINEER_UP(200) },
  'PATCH /api/v1/costs/anomalies/:id': {
    // Acknowledging again is allowed: every allowed caller may act on the same anomaly.
    request: async (fx) => ({
      params: { id: await fx.once('anomaly', () => seedAnomaly(fx.t.ctx.store, fx.t.users.manager.orgId)) },
      body: { state: 'acknowledged', comment: 'seen' },
    }),
    expect: ENGINEER_UP(200),
  },
  'GET /api/v1/costs/dimensions/:dimension/values': {
    request: () => ({ params: { dimension: 'service' }, query: { from: '2024-01-01', to: '2024-01-31' } }),
    expect: READ(200),
  },
  'GET /api/v1/costs/line-items/export': {
    request: () => ({ query: { from: '2024-01-01', to: '2024-01-02', format: 'csv' } }),
    expect: READ(200),
  },

  // ---- allocation ----
  'GET /api/v1/allocation/dimensions': { expect: READ(200) },
  'POST /api/v1/allocation/dimensions': {
    // A fresh name per caller: the first allowed caller creates it.
    request: (fx) => ({ body: { name: dimensionName(fx), rules: [] } }),
    expect: MANAGER(201),
  },
  'GET /api/v1/allocation/dimensions/:name': {
    request: async (fx) => ({ params: { name: await fx.once('dimension', () => matrixDimension(fx)) } }),
    expect: READ(200),
  },
  'PUT /api/v1/allocation/dimensions/:name': {
    request: async (fx) => ({
      params: { name: await fx.once('dimension', () => matrixDimension(fx)) },
      body: { defaultValue: 'nobody', rules: [] },
    }),
    expect: MANAGER(200),
  },
  'POST /api/v1/allocation/dimensions/:name/apply': {
    request: async (fx) => ({ params: { name: await fx.once('dimension', () => matrixDimension(fx)) } }),
    expect: MANAGER(202),
  },
  'DELETE /api/v1/allocation/dimensions/:name': {
    // A dimension per caller: the one allowed caller removes its own.
    request: async (fx) => ({ params: { name: await matrixDimension(fx) } }),
    expect: MANAGER(204),
  },
  'GET /api/v1/allocation/dimensions/:name/showback': {
    request: async (fx) => ({ params: { name: await fx.once('dimension', () => matrixDimension(fx)) } }),
    expect: READ(200),
  },
  'GET /api/v1/allocation/coverage': {
    request: () => ({ query: { from: '2024-01-01', to: '2024-01-31', keys: 'user:team' } }),
    expect: READ(200),
  },
  'POST /api/v1/allocation/preview': {
    request: () => ({
      body: { definition: { name: 'preview', rules: [] }, from: '2024-01-01', to: '2024-01-31' },
    }),
    expect: READ(200),
  },

  // ---- sync ----
  'POST /api/v1/cloud-accounts/:id/sync': {
    // Only queued (the test server runs no worker): later callers join the same run.
    request: async (fx) => ({ params: { id: await fx.once('account', () => matrixAccount(fx)) } }),
    expect: ENGINEER_UP(202),
  },
  'GET /api/v1/sync-runs/:id': {
    request: async (fx) => ({ params: { id: await fx.once('run', () => matrixRun(fx)) } }),
    expect: READ(200),
  },
  'POST /api/v1/sync-runs/:id/cancel': {
    // The first allowed caller cancels the queued run; cancelling a cancelled run answers it again.
    request: async (fx) => ({ params: { id: await fx.once('run', () => matrixRun(fx)) } }),
    expect: ENGINEER_UP(200),
  },
  'GET /api/v1/cloud-accounts/:id/sync-runs': {
    request: async (fx) => ({ params: { id: await fx.once('account', () => matrixAccount(fx)) } }),
    expect: READ(200),
  },
  'GET /api/v1/cloud-accounts/:id/sync-status': {
    request: async (fx) => ({ params: { id: await fx.once('account', () => matrixAccount(fx)) } }),
    expect: READ(200),
  },
  'GET /api/v1/sync-settings': { expect: READ(200) },
  'PATCH /api/v1/sync-settings': {
    request: () => ({ body: { syncIntervalMinutes: 360 } }),
    expect: MANAGER(200),
  },
  'PATCH /api/v1/cloud-accounts/:id/sync-settings': {
    request: async (fx) => ({
      params: { id: await fx.once('account', () => matrixAccount(fx)) },
      body: { syncIntervalMinutes: null },
    }),
    expect: CREDENTIALS(200),
  },

  // ---- resources and recommendations ----
  'GET /api/v1/resources': { request: () => ({ query: { type: 'ebs_volume' } }), expect: READ(200) },
  'GET /api/v1/resources/metrics': {
    request: async (fx) => ({
      query: {
        resourceId: (await fx.once('rec', () => seedRecommendation(fx.t.ctx.store, fx.t.users.manager.orgId)))
          .resourceId,
      },
    }),
    expect: READ(200),
  },
  'GET /api/v1/resources/detail': {
    request: async (fx) => ({
      query: {
        resourceId: (await fx.once('rec', () => seedRecommendation(fx.t.ctx.store, fx.t.users.manager.orgId)))
          .resourceId,
      },
    }),
    expect: READ(200),
  },
  'GET /api/v1/cloud-accounts/:id/inventory-status': {
    request: async (fx) => ({
      params: {
        id: (await fx.once('rec', () => seedRecommendation(fx.t.ctx.store, fx.t.users.manager.orgId)))
          .cloudAccountId,
      },
    }),
    expect: READ(200),
  },
  'GET /api/v1/recommendations': { request: () => ({ query: { state: 'all' } }), expect: READ(200) },
  'GET /api/v1/recommendations/settings': { expect: READ(200) },
  'GET /api/v1/recommendations/realized': { expect: READ(200) },
  'PATCH /api/v1/recommendations/settings/:rule': {
    request: () => ({ params: { rule: 'old_snapshot' }, body: { minAgeDays: 90 } }),
    expect: MANAGER(200),
  },
  'GET /api/v1/recommendations/:id': {
    request: async (fx) => ({
      params: {
        id: (await fx.once('rec', () => seedRecommendation(fx.t.ctx.store, fx.t.users.manager.orgId)))
          .recommendationId,
      },
    }),
    expect: READ(200),
  },
  'POST /api/v1/recommendations/:id/dismiss': {
    // Dismissing again replaces the reason: every allowed caller may act on the same one.
    request: async (fx) => ({
      params: {
        id: (await fx.once('rec', () => seedRecommendation(fx.t.ctx.store, fx.t.users.manager.orgId)))
          .recommendationId,
      },
      body: { reason: 'kept on purpose' },
    }),
    expect: ENGINEER_UP(200),
  },
  'POST /api/v1/recommendations/:id/snooze': {
    request: async (fx) => ({
      params: {
        id: (await fx.once('rec', () => seedRecommendation(fx.t.ctx.store, fx.t.users.manager.orgId)))
          .recommendationId,
      },
      body: { until: new Date(Date.now() + 7 * 86_400_000).toISOString() },
    }),
    expect: ENGINEER_UP(200),
  },
  'POST /api/v1/recommendations/:id/reopen': {
    request: async (fx) => ({
      params: {
        id: (await fx.once('rec', () => seedRecommendation(fx.t.ctx.store, fx.t.users.manager.orgId)))
          .recommendationId,
      },
    }),
    expect: ENGINEER_UP(200),
  },

  // ---- commitments ----
  'GET /api/v1/commitments': { expect: READ(200) },
  'GET /api/v1/commitments/utilization': { expect: READ(200) },
  'GET /api/v1/commitments/coverage': { expect: READ(200) },
  'GET /api/v1/commitments/expiring': { expect: READ(200) },
  'GET /api/v1/commitments/purchases': { expect: READ(200) },
  // ---- budgets ----
  'GET /api/v1/budgets': { expect: READ(200) },
  'POST /api/v1/budgets': {
    request: (fx) => ({ body: { name: fx.unique('matrix budget'), amount: 100 } }),
    expect: ENGINEER_UP(201),
  },
  'POST /api/v1/budgets/evaluate': { expect: ENGINEER_UP(200) },
  'GET /api/v1/budgets/:id': {
    request: async (fx) => ({ params: { id: await fx.once('budget', () => matrixBudget(fx)) } }),
    expect: READ(200),
  },
  'PATCH /api/v1/budgets/:id': {
    request: async (fx) => ({
      params: { id: await fx.once('budget', () => matrixBudget(fx)) },
      body: { amount: 250 },
    }),
    expect: ENGINEER_UP(200),
  },
  'DELETE /api/v1/budgets/:id': {
    request: async (fx) => ({ params: { id: await matrixBudget(fx) } }),
    expect: ENGINEER_UP(204),
  },

  // ---- saved views ----
  'GET /api/v1/saved-views': { expect: READ(200) },
  'POST /api/v1/saved-views': {
    request: (fx) => ({
      body: { name: fx.unique('matrix view'), query: { range: { relative: 'last_month' } } },
    }),
    expect: MEMBER(201),
  },
  'GET /api/v1/saved-views/:id': {
    request: async (fx) => ({ params: { id: await fx.once('view', () => matrixView(fx)) } }),
    expect: READ(200),
  },
  'GET /api/v1/saved-views/:id/run': {
    request: async (fx) => ({ params: { id: await fx.once('view', () => matrixView(fx)) } }),
    expect: READ(200),
  },
  'PATCH /api/v1/saved-views/:id': {
    // Each caller changes a view of their own: only its owner may.
    request: async (fx) => ({ params: { id: await matrixView(fx, fx.caller) }, body: { pinned: true } }),
    expect: MEMBER(200),
  },
  'DELETE /api/v1/saved-views/:id': {
    request: async (fx) => ({ params: { id: await matrixView(fx, fx.caller) } }),
    expect: MEMBER(204),
  },

  // ---- notifications ----
  'GET /api/v1/notifications/channels': { expect: READ(200) },
  'POST /api/v1/notifications/channels': {
    request: (fx) => ({
      body: { kind: 'slack', name: fx.unique('matrix channel'), url: 'http://127.0.0.1:9/x' },
    }),
    expect: ENGINEER_UP(201),
  },
  'GET /api/v1/notifications/channels/:id': {
    request: async (fx) => ({ params: { id: await fx.once('channel', () => matrixChannel(fx)) } }),
    expect: READ(200),
  },
  'PATCH /api/v1/notifications/channels/:id': {
    request: async (fx) => ({
      params: { id: await fx.once('channel', () => matrixChannel(fx)) },
      body: { url: 'http://127.0.0.1:9/y' },
    }),
    expect: ENGINEER_UP(200),
  },
  'DELETE /api/v1/notifications/channels/:id': {
    request: async (fx) => ({ params: { id: await matrixChannel(fx) } }),
    expect: ENGINEER_UP(204),
  },
  'POST /api/v1/notifications/channels/:id/test': {
    request: async (fx) => ({ params: { id: await fx.once('channel', () => matrixChannel(fx)) } }),
    expect: ENGINEER_UP(200),
  },
  'GET /api/v1/notifications/deliveries': { expect: READ(200) },
  'GET /api/v1/notifications/digests': { expect: READ(200) },
  'POST /api/v1/notifications/digests': {
    // A digest for a whole channel; anyone may opt in for themselves (`forMe`, tested with the digests).
    request: async (fx) => ({ body: { channel: await matrixChannel(fx), frequency: 'weekly' } }),
    expect: ENGINEER_UP(201),
  },
  'DELETE /api/v1/notifications/digests/:id': {
    request: async (fx) => {
      const m = fx.t.users.manager;
      const d = await fx.t.ctx.notifications.digests.create(
        {
          userId: m.userId,
          email: m.email,
          orgId: m.orgId,
          role: 'manager',
          manageCloudCredentials: false,
          via: 'token',
        },
        { channel: await matrixChannel(fx), frequency: 'daily' },
      );
      return { params: { id: d.id } };
    },
    expect: ENGINEER_UP(204),
  },

  // ---- scheduled reports ----
  'GET /api/v1/report-schedules': { expect: READ(200) },
  'POST /api/v1/report-schedules': {
    // To an e-mail channel's recipients; anyone may schedule one to their own address (tested with the reports).
    request: async (fx) => ({
      body: {
        kind: 'saved_view',
        viewId: await fx.once('view', () => matrixView(fx)),
        frequency: 'weekly',
        weekday: 'monday',
        channel: await fx.once('mail channel', () => matrixMailChannel(fx)),
      },
    }),
    expect: ENGINEER_UP(201),
  },
  'GET /api/v1/report-schedules/:id': {
    request: async (fx) => ({ params: { id: await fx.once('report', () => matrixReport(fx)) } }),
    expect: READ(200),
  },
  'PATCH /api/v1/report-schedules/:id': {
    request: async (fx) => ({
      params: { id: await fx.once('report', () => matrixReport(fx)) },
      body: { frequency: 'monthly', dayOfMonth: 2 },
    }),
    expect: ENGINEER_UP(200),
  },
  'DELETE /api/v1/report-schedules/:id': {
    request: async (fx) => ({ params: { id: await matrixReport(fx) } }),
    expect: ENGINEER_UP(204),
  },
  'POST /api/v1/report-schedules/:id/send': {
    // The mail server is a closed local port: the answer says it was not sent.
    request: async (fx) => ({ params: { id: await fx.once('report', () => matrixReport(fx)) } }),
    expect: ENGINEER_UP(200),
  },

  'GET /api/v1/alert-rules': { expect: READ(200) },
  'POST /api/v1/alert-rules': {
    request: async (fx) => ({
      body: {
        name: fx.unique('matrix rule'),
        eventType: 'billing_stale',
        channelIds: [await fx.once('channel', () => matrixChannel(fx))],
      },
    }),
    expect: ENGINEER_UP(201),
  },
  'GET /api/v1/alert-rules/:id': {
    request: async (fx) => ({ params: { id: await fx.once('rule', () => matrixRule(fx)) } }),
    expect: READ(200),
  },
  'PATCH /api/v1/alert-rules/:id': {
    request: async (fx) => ({
      params: { id: await fx.once('rule', () => matrixRule(fx)) },
      body: { enabled: false },
    }),
    expect: ENGINEER_UP(200),
  },
  'DELETE /api/v1/alert-rules/:id': {
    request: async (fx) => ({ params: { id: await matrixRule(fx) } }),
    expect: ENGINEER_UP(204),
  },

  // ---- cloud accounts and AWS setup ----
  'GET /api/v1/cloud-accounts': { expect: READ(200) },
  'POST /api/v1/cloud-accounts': {
    // A linked account for billing only: validated without AWS calls, so the answer depends on the caller alone.
    request: () => ({
      body: {
        name: 'matrix',
        provider: 'aws',
        type: 'linked',
        awsAccountId: String(600_000_000_000 + (Date.now() % 1_000_000) * 1000 + ++awsAccountSeq),
        payerAccountId: '123456789012',
      },
    }),
    expect: CREDENTIALS(201),
  },
  'GET /api/v1/cloud-accounts/:id': {
    request: async (fx) => ({ params: { id: await fx.once('account', () => connectedAccount(fx)) } }),
    expect: READ(200),
  },
  'PATCH /api/v1/cloud-accounts/:id': {
    request: async (fx) => ({
      params: { id: await fx.once('account', () => connectedAccount(fx)) },
      body: { name: 'renamed by the matrix' },
    }),
    expect: CREDENTIALS(200),
  },
  'DELETE /api/v1/cloud-accounts/:id': {
    request: async (fx) => ({ params: { id: await connectedAccount(fx) }, query: { confirm: 'true' } }),
    expect: CREDENTIALS(200),
  },
  'POST /api/v1/cloud-accounts/:id/validate': {
    request: async (fx) => ({ params: { id: await fx.once('account', () => connectedAccount(fx)) } }),
    expect: ENGINEER_UP(200),
  },
  'GET /api/v1/cloud-accounts/:id/members': {
    request: async (fx) => ({ params: { id: await fx.once('account', () => connectedAccount(fx)) } }),
    expect: READ(200),
  },
  'GET /api/v1/setup/aws': { expect: READ(200) },
  'POST /api/v1/setup/aws/external-id/rotate': { expect: MANAGER(200) },
  'GET /api/v1/setup/azure': { expect: READ(200) },

  // ---- cloud accounts, setup, sync, costs, resources, recommendations: add your rows here ----
};

function statusList(s: Status): readonly number[] {
  return typeof s === 'number' ? [s] : s;
}

function routeKey(r: { method: string; path: string }): string {
  return `${r.method} ${r.path}`;
}

type SchemaLike = { safeParse(v: unknown): { success: boolean; error?: unknown } };

function declaredSchema(key: string, status: number): { declared: boolean; schema?: SchemaLike } {
  const route = routeRegistry.find((r) => routeKey(r) === key);
  const responses = (route?.responses ?? {}) as Record<
    string,
    { content?: Record<string, { schema?: unknown }> } | undefined
  >;
  if (Object.keys(responses).length === 0) return { declared: true };
  const response = responses[String(status)];
  const schema = response?.content?.['application/json']?.schema as SchemaLike | undefined;
  return {
    declared: response !== undefined,
    schema: typeof schema?.safeParse === 'function' ? schema : undefined,
  };
}

describe('permission matrix', () => {
  let t: TestServer;
  let credentialsEngineer: TestUser;
  let revokedToken: string;
  let expiredSession: Session;
  const shared = new Map<string, Promise<unknown>>();
  let counter = 0;

  beforeAll(async () => {
    t = await startTestServer();
    credentialsEngineer = await addUser(t, {
      role: 'engineer',
      manageCloudCredentials: true,
      prefix: 'cred-engineer',
    });
    const created = await t.ctx.auth.createToken(t.users.manager, 'revoked');
    const revoke = await t.request(`/api/v1/tokens/${created.id}`, {
      method: 'DELETE',
      token: t.users.manager.token,
    });
    expect(revoke.status).toBe(204);
    revokedToken = created.token;
    expiredSession = await signIn(t, t.users.manager);
    await expireSession(t, expiredSession);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('has exactly one row per registered route', () => {
    const registered = routeRegistry.map(routeKey).sort();
    expect(registered.length).toBeGreaterThan(0);
    const missing = registered.filter((k) => !(k in MATRIX));
    const stale = Object.keys(MATRIX).filter((k) => !registered.includes(k));
    expect(missing, 'routes without a row in MATRIX (add them)').toEqual([]);
    expect(stale, 'rows in MATRIX for routes that do not exist').toEqual([]);
  });

  it('expects each route to refuse at least whom its declared access rule refuses', () => {
    // A row may refuse more callers than the rule (a service can add its own checks), never fewer.
    const lax: string[] = [];
    for (const route of routeRegistry) {
      const row = MATRIX[routeKey(route)];
      if (!row) continue;
      const preset = PRESET_OF[route.access](200);
      for (const column of CALLERS) {
        const refused = statusList(preset[column])[0];
        if (refused !== 401 && refused !== 403) continue;
        const expected = statusList(row.expect[column]);
        if (expected.length !== 1 || expected[0] !== refused)
          lax.push(
            `${routeKey(route)} (${route.access}) ${column}: the row says ${expected.join('|')}, the rule ${refused}`,
          );
      }
    }
    expect(lax).toEqual([]);
  });

  function authFor(caller: Caller): { token?: string; headers: Record<string, string> } {
    switch (caller) {
      case 'anonymous':
        return { headers: {} };
      case 'revokedToken':
        return { token: revokedToken, headers: {} };
      case 'expiredSession':
        return { headers: expiredSession.headers };
      case 'credentialsEngineer':
        return { token: credentialsEngineer.token, headers: {} };
      default:
        return { token: t.users[caller].token, headers: {} };
    }
  }

  it('lets no member of Org B pull a member of Org A through any path that touches memberships', async () => {
    // Org B's people of every role, signed in with a session (switching organization needs one).
    const orgB = {
      viewer: await addUser(t, { role: 'viewer', org: 'Org B', prefix: 'b-viewer' }),
      engineer: await addUser(t, { role: 'engineer', org: 'Org B', prefix: 'b-engineer' }),
      manager: t.users.otherManager,
    };
    const victim = t.users.viewer;
    const other = t.users.engineer;
    type Path = { method: string; path: string; body?: unknown; session?: boolean };
    const paths: { path: Path; expect: Record<keyof typeof orgB, number> }[] = [
      {
        path: { method: 'POST', path: '/api/v1/organizations', body: { name: 'Pulled In' } },
        expect: { viewer: 403, engineer: 403, manager: 403 },
      },
      {
        // Adding a member at once is the instance administrator's; Org B's manager invites instead.
        path: {
          method: 'POST',
          path: '/api/v1/members',
          body: { email: victim.email, role: 'manager' },
        },
        expect: { viewer: 403, engineer: 403, manager: 403 },
      },
      {
        path: { method: 'PATCH', path: `/api/v1/members/${other.userId}`, body: { role: 'viewer' } },
        expect: { viewer: 403, engineer: 403, manager: 404 },
      },
      {
        path: { method: 'DELETE', path: `/api/v1/members/${other.userId}` },
        expect: { viewer: 403, engineer: 403, manager: 404 },
      },
      {
        path: {
          method: 'POST',
          path: '/api/v1/auth/switch-organization',
          body: { organizationId: victim.orgId },
          session: true,
        },
        expect: { viewer: 404, engineer: 404, manager: 404 },
      },
    ];
    const failures: string[] = [];
    for (const [role, user] of Object.entries(orgB) as [keyof typeof orgB, TestUser][]) {
      const session = await signIn(t, user);
      for (const { path, expect: wanted } of paths) {
        const res = await t.request(path.path, {
          method: path.method,
          body: path.body,
          ...(path.session ? { headers: session.headers } : { token: user.token }),
        });
        if (res.status !== wanted[role])
          failures.push(`${role} ${path.method} ${path.path}: ${res.status} ${await res.text()}`);
      }
    }
    expect(failures).toEqual([]);

    // Org A's people are where they were: the victim belongs to Org A alone, lands there, and cannot switch to B.
    const victimSession = await signIn(t, victim);
    const me = (await (await t.request('/api/v1/auth/me', { headers: victimSession.headers })).json()) as {
      organization: { id: string };
      organizations: { id: string }[];
    };
    expect(me.organization.id).toBe(victim.orgId);
    expect(me.organizations.map((o) => o.id)).toEqual([victim.orgId]);
    const intoB = await t.request('/api/v1/auth/switch-organization', {
      method: 'POST',
      headers: victimSession.headers,
      body: { organizationId: orgB.manager.orgId },
    });
    expect(intoB.status).toBe(404);
    const rows = await t.ctx.store.query<{ org_id: string; role: string; accepted: boolean }>(
      'SELECT org_id, role, accepted_at IS NOT NULL AS accepted FROM memberships WHERE user_id = $1 ORDER BY accepted DESC',
      [other.userId],
    );
    expect(rows).toEqual([{ org_id: other.orgId, role: 'engineer', accepted: true }]);
  });

  it('refuses a read-only token on every write route, and lets it read', async () => {
    // Writes are declared per route, not read from the method: the allocation preview is a POST that writes nothing.
    const writesOf = (method: string, path: string) =>
      routeRegistry.find((r) => r.method === method && r.path === path)?.writes;
    expect(writesOf('POST', '/api/v1/allocation/preview')).toBe(false);
    expect(writesOf('POST', '/api/v1/allocation/dimensions')).toBe(true);
    expect(writesOf('GET', '/api/v1/tokens')).toBe(false);
    const readOnly = await t.ctx.auth.createToken(t.users.manager, 'matrix read-only', undefined, true);
    const failures: string[] = [];
    for (const route of routeRegistry) {
      if (route.access === 'public' || !route.path.startsWith('/api/')) continue;
      const path = route.path.replace(/:(\w+)/g, 'x');
      const res = await t.request(path, {
        method: route.method,
        token: readOnly.token,
        body: route.method === 'GET' ? undefined : {},
      });
      const text = await res.text();
      if (!route.writes) {
        if (res.status === 401 || res.status === 403)
          failures.push(`${routeKey(route)}: read refused ${res.status}`);
      } else if (res.status !== 403 || !text.includes('read-only'))
        failures.push(`${routeKey(route)}: ${res.status} ${text.slice(0, 120)}`);
    }
    expect(failures).toEqual([]);
  });

  it.each(Object.keys(MATRIX))('%s answers each caller as the matrix says', async (key) => {
    const row = MATRIX[key];
    const [method, pathPattern] = key.split(' ');
    const failures: string[] = [];
    for (const column of CALLERS) {
      const caller =
        column === 'credentialsEngineer'
          ? credentialsEngineer
          : column === 'viewer' || column === 'engineer' || column === 'manager'
            ? t.users[column]
            : t.users.manager;
      const fx: Fixture = {
        t,
        caller,
        column,
        once: <T>(k: string, create: () => Promise<T>) => {
          const id = `${key}|${k}`;
          if (!shared.has(id)) shared.set(id, create());
          return shared.get(id) as Promise<T>;
        },
        unique: (prefix) => `${prefix} ${++counter} ${Date.now()}`.replace(/\s+/g, '-'),
      };
      const req = (await row.request?.(fx)) ?? {};
      let path = pathPattern.replace(/:(\w+)/g, (_m, name: string) => {
        const value = req.params?.[name];
        if (value === undefined) throw new Error(`${key}: request() gave no value for :${name}`);
        return encodeURIComponent(value);
      });
      if (req.query) path += `?${new URLSearchParams(req.query).toString()}`;
      const auth = authFor(column);
      const res = await t.request(path, { method, token: auth.token, headers: auth.headers, body: req.body });
      const text = await res.text();
      const wanted = statusList(row.expect[column]);
      if (!wanted.includes(res.status)) {
        failures.push(`${column}: expected ${wanted.join(' or ')}, got ${res.status} ${text.slice(0, 200)}`);
        continue;
      }
      if (res.status >= 200 && res.status < 300) {
        const { declared, schema } = declaredSchema(key, res.status);
        if (!declared) failures.push(`${column}: ${res.status} is not among the route's declared responses`);
        if (schema) {
          const parsed = schema.safeParse(JSON.parse(text));
          if (!parsed.success)
            failures.push(
              `${column}: the answer does not match the declared schema: ${String(parsed.error)}`,
            );
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
