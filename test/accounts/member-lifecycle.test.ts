import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../helpers/stores.js';
import { DEV, EXPORT, PAYER, PROD, startAccountsWorld, stepsOf, type AccountsWorld } from './fixture.js';

/**
 * One member account (PROD) walked through every state of src/accounts/README.md's table against the simulator:
 * discovered → connected for billing only → connected with credentials → disabled → removed → connected again
 * as "Assumed role" (the type the connect wizard recommends). After each step the sync engine is left to finish
 * what the step queued, and the cost totals per account and day are checked against the simulator's truth.
 */

interface Member {
  awsAccountId: string;
  connected: boolean;
  cloudAccountId: string | null;
  costs: string;
}
interface Account {
  id: string;
  type: string;
  parentId: string | null;
  status: { state: string; diagnostics: { code: string; message: string }[] };
  members?: Member[];
  notImported?: {
    accounts: number;
    list: { awsAccountId: string; cost: number | null }[];
    importPending: number;
  } | null;
}

describe.each(ENGINES)('a member account through its whole lifecycle (%s)', (engine) => {
  let w: AccountsWorld;
  let payerId = '';
  let memberId = '';

  beforeAll(async () => {
    w = await startAccountsWorld(engine);
    await w.t.ctx.sync.start({ worker: true, scheduler: false });
  }, 60_000);
  afterAll(async () => {
    await w?.close();
  });

  const truth = () => w.sim.truth.exports['acct-cur2'];

  /** Resolves once no run is queued or running: what the last step queued has finished. */
  async function settled(): Promise<void> {
    const busy = async () => {
      const [row] = await w.t.ctx.store.query<{ n: number | bigint }>(
        `SELECT COUNT(*) AS n FROM sync_runs WHERE state IN ('queued', 'running')`,
      );
      return Number(row.n);
    };
    await expect.poll(busy, { timeout: 50_000 }).toBe(0);
  }

  const runs = (accountId: string) =>
    w.t.ctx.store.query<{ trigger: string; state: string }>(
      'SELECT trigger, state FROM sync_runs WHERE cloud_account_id = $1 ORDER BY queued_at',
      [accountId],
    );

  async function account(id: string): Promise<Account> {
    const res = await w.api(`/api/v1/cloud-accounts/${id}`);
    expect(res.status).toBe(200);
    return res.body as unknown as Account;
  }

  /** Cents per `account|day` in the API's totals and in the simulator's truth for `accounts`. */
  async function totalsAgainstTruth(accounts: string[]): Promise<{ api: number; truth: number }> {
    const t = truth();
    const days = t.daily.map((r) => r.day).sort();
    const q = `from=${days[0]}&to=${days[days.length - 1]}&granularity=day&groupBy=account&limit=100`;
    const res = await w.api(`/api/v1/costs?${q}`);
    expect(res.status).toBe(200);
    const body = res.body as unknown as {
      total: number;
      groups: { key: { account: string | null }; series: { period: string; cost: number }[] }[];
    };
    const got = new Map<string, number>();
    for (const g of body.groups)
      for (const p of g.series) if (p.cost !== 0) got.set(`${g.key.account}|${p.period}`, p.cost);
    const want = new Map<string, { cost: number; lines: number }>();
    for (const r of t.daily) {
      if (!accounts.includes(r.accountId)) continue;
      const k = `${r.accountId}|${r.day}`;
      const prev = want.get(k) ?? { cost: 0, lines: 0 };
      want.set(k, { cost: prev.cost + r.billed, lines: prev.lines + 1 });
    }
    // The truth is kept per account, service and day, each rounded to the cent: a day's sum may differ from
    // the exact figure by half a cent per service.
    const off: string[] = [];
    for (const k of new Set([...got.keys(), ...want.keys()])) {
      const a = got.get(k) ?? 0;
      const b = want.get(k);
      if (Math.abs(a - (b?.cost ?? 0)) > 0.005 * (b?.lines ?? 0) + 1e-9)
        off.push(`${k}: ${a} vs ${b?.cost ?? 0}`);
    }
    expect(off).toEqual([]);
    const truthTotal = [...want.values()].reduce((s, v) => s + v.cost, 0);
    return { api: body.total, truth: truthTotal };
  }

  const billed = (id: string) => truth().memberAccounts.includes(id);
  const member = (payer: Account, id: string) => payer.members?.find((m) => m.awsAccountId === id);

  /** The payer's notice counts exactly the accounts it lists, and lists every discovered member left out. */
  function noticeAgrees(payer: Account): void {
    const ni = payer.notImported;
    expect(ni).toBeTruthy();
    expect(ni?.accounts).toBe(ni?.list.length);
    const leftOut = (payer.members ?? [])
      .filter((m) => m.costs === 'not_imported')
      .map((m) => m.awsAccountId);
    expect(ni?.list.map((a) => a.awsAccountId)).toEqual(expect.arrayContaining(leftOut));
    for (const m of payer.members ?? []) {
      if (m.connected) expect(ni?.list.map((a) => a.awsAccountId)).not.toContain(m.awsAccountId);
    }
  }

  it('discovered: the payer imports only itself; the member is listed, left out and counted', async () => {
    expect(billed(PROD)).toBe(true);
    const res = await w.api('/api/v1/cloud-accounts', {
      method: 'POST',
      body: {
        provider: 'aws',
        name: 'Payer',
        type: 'assumed_role',
        awsAccountId: PAYER,
        roleName: 'CloudtallyReadOnly',
        ...EXPORT,
      },
    });
    expect(res.status).toBe(201);
    payerId = (res.body as unknown as Account).id;
    await settled();
    const payer = await account(payerId);
    expect(payer.status.state).toBe('healthy');
    expect(member(payer, PROD)).toMatchObject({ connected: false, costs: 'not_imported' });
    noticeAgrees(payer);
    expect(payer.notImported?.list.map((a) => a.awsAccountId)).toContain(PROD);
    await totalsAgainstTruth([PAYER]);
  });

  it("connected for billing only: the payer's re-import is queued by itself and adds the member's history", async () => {
    const res = await w.api('/api/v1/cloud-accounts', {
      method: 'POST',
      body: { provider: 'aws', name: 'prod', type: 'linked', awsAccountId: PROD, payerAccountId: PAYER },
    });
    expect(res.status).toBe(201);
    memberId = (res.body as unknown as Account).id;
    expect((await runs(payerId)).map((r) => r.trigger)).toContain('member_connected');
    await settled();
    const payer = await account(payerId);
    expect(member(payer, PROD)).toMatchObject({
      connected: true,
      costs: 'imported',
      cloudAccountId: memberId,
    });
    noticeAgrees(payer);
    expect(payer.notImported?.importPending).toBe(0);
    expect((await account(memberId)).status.state).toBe('healthy');
    await totalsAgainstTruth([PAYER, PROD]);
  });

  it('connected with credentials: validation passes, the member is healthy, the totals do not move', async () => {
    const res = await w.api(`/api/v1/cloud-accounts/${memberId}`, {
      method: 'PATCH',
      body: { roleName: 'CloudtallyReadOnly' },
    });
    expect(res.status).toBe(200);
    expect(stepsOf(res.body).credentials.state).toBe('pass');
    await w.api(`/api/v1/cloud-accounts/${memberId}/sync`, { method: 'POST' });
    await settled();
    const m = await account(memberId);
    expect(m.status).toMatchObject({ state: 'healthy', diagnostics: [] });
    expect(member(await account(payerId), PROD)?.costs).toBe('imported');
    await totalsAgainstTruth([PAYER, PROD]);
  });

  it('disabled: its own syncs stop, its costs stay imported with the payer’s and the page says so', async () => {
    const res = await w.api(`/api/v1/cloud-accounts/${memberId}`, {
      method: 'PATCH',
      body: { enabled: false },
    });
    expect(res.status).toBe(200);
    await w.api(`/api/v1/cloud-accounts/${payerId}/sync`, { method: 'POST' });
    await settled();
    expect((await account(memberId)).status.state).toBe('disabled');
    const payer = await account(payerId);
    expect(member(payer, PROD)).toMatchObject({ connected: true, costs: 'imported' });
    noticeAgrees(payer);
    await totalsAgainstTruth([PAYER, PROD]);
  });

  it('removed: the payer re-imports without it by itself, its costs leave the totals and it is counted as not imported', async () => {
    const before = (await runs(payerId)).length;
    const res = await w.api(`/api/v1/cloud-accounts/${memberId}?confirm=true`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    const after = await runs(payerId);
    expect(after.slice(before).map((r) => r.trigger)).toEqual(['member_removed']);
    await settled();
    const payer = await account(payerId);
    expect(member(payer, PROD)).toMatchObject({
      connected: false,
      costs: 'not_imported',
      cloudAccountId: null,
    });
    noticeAgrees(payer);
    expect(payer.notImported?.list.map((a) => a.awsAccountId)).toContain(PROD);
    await totalsAgainstTruth([PAYER]);
  });

  it('connected as "Assumed role" (the recommended type) with the payer’s export: a healthy member billed through the payer', async () => {
    const res = await w.api('/api/v1/cloud-accounts', {
      method: 'POST',
      body: {
        provider: 'aws',
        name: 'prod',
        type: 'assumed_role',
        awsAccountId: PROD,
        roleName: 'CloudtallyReadOnly',
        ...EXPORT,
      },
    });
    expect(res.status).toBe(201);
    const created = res.body as unknown as Account;
    expect(created).toMatchObject({ type: 'linked', parentId: payerId });
    expect(stepsOf(res.body).bucket).toMatchObject({ state: 'skipped', code: 'no_export' });
    expect((await runs(payerId)).at(-1)?.trigger).toBe('member_connected');
    await settled();
    expect((await account(created.id)).status).toMatchObject({ state: 'healthy', diagnostics: [] });
    const payer = await account(payerId);
    expect(member(payer, PROD)).toMatchObject({ connected: true, costs: 'imported' });
    noticeAgrees(payer);
    await totalsAgainstTruth([PAYER, PROD]);
  });

  it('"Assumed role" without an export: a member whose role AWS refuses is told exactly what is missing; a non-member must name its export', async () => {
    const refused = await w.api('/api/v1/cloud-accounts', {
      method: 'POST',
      body: { provider: 'aws', name: 'dev', type: 'assumed_role', awsAccountId: DEV, roleName: 'NoSuchRole' },
    });
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    const d = refused.body.error?.diagnostics?.[0];
    expect(d).toMatchObject({ step: 'credentials' });
    expect(d?.remediation).toMatch(/arn:aws:iam::333333333333:role\/NoSuchRole/);
    const outsider = await w.api('/api/v1/cloud-accounts', {
      method: 'POST',
      body: { provider: 'aws', name: 'x', type: 'assumed_role', awsAccountId: '777777777777', roleName: 'R' },
    });
    expect(outsider.status).toBe(400);
    expect(outsider.body.error).toMatchObject({ field: 'exportType' });
    expect(outsider.body.error?.message).toMatch(/bucket: is required for a assumed role connection/);
  });
});
