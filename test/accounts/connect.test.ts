import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../helpers/stores.js';
import {
  ANALYTICS,
  DEV,
  EXPORT,
  KEYS,
  PAYER,
  PROD,
  SECRETS,
  startAccountsWorld,
  stepsOf,
  type AccountsWorld,
} from './fixture.js';

type Account = Record<string, unknown> & {
  id: string;
  name: string;
  status: { state: string; diagnostics: unknown[] };
  members?: { awsAccountId: string; name: string; connected: boolean; cloudAccountId: string | null }[];
  notImported?: {
    accounts: number;
    cost: number | null;
    currency: string | null;
    billingPeriod: string;
  } | null;
};

describe.each(ENGINES)('connecting AWS accounts (%s)', (engine) => {
  let w: AccountsWorld;
  let payerId = '';

  beforeAll(async () => {
    w = await startAccountsWorld(engine);
  });
  afterAll(async () => {
    await w?.close();
  });

  const post = (body: Record<string, unknown>, token?: string) =>
    w.api('/api/v1/cloud-accounts', { method: 'POST', body: { provider: 'aws', ...body }, token });
  const runsOf = (id: string) =>
    w.t.ctx.store.query<{ trigger: string; options: string | null }>(
      'SELECT trigger, options FROM sync_runs WHERE cloud_account_id = $1',
      [id],
    );

  it('connects an assumed role: every step passes, no key is stored, the members are listed, the first sync is queued', async () => {
    const res = await post({
      name: 'Payer',
      type: 'assumed_role',
      awsAccountId: PAYER,
      roleName: 'CloudtallyReadOnly',
      ...EXPORT,
      edp: true,
    });
    expect(res.status).toBe(201);
    const a = res.body as Account;
    payerId = a.id;
    const steps = stepsOf(a);
    expect(Object.fromEntries(Object.entries(steps).map(([k, s]) => [k, `${s.state}:${s.code}`]))).toEqual({
      credentials: 'pass:role_assumed',
      identity: 'pass:account_matches',
      bucket: 'pass:bucket_readable',
      export: 'pass:export_found',
      discovery: 'pass:discovery_allowed',
      organizations: 'pass:members_listed',
      cost_explorer: 'skipped:not_cost_explorer',
    });
    expect(steps.export.details).toMatchObject({
      exportType: 'cur2',
      newestPeriod: expect.stringMatching(/^\d{4}-\d{2}$/),
    });
    expect(Date.parse(String(steps.export.details?.lastWrittenAt))).not.toBeNaN();
    expect(a).toMatchObject({
      type: 'assumed_role',
      awsAccountId: PAYER,
      roleArn: `arn:aws:iam::${PAYER}:role/CloudtallyReadOnly`,
      accessKeyId: null,
      edp: true,
      memberImport: 'connected-only',
      status: { state: 'pending', lastSyncAt: null },
    });
    expect(a.members?.map((m) => [m.awsAccountId, m.name, m.connected])).toEqual([
      [PROD, 'prod', false],
      [DEV, 'dev', false],
      [ANALYTICS, 'analytics', false],
    ]);
    const secrets = await w.t.ctx.store.query('SELECT id FROM secrets WHERE owner_id = $1', [a.id]);
    expect(secrets).toHaveLength(0);
    expect((await runsOf(a.id)).map((r) => r.trigger)).toEqual(['connected']);

    const list = await w.api('/api/v1/cloud-accounts');
    const items = (list.body.items as Account[]).filter((i) => i.id === a.id);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      id: a.id,
      name: 'Payer',
      type: 'assumed_role',
      awsAccountId: PAYER,
      status: { state: 'pending', nextSyncAt: null },
    });
  });

  it('refuses the same AWS account twice in one organization, naming the existing connection', async () => {
    const res = await post({ name: 'Again', type: 'root', awsAccountId: PAYER, ...KEYS.payer, ...EXPORT });
    expect(res.status).toBe(409);
    expect(res.body.error?.message).toContain(`AWS account ${PAYER} is already connected`);
    expect(res.body.error?.message).toContain('"Payer"');
  });

  it('connects a member in one step from the payer: named as AWS lists it, attached, and the payer re-imports for it', async () => {
    const res = await post({
      type: 'linked',
      payerAccountId: payerId,
      awsAccountId: PROD,
      roleName: 'CloudtallyReadOnly',
    });
    expect(res.status).toBe(201);
    const m = res.body as Account;
    expect(m).toMatchObject({
      name: 'prod',
      type: 'linked',
      awsAccountId: PROD,
      parentId: payerId,
      payerAccountId: PAYER,
    });
    const steps = stepsOf(m);
    expect(steps.credentials.state).toBe('pass');
    expect(steps.discovery.state).toBe('pass');
    expect(steps.bucket).toMatchObject({ state: 'skipped', code: 'no_export' });
    expect(steps.organizations).toMatchObject({ state: 'skipped', code: 'not_payer' });

    const payer = (await w.api(`/api/v1/cloud-accounts/${payerId}`)).body as Account;
    expect(payer.members?.find((x) => x.awsAccountId === PROD)).toMatchObject({
      connected: true,
      cloudAccountId: m.id,
    });
    expect(payer.members?.find((x) => x.awsAccountId === DEV)?.connected).toBe(false);
    const payerRuns = await runsOf(payerId);
    expect(payerRuns.some((r) => (r.options ?? '').includes(PROD))).toBe(true);
  });

  it('connects a linked account by keys alone: AWS tells its account ID, and the payer that lists it is found', async () => {
    const res = await post({ name: 'Dev', type: 'linked', ...KEYS.dev });
    expect(res.status).toBe(201);
    const d = res.body as Account;
    expect(d).toMatchObject({ awsAccountId: DEV, parentId: payerId, accessKeyId: 'AKIA…0001' });
    expect(stepsOf(d).identity).toMatchObject({ state: 'pass', details: { awsAccountId: DEV } });
    expect(JSON.stringify(d)).not.toContain(KEYS.dev.accessKeyId);
  });

  it('connects a Cost Explorer source', async () => {
    const res = await post({
      name: 'Analytics CE',
      type: 'cost_explorer',
      roleArn: `arn:aws:iam::${ANALYTICS}:role/CostExplorer`,
    });
    expect(res.status).toBe(201);
    const steps = stepsOf(res.body);
    expect(steps.cost_explorer).toMatchObject({ state: 'pass', code: 'ce_allowed' });
    expect(steps.bucket.state).toBe('skipped');
    expect(steps.organizations).toMatchObject({ state: 'skipped', code: 'not_management_account' });
    expect(res.body).toMatchObject({
      awsAccountId: ANALYTICS,
      type: 'cost_explorer',
      status: { state: 'pending' },
    });
  });

  it("connects a payer by keys in another organization; the secret goes to the vault, and neither organization sees the other's accounts", async () => {
    const b = w.t.users.otherManager.token;
    const res = await post(
      {
        name: 'B payer',
        type: 'root',
        awsAccountId: PAYER,
        ...KEYS.payer,
        ...EXPORT,
        prefix: 'cur2/',
        memberImport: 'all',
      },
      b,
    );
    expect(res.status).toBe(201);
    const root = res.body as Account;
    expect(stepsOf(root).credentials).toMatchObject({ state: 'pass', code: 'keys_valid' });
    expect(stepsOf(root).export.code).toBe('export_found');
    expect(root).toMatchObject({ prefix: 'cur2', memberImport: 'all', accessKeyId: 'AKIA…0001' });
    expect(root.members).toHaveLength(3);
    const [secret] = await w.t.ctx.store.query<{ ciphertext: string }>(
      'SELECT ciphertext FROM secrets WHERE owner_id = $1',
      [root.id],
    );
    expect(secret.ciphertext).not.toContain(KEYS.payer.secretAccessKey);

    const listA = (await w.api('/api/v1/cloud-accounts')).body.items as Account[];
    const listB = (await w.api('/api/v1/cloud-accounts', { token: b })).body.items as Account[];
    expect(listA.map((x) => x.id)).not.toContain(root.id);
    expect(listB.map((x) => x.id)).toEqual([root.id]);
    expect((await w.api(`/api/v1/cloud-accounts/${payerId}`, { token: b })).status).toBe(404);
    expect((await w.api(`/api/v1/cloud-accounts/${root.id}`)).status).toBe(404);
    expect((await w.api(`/api/v1/cloud-accounts/${root.id}?confirm=true`, { method: 'DELETE' })).status).toBe(
      404,
    );
  });

  it('lets neither a viewer nor an engineer connect an account (403, nothing stored)', async () => {
    const before = await w.t.ctx.store.query('SELECT id FROM cloud_accounts');
    for (const user of [w.t.users.viewer, w.t.users.engineer]) {
      const res = await post({ name: 'Sneaky', type: 'linked', ...KEYS.dev }, user.token);
      expect(res.status).toBe(403);
      expect(res.body.error?.message).toMatch(/Manage Cloud Credentials/);
    }
    expect(await w.t.ctx.store.query('SELECT id FROM cloud_accounts')).toHaveLength(before.length);
  });

  it("shows the payer's not-imported member accounts of the latest period", async () => {
    const notImported = {
      accounts: [
        { id: ANALYTICS, rows: 40, billed: 12.5, currency: 'USD' },
        { id: '666666666666', rows: 2, billed: 0.25, currency: 'USD' },
      ],
      rows: 42,
      billed: 12.75,
      byCurrency: { USD: 12.75 },
    };
    for (const [period, ni] of [
      ['2020-01-01', { accounts: [{ id: DEV, rows: 1, billed: 99, currency: 'USD' }] }],
      ['2020-02-01', notImported],
    ] as const) {
      await w.t.ctx.store.execute(
        `INSERT INTO billing_periods (org_id, cloud_account_id, export_key, billing_period, not_imported, state) VALUES ($1, $2, 'cur2:acct-cur2', $3, $4, 'loaded')`,
        [w.t.users.manager.orgId, payerId, period, JSON.stringify(ni)],
      );
    }
    const payer = (await w.api(`/api/v1/cloud-accounts/${payerId}`)).body as Account;
    // ANALYTICS was connected (as a Cost Explorer source) after the period was loaded: it is no longer counted
    // as left out, and the notice counts exactly the accounts it lists.
    expect(payer.notImported).toMatchObject({
      billingPeriod: '2020-02-01',
      accounts: 1,
      cost: 0.25,
      currency: 'USD',
      list: [{ awsAccountId: '666666666666', name: null, cost: 0.25 }],
      importPending: 1,
    });
  });

  it('edits with re-validation: a wrong prefix fails the export step, the right one (with a trailing slash) passes again', async () => {
    const wrong = await w.api(`/api/v1/cloud-accounts/${payerId}`, {
      method: 'PATCH',
      body: { prefix: 'nowhere' },
    });
    expect(wrong.status).toBe(200);
    expect(stepsOf(wrong.body).export).toMatchObject({ state: 'fail', code: 'export_not_found' });
    expect(wrong.body).toMatchObject({ prefix: 'nowhere', status: { state: 'failed' } });
    const right = await w.api(`/api/v1/cloud-accounts/${payerId}`, {
      method: 'PATCH',
      body: { prefix: 'cur2/' },
    });
    expect(stepsOf(right.body).export.code).toBe('export_found');
    expect(right.body).toMatchObject({ prefix: 'cur2', status: { state: 'pending', diagnostics: [] } });
  });

  it('refuses an edit whose new credentials do not work, and keeps the old ones', async () => {
    const dev = ((await w.api('/api/v1/cloud-accounts')).body.items as Account[]).find(
      (a) => a.awsAccountId === DEV,
    );
    if (!dev) throw new Error('dev is not connected');
    const res = await w.api(`/api/v1/cloud-accounts/${dev.id}`, {
      method: 'PATCH',
      body: { accessKeyId: KEYS.dev.accessKeyId, secretAccessKey: 'wrongSecret0000000000000000000000000000' },
    });
    expect(res.status).toBe(422);
    expect(res.body.error?.code).toBe('invalid_secret_key');
    const again = await w.api(`/api/v1/cloud-accounts/${dev.id}/validate`, { method: 'POST' });
    expect((again.body.validation as { ok: boolean }).ok).toBe(true);
  });

  it('disables and enables an account, each in the audit log', async () => {
    const off = await w.api(`/api/v1/cloud-accounts/${payerId}`, {
      method: 'PATCH',
      body: { enabled: false },
    });
    expect(off.body).toMatchObject({ enabled: false, status: { state: 'disabled', nextSyncAt: null } });
    const on = await w.api(`/api/v1/cloud-accounts/${payerId}`, { method: 'PATCH', body: { enabled: true } });
    expect(on.body).toMatchObject({ enabled: true, status: { state: 'pending' } });
    const audit = await w.t.ctx.store.query<{ action: string }>(
      'SELECT action FROM audit_log WHERE object_id = $1 ORDER BY created_at, id',
      [payerId],
    );
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'cloud_account.create',
        'cloud_account.update',
        'cloud_account.disable',
        'cloud_account.enable',
      ]),
    );
  });

  it('removes an account only when confirmed, with every row of its data and its secret, in one go', async () => {
    const dev = ((await w.api('/api/v1/cloud-accounts')).body.items as Account[]).find(
      (a) => a.awsAccountId === DEV,
    );
    if (!dev) throw new Error('dev is not connected');
    const org = w.t.users.manager.orgId;
    const now = new Date();
    const seed: [string, string, unknown[]][] = [
      [
        'cost_line_items',
        'INSERT INTO cost_line_items (org_id, cloud_account_id, billing_period) VALUES ($1, $2, $3)',
        ['2020-01-01'],
      ],
      [
        'cost_daily',
        'INSERT INTO cost_daily (org_id, cloud_account_id, billing_period, usage_date) VALUES ($1, $2, $3, $3)',
        ['2020-01-01'],
      ],
      [
        'billing_periods',
        "INSERT INTO billing_periods (org_id, cloud_account_id, export_key, billing_period, state) VALUES ($1, $2, 'k', $3, 'loaded')",
        ['2020-01-01'],
      ],
      [
        'resources',
        "INSERT INTO resources (org_id, cloud_account_id, aws_account_id, region, resource_type, resource_id, first_seen_at, last_seen_at) VALUES ($1, $2, '333333333333', 'us-east-1', 'ec2:instance', 'i-1', $3, $3)",
        [now],
      ],
      [
        'resource_metrics',
        "INSERT INTO resource_metrics (org_id, cloud_account_id, resource_id, metric, ts, value) VALUES ($1, $2, 'i-1', 'cpu', $3, 1)",
        [now],
      ],
      [
        'recommendations',
        "INSERT INTO recommendations (id, org_id, cloud_account_id, aws_account_id, rule, resource_id, title, reason, action, monthly_savings, savings_basis, created_at, updated_at) VALUES ('rec_rm', $1, $2, '333333333333', 'idle', 'i-1', 't', 'r', 'a', 1, 'bill', $3, $3)",
        [now],
      ],
      [
        'sync_runs',
        "INSERT INTO sync_runs (id, org_id, cloud_account_id, trigger, state, queued_at) VALUES ('run_rm', $1, $2, 'manual', 'succeeded', $3)",
        [now],
      ],
    ];
    for (const [, sql, extra] of seed) await w.t.ctx.store.execute(sql, [org, dev.id, ...(extra as never[])]);
    await w.t.ctx.store.execute(
      "INSERT INTO recommendation_states (org_id, recommendation_id, state, updated_at) VALUES ($1, 'rec_rm', 'dismissed', $2)",
      [org, now],
    );
    const count = async (table: string, column = 'cloud_account_id') =>
      Number(
        (
          await w.t.ctx.store.query<{ n: number }>(
            `SELECT count(*) AS n FROM ${table} WHERE ${column} = $1`,
            [dev.id],
          )
        )[0].n,
      );
    expect(await count('secrets', 'owner_id')).toBe(1);

    const unconfirmed = await w.api(`/api/v1/cloud-accounts/${dev.id}`, { method: 'DELETE' });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.body.error).toMatchObject({ field: 'confirm' });
    expect(unconfirmed.body.error?.message).toMatch(/confirm=true/);
    expect(await count('cost_line_items')).toBe(1);

    const viewer = await w.api(`/api/v1/cloud-accounts/${dev.id}?confirm=true`, {
      method: 'DELETE',
      token: w.t.users.viewer.token,
    });
    expect(viewer.status).toBe(403);

    const done = await w.api(`/api/v1/cloud-accounts/${dev.id}?confirm=true`, { method: 'DELETE' });
    expect(done.status).toBe(200);
    for (const [table] of seed) expect(await count(table), table).toBe(0);
    expect(await count('secrets', 'owner_id')).toBe(0);
    expect(
      Number(
        (
          await w.t.ctx.store.query<{ n: number }>(
            "SELECT count(*) AS n FROM recommendation_states WHERE recommendation_id = 'rec_rm'",
          )
        )[0].n,
      ),
    ).toBe(0);
    expect((await w.api(`/api/v1/cloud-accounts/${dev.id}`)).status).toBe(404);
    const [entry] = await w.t.ctx.store.query<{ actor: string; details: string }>(
      "SELECT actor, details FROM audit_log WHERE object_id = $1 AND action = 'cloud_account.remove'",
      [dev.id],
    );
    expect(entry.actor).toContain(w.t.users.manager.email);
    expect(JSON.parse(entry.details)).toMatchObject({
      name: 'Dev',
      removed: { cloud_accounts: 1 },
    });
    // The payer lists the member again as not connected.
    const payer = (await w.api(`/api/v1/cloud-accounts/${payerId}`)).body as Account;
    expect(payer.members?.find((m) => m.awsAccountId === DEV)).toMatchObject({
      connected: false,
      cloudAccountId: null,
    });
  });

  it('never puts a secret key into a response or a log line', () => {
    const everything = [...w.bodies, w.t.logs()].join('\n');
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
    expect(everything).not.toMatch(/"secretAccessKey":"[^"[]/);
  });
});
