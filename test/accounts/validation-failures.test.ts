import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateAccountFields } from '../../src/accounts/account-store.js';
import {
  ANALYTICS,
  EXPORT,
  KEYS,
  PAYER,
  PROD,
  SECRETS,
  startAccountsWorld,
  stepsOf,
  type AccountsWorld,
} from './fixture.js';

/**
 * Every failure the validation tells apart, each with its own code and what to do, against the simulator. Steps 1
 * and 2 refuse the connection (422, nothing saved); later steps save it as failed with the diagnostics.
 */
describe('validation that says what to fix', () => {
  let w: AccountsWorld;
  beforeAll(async () => {
    w = await startAccountsWorld();
  });
  afterAll(async () => {
    await w?.close();
  });

  const role = (name: string, extra: Record<string, unknown> = {}) => ({
    name: `role ${name}`,
    provider: 'aws',
    type: 'assumed_role',
    awsAccountId: PAYER,
    roleName: name,
    ...EXPORT,
    ...extra,
  });
  const root = (extra: Record<string, unknown> = {}) => ({
    name: 'root',
    provider: 'aws',
    type: 'root',
    awsAccountId: PAYER,
    ...KEYS.payer,
    ...EXPORT,
    ...extra,
  });

  /** A create refused at step 1 or 2: the code, its remediation, and no account saved. */
  async function refused(body: Record<string, unknown>, code: string, step: string) {
    const before = (await w.t.ctx.store.query('SELECT id FROM cloud_accounts')).length;
    const res = await w.api('/api/v1/cloud-accounts', { method: 'POST', body });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.error?.code).toBe(code);
    const d = res.body.error?.diagnostics?.[0];
    expect(d).toMatchObject({ code, step });
    expect(d?.remediation.length).toBeGreaterThan(20);
    expect((await w.t.ctx.store.query('SELECT id FROM cloud_accounts')).length).toBe(before);
    return { message: res.body.error?.message ?? '', remediation: d?.remediation ?? '' };
  }

  /** A create saved with a failed step: the steps, after which the account is removed again. */
  async function saved(body: Record<string, unknown>) {
    const res = await w.api('/api/v1/cloud-accounts', { method: 'POST', body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const steps = stepsOf(res.body);
    const status = res.body.status as { state: string; diagnostics: { code: string }[] };
    await w.api(`/api/v1/cloud-accounts/${String(res.body.id)}?confirm=true`, { method: 'DELETE' });
    return { steps, status };
  }

  describe('step 1: credentials', () => {
    it('role that does not trust Cloudtally → role_not_trusted', async () => {
      const r = await refused(role('TrustsSomeoneElse'), 'role_not_trusted', 'credentials');
      expect(r.remediation).toContain('arn:aws:iam::999999999999:user/cloudtally');
      expect(r.remediation).toContain('sts:ExternalId');
    });

    it('role that does not exist → role_not_trusted (AWS answers both alike), naming the role', async () => {
      const r = await refused(role('DoesNotExist'), 'role_not_trusted', 'credentials');
      expect(r.message).toContain(`arn:aws:iam::${PAYER}:role/DoesNotExist`);
      expect(r.remediation).toMatch(/exists/);
    });

    it('role requiring another external ID → role_not_trusted, whose remediation points at the external ID', async () => {
      const r = await refused(role('OtherExternalId'), 'role_not_trusted', 'credentials');
      expect(r.remediation).toMatch(/external ID/);
    });

    it('role without the external-ID condition → external_id_not_required', async () => {
      const r = await refused(role('NoExternalId'), 'external_id_not_required', 'credentials');
      expect(r.remediation).toContain('sts:ExternalId');
    });

    it('role whose maximum session is shorter than an hour → role_session_duration_too_short', async () => {
      const r = await refused(role('ShortSession'), 'role_session_duration_too_short', 'credentials');
      expect(r.remediation).toMatch(/1 hour/);
    });

    it('unknown access key → invalid_access_key', async () => {
      await refused(root({ accessKeyId: 'AKIAUNKNOWNKEY000001' }), 'invalid_access_key', 'credentials');
    });

    it('wrong secret key → invalid_secret_key', async () => {
      await refused(
        root({ secretAccessKey: 'notTheRightSecret0000000000000000000001' }),
        'invalid_secret_key',
        'credentials',
      );
    });
  });

  describe('step 2: identity', () => {
    it('keys of another account than the one entered → account_id_mismatch', async () => {
      const r = await refused(root({ awsAccountId: PROD }), 'account_id_mismatch', 'identity');
      expect(r.message).toContain(PAYER);
      expect(r.remediation).toContain(PAYER);
    });
  });

  describe('step 3: billing bucket', () => {
    it('missing bucket → bucket_not_found, saved as failed', async () => {
      const { steps, status } = await saved(role('CloudtallyReadOnly', { bucket: 'no-such-bucket-here' }));
      expect(steps.bucket).toMatchObject({ state: 'fail', code: 'bucket_not_found' });
      expect(steps.export).toMatchObject({ state: 'skipped' });
      expect(steps.discovery.state).toBe('pass');
      expect(status.state).toBe('failed');
      expect(status.diagnostics.map((d) => d.code)).toEqual(['bucket_not_found']);
    });

    it('bucket in another region than stated → bucket_wrong_region, naming the real one', async () => {
      const { steps } = await saved(role('CloudtallyReadOnly', { bucket: 'acct-eu' }));
      expect(steps.bucket).toMatchObject({
        state: 'fail',
        code: 'bucket_wrong_region',
        remediation: 'Set the export region to eu-west-1.',
      });
    });

    it('bucket the role may not read → bucket_access_denied', async () => {
      const { steps } = await saved(role('NoBucket'));
      expect(steps.bucket).toMatchObject({ state: 'fail', code: 'bucket_access_denied' });
      expect(steps.bucket.remediation).toContain('arn:aws:s3:::acct-cur');
    });
  });

  describe('step 4: export', () => {
    it('prefix with no export → export_not_found, listing what is there', async () => {
      const { steps } = await saved(role('CloudtallyReadOnly', { prefix: 'elsewhere' }));
      expect(steps.export).toMatchObject({ state: 'fail', code: 'export_not_found' });
      const atRoot = await saved(role('CloudtallyReadOnly', { prefix: '', exportName: 'not-there' }));
      expect(atRoot.steps.export.code).toBe('export_not_found');
      expect(atRoot.steps.export.details).toMatchObject({
        folders: expect.arrayContaining(['cur2', 'legacy']),
      });
    });

    it('an export of the other type → export_type_mismatch, both ways', async () => {
      const legacyAsked = await saved(role('CloudtallyReadOnly', { exportType: 'legacy' }));
      expect(legacyAsked.steps.export).toMatchObject({
        state: 'fail',
        code: 'export_type_mismatch',
        remediation: expect.stringContaining('"cur2"'),
      });
      const cur2Asked = await saved(
        role('CloudtallyReadOnly', { exportName: 'acct-legacy', prefix: 'legacy' }),
      );
      expect(cur2Asked.steps.export).toMatchObject({
        code: 'export_type_mismatch',
        remediation: expect.stringContaining('"legacy"'),
      });
    });

    it('a legacy CUR report is found with or without a trailing slash on the prefix', async () => {
      for (const prefix of ['legacy', 'legacy/']) {
        const { steps } = await saved(
          role('CloudtallyReadOnly', { exportType: 'legacy', exportName: 'acct-legacy', prefix }),
        );
        expect(steps.export).toMatchObject({
          state: 'pass',
          code: 'export_found',
          details: { exportType: 'legacy' },
        });
      }
    });

    it('an export created less than a day ago → export_no_data_yet, which is not a failure', async () => {
      const writer = new S3Client({
        region: 'us-east-1',
        endpoint: w.sim.url,
        forcePathStyle: true,
        credentials: KEYS.writer,
      });
      await writer.send(
        new PutObjectCommand({
          Bucket: 'acct-cur',
          Key: 'fresh/aws-programmatic-access-test-object',
          Body: 'test',
        }),
      );
      writer.destroy();
      const { steps, status } = await saved(
        role('CloudtallyReadOnly', { prefix: 'fresh', exportName: 'new-export' }),
      );
      expect(steps.export).toMatchObject({ state: 'pass', code: 'export_no_data_yet' });
      expect(steps.export.remediation).toMatch(/24 hours/);
      expect(status.state).toBe('pending');
    });
  });

  describe('step 5: resource discovery', () => {
    it('no EC2, load balancer or CloudWatch read → one diagnostic each', async () => {
      const { steps } = await saved(role('BillingOnly'));
      expect(steps.discovery).toMatchObject({ state: 'fail', code: 'ec2_permission_missing' });
      const codes = (steps.discovery as unknown as { diagnostics: { code: string }[] }).diagnostics.map(
        (d) => d.code,
      );
      expect(codes).toEqual([
        'ec2_permission_missing',
        'elb_permission_missing',
        'cloudwatch_permission_missing',
      ]);
      expect(steps.bucket.state).toBe('pass');
    });
  });

  describe('step 6: Organizations', () => {
    it("a payer's member accounts are listed", async () => {
      const { steps } = await saved(root());
      expect(steps.organizations).toMatchObject({
        state: 'pass',
        code: 'members_listed',
        details: { memberCount: 3 },
      });
    });

    it('a payer without Organizations access → organizations_permission_missing', async () => {
      const { steps } = await saved(root({ ...KEYS.payerNoOrg }));
      expect(steps.organizations).toMatchObject({ state: 'fail', code: 'organizations_permission_missing' });
    });

    it('a member account connected as a payer → not_management_account, naming the payer', async () => {
      const { steps } = await saved(root({ awsAccountId: PROD, ...KEYS.prod }));
      expect(steps.organizations).toMatchObject({ state: 'fail', code: 'not_management_account' });
      expect(steps.organizations.remediation).toContain(PAYER);
    });
  });

  describe('step 7: Cost Explorer', () => {
    it('a Cost Explorer source without ce:GetCostAndUsage → ce_permission_missing', async () => {
      const { steps } = await saved({
        name: 'ce',
        type: 'cost_explorer',
        roleArn: `arn:aws:iam::${ANALYTICS}:role/NoCostExplorer`,
      });
      expect(steps.cost_explorer).toMatchObject({ state: 'fail', code: 'ce_permission_missing' });
    });
  });

  describe('bad input, before any AWS call', () => {
    it('names the field and the rule, and calls AWS for none of it', async () => {
      const calls = JSON.stringify(w.sim.calls());
      const cases: [Record<string, unknown>, string, RegExp][] = [
        [role('CloudtallyReadOnly', { awsAccountId: '12345' }), 'awsAccountId', /12-digit/],
        [role('Bad/Name'), 'roleName', /IAM role naming/],
        [role('CloudtallyReadOnly', { bucket: 'Bad_Bucket' }), 'bucket', /lower-case/],
        [role('CloudtallyReadOnly', { prefix: '/cur2' }), 'prefix', /leading slash/],
        [role('CloudtallyReadOnly', { exportRegion: 'mars-north-1' }), 'exportRegion', /known AWS region/],
        [role('CloudtallyReadOnly', { exportName: 'has space' }), 'exportName', /may contain only/],
        [{ ...root(), roleArn: 'arn:aws:iam::111111111111:user/x' }, 'roleArn', /role ARN/],
      ];
      for (const [body, field, rule] of cases) {
        const res = await w.api('/api/v1/cloud-accounts', { method: 'POST', body });
        expect(res.status).toBe(400);
        expect(res.body.error?.field).toBe(field);
        expect(res.body.error?.message).toMatch(rule);
      }
      expect(JSON.stringify(w.sim.calls())).toBe(calls);
    });
  });

  describe('routine re-checks (the sync validate stage)', () => {
    it('spare CloudTrail and the Cost Explorer bill, while a person asking gets every check afresh', async () => {
      const res = await w.api('/api/v1/cloud-accounts', {
        method: 'POST',
        body: {
          name: 'ce routine',
          provider: 'aws',
          type: 'cost_explorer',
          roleArn: `arn:aws:iam::${ANALYTICS}:role/CostExplorer`,
        },
      });
      expect(res.status).toBe(201);
      const id = String(res.body.id);
      const count = (op: string) => w.sim.calls()[op] ?? 0;
      const before = { ce: count('ce:GetCostAndUsage'), assume: count('sts:AssumeRole') };
      const routine = await w.t.ctx.accounts.validate(w.t.users.manager.orgId, id);
      expect(routine.validation.ok).toBe(true);
      expect(count('ce:GetCostAndUsage')).toBe(before.ce);
      expect(count('sts:AssumeRole')).toBe(before.assume + 1);
      const again = await w.t.ctx.accounts.validate(w.t.users.manager.orgId, id);
      expect(again.validation.steps.find((st) => st.step === 'cost_explorer')?.details?.lastCheckedAt).toBe(
        routine.validation.steps.find((st) => st.step === 'cost_explorer')?.details?.lastCheckedAt,
      );
      const asked = await w.api(`/api/v1/cloud-accounts/${id}/validate`, { method: 'POST' });
      expect(asked.status).toBe(200);
      expect(count('ce:GetCostAndUsage')).toBe(before.ce + 1);
      expect(count('sts:AssumeRole')).toBe(before.assume + 2 + 2);
      await w.api(`/api/v1/cloud-accounts/${id}?confirm=true`, { method: 'DELETE' });
    });

    it("leave the status to a running sync, and do not lift a sync's own failure", async () => {
      const res = await w.api('/api/v1/cloud-accounts', { method: 'POST', body: role('CloudtallyReadOnly') });
      const id = String(res.body.id);
      const org = w.t.users.manager.orgId;
      await w.t.ctx.store.execute(
        `UPDATE cloud_accounts SET status_state = 'syncing', status_detail = '{"runId":"r1"}' WHERE id = $1`,
        [id],
      );
      // The export moves out of reach behind the API's back (its checks would refuse the edit).
      await updateAccountFields(w.t.ctx.store, org, id, { connection: { prefix: 'nowhere' } }, new Date());
      const during = await w.t.ctx.accounts.validate(org, id);
      expect(during.validation.ok).toBe(false);
      expect(during.account.status.state).toBe('syncing');
      expect(during.account.validation?.ok).toBe(false);

      await updateAccountFields(w.t.ctx.store, org, id, { connection: { prefix: 'cur2' } }, new Date());
      await w.t.ctx.store.execute(
        `UPDATE cloud_accounts SET status_state = 'failed', status_detail = '{"message":"billing failed"}' WHERE id = $1`,
        [id],
      );
      const after = await w.t.ctx.accounts.validate(org, id);
      expect(after.validation.ok).toBe(true);
      expect(after.account.status).toMatchObject({ state: 'failed', message: 'billing failed' });
      await w.api(`/api/v1/cloud-accounts/${id}?confirm=true`, { method: 'DELETE' });
    });
  });

  it('never puts a secret key into a response or a log line', () => {
    const everything = [...w.bodies, w.t.logs()].join('\n');
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
  });
});
