/**
 * A FOCUS export connected end to end through the REST API, on both engines: the simulator's S3 holds a generated
 * FOCUS export (three providers and currencies in one file, `NULL` text, space-separated timestamps, JSON tags);
 * the connection is validated step by step (key, files, header), its first sync loads it, and the cost API's
 * totals per provider, account, service and day equal the generator's truth to the cent. Bad connections are
 * refused or reported with the fix: a wrong secret, an empty prefix, a CUR pointed at as FOCUS.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFocusExport, type FocusExport } from '../../sim/gen/focus-export.js';
import { runCli, scratchDir, type Scratch } from '../cli/cli-support.js';
import { ENGINES } from '../helpers/stores.js';
import { KEYS, SECRETS, startAccountsWorld, stepsOf, type AccountsWorld } from './fixture.js';

const BUCKET = 'acct-cur';
const now = new Date();
const FROM = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 2, 1)).toISOString().slice(0, 7);
const TO = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0)).toISOString().slice(0, 10);

describe.each(ENGINES)('FOCUS export connection on %s', (engine) => {
  let w: AccountsWorld;
  let exp: FocusExport;
  let scratch: Scratch;
  const body = (extra: Record<string, unknown> = {}) => ({
    provider: 'focus',
    name: 'Multi-cloud FOCUS',
    endpoint: w.sim.url,
    region: 'us-east-1',
    bucket: BUCKET,
    prefix: 'focus',
    ...KEYS.payer,
    ...extra,
  });

  beforeAll(async () => {
    w = await startAccountsWorld(engine);
    scratch = scratchDir('focus-cli');
    await w.t.ctx.sync.start({ worker: true, scheduler: false });
    exp = await generateFocusExport({
      // Inside the months a sync keeps: the two months before this one.
      from: FROM,
      months: 2,
      seed: 21,
      format: 'csv',
      dir: path.join(w.sim.dataDir, 'buckets', BUCKET, 'focus', 'data'),
    });
  }, 120_000);
  afterAll(async () => {
    await w?.close();
    scratch?.remove();
  });

  async function settled(): Promise<void> {
    const busy = async () => {
      const [row] = await w.t.ctx.store.query<{ n: number | bigint }>(
        `SELECT COUNT(*) AS n FROM sync_runs WHERE state IN ('queued', 'running')`,
      );
      return Number(row.n);
    };
    await expect.poll(busy, { timeout: 60_000 }).toBe(0);
  }

  it('connects, validates, loads and totals per provider, account, service and day to the cent', async () => {
    const res = await w.api('/api/v1/cloud-accounts', { method: 'POST', body: body() });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ provider: 'focus', type: 's3', bucket: BUCKET, prefix: 'focus' });
    const steps = stepsOf(res.body);
    expect(Object.fromEntries(Object.entries(steps).map(([k, s]) => [k, s.state]))).toEqual({
      access: 'pass',
      files: 'pass',
      header: 'pass',
    });
    const id = res.body.id as string;
    await settled();
    const acc = await w.api(`/api/v1/cloud-accounts/${id}`);
    expect((acc.body.status as { state: string }).state).toBe('healthy');

    const rows = await w.t.ctx.store.query<{ k: string; b: string; e: string }>(
      `SELECT provider || '|' || sub_account_id || '|' || service_name || '|' || CAST(usage_date AS VARCHAR) || '|' || billing_currency AS k,
         CAST(sum(billed_cost) AS VARCHAR) AS b, CAST(sum(effective_cost) AS VARCHAR) AS e
       FROM cost_line_items WHERE cloud_account_id = $1 GROUP BY 1`,
      [id],
    );
    const cents = (v: string) => Math.round(Math.round(Number(v) * 10_000) / 100) / 100;
    const got = new Map<string, number>();
    for (const r of rows) {
      got.set(`${r.k}|billed`, cents(r.b));
      got.set(`${r.k}|effective`, cents(r.e));
    }
    const want = new Map<string, number>();
    for (const t of exp.truth) {
      const k = `${t.provider}|${t.account}|${t.service}|${t.day}|${t.currency}`;
      want.set(`${k}|billed`, t.billed);
      want.set(`${k}|effective`, t.effective);
    }
    expect([...want.entries()].filter(([k, v]) => got.get(k) !== v)).toEqual([]);
    expect(got.size).toBe(want.size);

    // The cost API: one currency per answer, grouped by provider, equal to the truth per provider to the cent.
    for (const [provider, currency] of [
      ['aws', 'USD'],
      ['azure', 'EUR'],
      ['gcp', 'JPY'],
    ] as const) {
      const truth = exp.truth.filter((t) => t.provider === provider);
      if (truth.length === 0) continue;
      const q = `/api/v1/costs?from=${FROM}-01&to=${TO}&granularity=month&groupBy=provider&basis=billed&currency=${currency}&filter=provider=${provider}`;
      const costs = await w.api(q);
      expect(costs.status, JSON.stringify(costs.body)).toBe(200);
      expect(costs.body.currency).toBe(currency);
      const total = Math.round(truth.reduce((s, t) => s + t.billed * 100, 0)) / 100;
      expect(Math.abs((costs.body.total as number) - total)).toBeLessThanOrEqual(truth.length * 0.005);
    }
    for (const b of w.bodies) for (const s of SECRETS) expect(b).not.toContain(s);
  }, 180_000);

  it('refuses a wrong secret with the fix, and saves nothing', async () => {
    const before = (await w.api('/api/v1/cloud-accounts')).body.items as unknown[];
    const res = await w.api('/api/v1/cloud-accounts', {
      method: 'POST',
      body: body({ name: 'Wrong key', secretAccessKey: 'wrongSecret0000000000000000000000000000' }),
    });
    expect(res.status).toBe(422);
    expect(res.body.error?.diagnostics?.[0]).toMatchObject({ code: 'focus_key_rejected', step: 'access' });
    expect(res.body.error?.diagnostics?.[0].remediation).toMatch(/accessKeyId and secretAccessKey/);
    expect(((await w.api('/api/v1/cloud-accounts')).body.items as unknown[]).length).toBe(before.length);
  });

  it('names the field of bad input', async () => {
    const res = await w.api('/api/v1/cloud-accounts', {
      method: 'POST',
      body: body({ bucket: 's3://acct-cur/focus' }),
    });
    expect(res.status).toBe(400);
    expect(res.body.error?.field).toBe('bucket');
    const unknown = await w.api('/api/v1/cloud-accounts', { method: 'POST', body: body({ roleArn: 'x' }) });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error?.message).toMatch(/roleArn: unknown field/);
  });

  it('says when the prefix holds no file, and recognizes a CUR pointed at as FOCUS', async () => {
    const empty = await w.api('/api/v1/cloud-accounts', {
      method: 'POST',
      body: body({ name: 'Empty', prefix: 'nothing-here' }),
    });
    expect(empty.status).toBe(201);
    expect(stepsOf(empty.body).files).toMatchObject({ state: 'fail', code: 'focus_export_empty' });
    expect(stepsOf(empty.body).header.state).toBe('skipped');

    const cur = await w.api('/api/v1/cloud-accounts', {
      method: 'POST',
      body: body({ name: 'A CUR', prefix: 'cur2' }),
    });
    expect(cur.status).toBe(201);
    expect(stepsOf(cur.body).header).toMatchObject({ state: 'fail', code: 'focus_export_is_cur' });
    expect(stepsOf(cur.body).header.remediation).toMatch(/AWS account/);
    await settled();
  }, 120_000);

  it('connects from the command line with the secret on standard input, and exits 7 with the fix when a step fails', async () => {
    const cli = (args: string[], input?: string) =>
      runCli(['accounts', 'connect', 'focus', ...args], {
        cwd: scratch.dir,
        env: { CLOUDTALLY_URL: w.t.url, CLOUDTALLY_TOKEN: w.t.users.manager.token },
        timeoutMs: 60_000,
        input,
      });
    const where = ['--endpoint', w.sim.url, '--region', 'us-east-1', '--bucket', BUCKET];
    const key = ['--access-key-id', KEYS.payer.accessKeyId, '--secret-access-key-stdin'];
    const good = await cli(
      ['--name', 'FOCUS from the CLI', ...where, '--prefix', 'focus', ...key, '--json'],
      KEYS.payer.secretAccessKey,
    );
    expect(good.code, good.stderr).toBe(0);
    const made = JSON.parse(good.stdout) as { id: string; provider: string; type: string; bucket: string };
    expect(made).toMatchObject({ provider: 'focus', type: 's3', bucket: BUCKET });
    expect(good.stdout).not.toContain(KEYS.payer.secretAccessKey);

    const shown = await runCli(['accounts', 'show', made.id], {
      cwd: scratch.dir,
      env: { CLOUDTALLY_URL: w.t.url, CLOUDTALLY_TOKEN: w.t.users.manager.token },
    });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`files        s3://${BUCKET}/focus/ at ${w.sim.url} (us-east-1)`);
    expect(shown.stdout).toMatch(/✓ header\s+focus_header_ok/);

    const cur = await cli(
      ['--name', 'CUR as FOCUS', ...where, '--prefix', 'cur2', ...key],
      KEYS.payer.secretAccessKey,
    );
    expect(cur.code).toBe(7);
    expect(cur.stdout).toMatch(/✗ header\s+focus_export_is_cur/);
    expect(cur.stdout).toMatch(/fix: .*AWS account/);

    const refused = await cli(
      ['--name', 'Wrong key', ...where, ...key],
      'wrongSecret0000000000000000000000000000',
    );
    expect(refused.code).toBe(7);
    expect(refused.stderr).toMatch(/rejected the key[^]*fix: Check accessKeyId and secretAccessKey/);

    const bad = await cli(
      ['--name', 'Bad bucket', ...where.slice(0, 4), '--bucket', 's3://x/y', ...key],
      'x'.repeat(40),
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bucket/);
    await settled();
  }, 300_000);
});
