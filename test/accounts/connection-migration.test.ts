/**
 * Migration 20 on a database whose accounts were written before it, with the AWS connection fields in columns of
 * their own: afterwards the fields are in the `connection` document, every account reads as it did through the
 * API, and the accounts still validate and sync against the simulator, on both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../sim/index.js';
import { migrate } from '../../src/store/migrate.js';
import { migrations } from '../../src/store/migrations/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { createTestDatabase, ENGINES } from '../helpers/stores.js';
import { eventually } from '../sync/helpers.js';
import { SMALL_MEMBER, SMALL_PAYER, trustOrganization, useHostIdentity } from '../sync/sim-support.js';

const ORG = 'org_before20';
const EXTERNAL_ID = 'ext-written-before-migration-20';
const PAYER_ID = 'ca_payer_before20';
const MEMBER_ID = 'ca_member_before20';
const ODD_ID = 'ca_odd_before20';
/** Quotes, a backslash and non-ASCII text must come through the document exactly. */
const ODD_PREFIX = 'we"ird\\pre/fix-ü';

interface Run {
  state: string;
  stages: { name: string; state: string; counts: Record<string, number> }[];
}

describe.each(ENGINES)('accounts written before the connection document (migration 20) on %s', (engine) => {
  let sim: Simulator;
  let t: TestServer;
  let restoreEnv: () => void;

  const api = async <T>(path: string, method = 'GET', status = 200): Promise<T> => {
    const res = await t.request(path, { method, token: t.users.manager.token });
    expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBe(status);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    sim = await startSimulator('small', { now: new Date() });
    restoreEnv = useHostIdentity(sim);
    const db = await createTestDatabase(engine);
    const old = await db.open({ migrate: false });
    await migrate(
      old,
      migrations.filter((m) => m.id < 20),
    );
    const now = new Date('2026-01-05T10:00:00Z');
    await old.execute(
      `INSERT INTO organizations (id, name, external_id, settings, created_at) VALUES ($1, 'Org A', $2, '{}', $3)`,
      [ORG, EXTERNAL_ID, now],
    );
    // The rows as the accounts store wrote them then: one column per AWS field.
    const insert = `INSERT INTO cloud_accounts (id, org_id, name, provider, type, aws_account_id, role_name, role_arn,
        access_key_hint, export_type, export_name, bucket, prefix, export_region, edp, member_import, payer_account_id,
        parent_id, disabled, created_at, updated_at)
      VALUES ($1, $2, $3, 'aws', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19)`;
    await old.execute(insert, [
      PAYER_ID,
      ORG,
      'payer',
      'assumed_role',
      SMALL_PAYER.awsAccountId,
      SMALL_PAYER.roleName,
      SMALL_PAYER.roleArn,
      null,
      'cur2',
      SMALL_PAYER.exportName,
      SMALL_PAYER.bucket,
      SMALL_PAYER.prefix,
      'us-east-1',
      true,
      'connected-only',
      null,
      null,
      false,
      now,
    ]);
    await old.execute(insert, [
      MEMBER_ID,
      ORG,
      'prod',
      'linked',
      SMALL_MEMBER.awsAccountId,
      SMALL_MEMBER.roleName,
      SMALL_MEMBER.roleArn,
      null,
      null,
      null,
      null,
      null,
      null,
      false,
      'connected-only',
      SMALL_PAYER.awsAccountId,
      PAYER_ID,
      false,
      now,
    ]);
    await old.execute(insert, [
      ODD_ID,
      ORG,
      'odd',
      'root',
      '333333333333',
      null,
      null,
      'AKIA…WXYZ',
      'legacy',
      'odd-export',
      'odd-bucket',
      ODD_PREFIX,
      'eu-west-1',
      false,
      'all',
      null,
      null,
      true,
      now,
    ]);
    if (engine === 'duckdb') await old.execute('CHECKPOINT');
    await old.close();
    // A new version starts on the old data: opening the store runs migration 20.
    t = await startTestServer({ engine, db, config: { awsEndpointUrl: sim.url } });
    trustOrganization(sim, EXTERNAL_ID, [SMALL_PAYER.roleArn, SMALL_MEMBER.roleArn]);
    await t.ctx.sync.start({ worker: true, scheduler: false });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
    restoreEnv?.();
  });

  it('moves the AWS columns into the connection document, leaving no column behind', async () => {
    expect(t.users.manager.orgId).toBe(ORG);
    const columns = await t.ctx.store.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'cloud_accounts'`,
    );
    const names = columns.map((c) => c.column_name);
    expect(names).toContain('connection');
    for (const gone of ['role_name', 'role_arn', 'access_key_hint', 'export_type', 'bucket', 'member_import'])
      expect(names).not.toContain(gone);
    const [payer] = await t.ctx.store.query<{ connection: string }>(
      'SELECT connection FROM cloud_accounts WHERE id = $1',
      [PAYER_ID],
    );
    expect(JSON.parse(payer.connection)).toEqual({
      roleName: SMALL_PAYER.roleName,
      roleArn: SMALL_PAYER.roleArn,
      accessKeyId: null,
      exportType: 'cur2',
      exportName: SMALL_PAYER.exportName,
      bucket: SMALL_PAYER.bucket,
      prefix: SMALL_PAYER.prefix,
      exportRegion: 'us-east-1',
      edp: true,
      memberImport: 'connected-only',
      payerAccountId: null,
    });
  });

  it('shows every account through the API as it was written', async () => {
    const { items } = await api<{ items: Record<string, unknown>[] }>('/api/v1/cloud-accounts');
    const byId = new Map(items.map((a) => [a.id, a]));
    expect(byId.get(PAYER_ID)).toMatchObject({
      name: 'payer',
      provider: 'aws',
      type: 'assumed_role',
      awsAccountId: SMALL_PAYER.awsAccountId,
      roleName: SMALL_PAYER.roleName,
      roleArn: SMALL_PAYER.roleArn,
      exportType: 'cur2',
      exportName: SMALL_PAYER.exportName,
      bucket: SMALL_PAYER.bucket,
      prefix: SMALL_PAYER.prefix,
      exportRegion: 'us-east-1',
      edp: true,
      memberImport: 'connected-only',
      enabled: true,
    });
    expect(byId.get(MEMBER_ID)).toMatchObject({
      type: 'linked',
      roleArn: SMALL_MEMBER.roleArn,
      payerAccountId: SMALL_PAYER.awsAccountId,
      parentId: PAYER_ID,
      exportType: null,
      edp: false,
    });
    expect(byId.get(ODD_ID)).toMatchObject({
      type: 'root',
      accessKeyId: 'AKIA…WXYZ',
      exportType: 'legacy',
      prefix: ODD_PREFIX,
      exportRegion: 'eu-west-1',
      memberImport: 'all',
      enabled: false,
    });
  });

  it('validates the payer with the role and external ID written before', async () => {
    const res = await api<{ validation: { ok: boolean; steps: { step: string; state: string }[] } }>(
      `/api/v1/cloud-accounts/${PAYER_ID}/validate`,
      'POST',
    );
    expect(res.validation.steps.filter((s) => s.state === 'fail')).toEqual([]);
    expect(res.validation.ok).toBe(true);
  });

  it("syncs the payer from the export written before, member's costs included", async () => {
    const { id } = await api<{ id: string }>(`/api/v1/cloud-accounts/${PAYER_ID}/sync`, 'POST', 202);
    const run = await eventually(
      async () => {
        const r = await api<Run>(`/api/v1/sync-runs/${id}`);
        return ['queued', 'running'].includes(r.state) ? undefined : r;
      },
      'the payer run to finish',
      90_000,
    );
    expect(run.stages.map((s) => [s.name, s.state])).toEqual([
      ['validate', 'succeeded'],
      ['billing', 'succeeded'],
      ['inventory', 'succeeded'],
      ['metrics', 'succeeded'],
      ['recommendations', 'succeeded'],
    ]);
    expect(run.stages.find((s) => s.name === 'billing')!.counts.periodsLoaded).toBeGreaterThan(0);
    const rows = await t.ctx.store.query<{ n: number }>(
      'SELECT count(*) AS n FROM cost_daily WHERE cloud_account_id = $1 AND sub_account_id = $2',
      [PAYER_ID, SMALL_MEMBER.awsAccountId],
    );
    expect(Number(rows[0].n)).toBeGreaterThan(0);
  });

  it('edits one field of the document and keeps the others', async () => {
    const res = await t.request(`/api/v1/cloud-accounts/${PAYER_ID}`, {
      method: 'PATCH',
      token: t.users.manager.token,
      body: { edp: false },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({
      edp: false,
      roleName: SMALL_PAYER.roleName,
      exportName: SMALL_PAYER.exportName,
      bucket: SMALL_PAYER.bucket,
    });
  });
});
