import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, scratchDir, type Scratch } from '../cli/cli-support.js';
import {
  EXPORT,
  PAYER,
  PRINCIPAL,
  PROD,
  SECRETS,
  startAccountsWorld,
  stepsOf,
  type AccountsWorld,
} from './fixture.js';

type Statement = {
  Sid: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: unknown;
};
type Policy = { Version: string; Statement: Statement[] };
type Setup = {
  principal: { arn: string; accountId: string };
  externalId: string;
  trustPolicy: Policy;
  permissionPolicies: Record<string, Policy>;
  cloudFormation: Record<
    string,
    { Resources: { CloudtallyRole: { Type: string; Properties: Record<string, unknown> } }; Outputs: unknown }
  >;
};

const actions = (p: Policy) => p.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

describe('AWS setup help and the external ID', () => {
  let w: AccountsWorld;
  let scratch: Scratch;
  beforeAll(async () => {
    w = await startAccountsWorld();
    scratch = scratchDir('accounts-cli');
  });
  afterAll(async () => {
    await w?.close();
    scratch?.remove();
  });

  it('gives the principal, the external ID, a trust policy requiring it, policies per type and a template — to any member', async () => {
    const res = await w.api('/api/v1/setup/aws?bucket=acct-cur&prefix=cur2/', {
      token: w.t.users.viewer.token,
    });
    expect(res.status).toBe(200);
    const s = res.body as unknown as Setup;
    expect(s.principal).toMatchObject({ arn: PRINCIPAL, accountId: '999999999999' });
    expect(s.externalId).toBe(w.externalId);
    expect(s.externalId.length).toBeGreaterThanOrEqual(20);
    expect(s.trustPolicy.Statement[0]).toMatchObject({
      Principal: { AWS: PRINCIPAL },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': w.externalId } },
    });
    const p = s.permissionPolicies;
    expect(actions(p.assumed_role)).toEqual(
      expect.arrayContaining([
        's3:GetObject',
        's3:ListBucket',
        'cur:DescribeReportDefinitions',
        'bcm-data-exports:GetExport',
        'ec2:DescribeInstances',
        'elasticloadbalancing:DescribeLoadBalancers',
        'cloudwatch:GetMetricData',
        'organizations:ListAccounts',
      ]),
    );
    expect(p.assumed_role.Statement.find((x) => x.Sid === 'BillingExportRead')?.Resource).toBe(
      'arn:aws:s3:::acct-cur/cur2/*',
    );
    expect(actions(p.cost_explorer)).toContain('ce:GetCostAndUsage');
    expect(actions(p.cost_explorer).some((a) => a.startsWith('s3:'))).toBe(false);
    expect(actions(p.linked).some((a) => a.startsWith('organizations:'))).toBe(false);
    expect(
      actions(p.assumed_role).some((a) => a.includes('*') || /:(Put|Delete|Create|Update)/.test(a)),
    ).toBe(false);
    const role = s.cloudFormation.assumed_role.Resources.CloudtallyRole;
    expect(role.Type).toBe('AWS::IAM::Role');
    expect(role.Properties.AssumeRolePolicyDocument).toEqual(s.trustPolicy);
    expect(role.Properties.MaxSessionDuration).toBe(3600);
    expect(s.cloudFormation.assumed_role.Outputs).toMatchObject({
      RoleArn: { Value: { 'Fn::GetAtt': ['CloudtallyRole', 'Arn'] } },
    });
  });

  it('hands out a permission policy that is enough: a role with exactly its actions passes every step', async () => {
    const s = (await w.api('/api/v1/setup/aws')).body as unknown as Setup;
    w.sim.addRole({
      accountId: PAYER,
      name: 'FromSetup',
      trust: { principals: [s.principal.arn], externalId: s.externalId },
      allow: actions(s.permissionPolicies.assumed_role),
      buckets: ['acct-cur'],
    });
    const res = await w.api('/api/v1/cloud-accounts', {
      method: 'POST',
      body: {
        name: 'From setup',
        provider: 'aws',
        type: 'assumed_role',
        awsAccountId: PAYER,
        roleName: 'FromSetup',
        ...EXPORT,
      },
    });
    expect(res.status).toBe(201);
    expect((res.body.validation as { ok: boolean }).ok).toBe(true);
  });

  it('rotates the external ID (managers only), warns which roles must change, and then tells the stale role apart', async () => {
    const payer = (
      (await w.api('/api/v1/cloud-accounts')).body.items as { id: string; awsAccountId: string }[]
    ).find((a) => a.awsAccountId === PAYER);
    if (!payer) throw new Error('the payer is not connected');
    expect(
      (
        await w.api('/api/v1/setup/aws/external-id/rotate', {
          method: 'POST',
          token: w.t.users.engineer.token,
        })
      ).status,
    ).toBe(403);
    const res = await w.api('/api/v1/setup/aws/external-id/rotate', { method: 'POST' });
    expect(res.status).toBe(200);
    const rotated = res.body as { externalId: string; warning: string; affected: { id: string }[] };
    expect(rotated.externalId).not.toBe(w.externalId);
    expect(rotated.affected.map((a) => a.id)).toContain(payer.id);
    expect(rotated.warning).toMatch(/must now require the new external ID/);
    expect(((await w.api('/api/v1/setup/aws')).body as unknown as Setup).externalId).toBe(rotated.externalId);

    const stale = await w.api(`/api/v1/cloud-accounts/${payer.id}/validate`, { method: 'POST' });
    expect(stale.status).toBe(200);
    const step = stepsOf(stale.body.account as Record<string, unknown>).credentials;
    expect(step).toMatchObject({ state: 'fail', code: 'external_id_mismatch' });
    expect(step.remediation).toMatch(/current external ID/);
    expect(stale.body.account).toMatchObject({ status: { state: 'failed' } });

    w.sim.setRoleExternalId(`arn:aws:iam::${PAYER}:role/FromSetup`, rotated.externalId);
    const fixed = await w.api(`/api/v1/cloud-accounts/${payer.id}/validate`, { method: 'POST' });
    expect((fixed.body.validation as { ok: boolean }).ok).toBe(true);
    expect(fixed.body.account).toMatchObject({ status: { state: 'pending' } });
    const audit = await w.t.ctx.store.query(
      "SELECT id FROM audit_log WHERE action = 'organization.external_id.rotate'",
    );
    expect(audit).toHaveLength(1);
    w.externalId = rotated.externalId;
  });

  describe('command line, through the API', () => {
    const cli = (args: string[]) =>
      runCli(args, {
        cwd: scratch.dir,
        env: { CLOUDTALLY_URL: w.t.url, CLOUDTALLY_TOKEN: w.t.users.manager.token },
        timeoutMs: 60_000,
      });

    it('prints the setup as JSON and a ready CloudFormation template', async () => {
      const json = await cli(['accounts', 'setup', 'aws', '--json']);
      expect(json.code, json.stderr).toBe(0);
      expect((JSON.parse(json.stdout) as Setup).externalId).toBe(w.externalId);
      const cf = await cli(['accounts', 'setup', 'aws', '--cloudformation', 'assumed_role']);
      expect(JSON.parse(cf.stdout)).toMatchObject({ AWSTemplateFormatVersion: '2010-09-09' });
    });

    it('connects a member from its payer in one step, validates it, lists it, and removes it only with --yes', async () => {
      const payer = (
        (await w.api('/api/v1/cloud-accounts')).body.items as { id: string; awsAccountId: string }[]
      ).find((a) => a.awsAccountId === PAYER);
      if (!payer) throw new Error('the payer is not connected');
      w.sim.setRoleExternalId(`arn:aws:iam::${PROD}:role/CloudtallyReadOnly`, w.externalId);
      const discovered = await cli(['accounts', 'discovered', payer.id]);
      expect(discovered.stdout).toMatch(new RegExp(`${PROD}\\s+prod\\s+ACTIVE\\s+no`));
      const connected = await cli([
        'accounts',
        'connect',
        'aws',
        '--linked-from',
        payer.id,
        '--account-id',
        PROD,
        '--role-name',
        'CloudtallyReadOnly',
        '--json',
      ]);
      expect(connected.code, connected.stderr).toBe(0);
      const member = JSON.parse(connected.stdout) as { id: string; name: string; parentId: string };
      expect(member).toMatchObject({ name: 'prod', parentId: payer.id });

      const validated = await cli(['accounts', 'validate', member.id]);
      expect(validated.code, validated.stderr).toBe(0);
      expect(validated.stdout).toMatch(/✓ credentials\s+role_assumed/);
      expect(validated.stdout).toMatch(/- bucket\s+no_export/);

      const list = await cli(['accounts', 'list', '--json']);
      expect((JSON.parse(list.stdout) as { items: { id: string }[] }).items.map((i) => i.id)).toContain(
        member.id,
      );

      const asked = await cli(['accounts', 'remove', member.id]);
      expect(asked.code).toBe(2);
      expect(asked.stderr).toMatch(/--yes/);
      expect((await w.api(`/api/v1/cloud-accounts/${member.id}`)).status).toBe(200);
      const removed = await cli(['accounts', 'remove', member.id, '--yes']);
      expect(removed.code, removed.stderr).toBe(0);
      expect((await w.api(`/api/v1/cloud-accounts/${member.id}`)).status).toBe(404);
    });

    it('exits with the connection code and says what to fix when a validation fails', async () => {
      const bad = await cli([
        'accounts',
        'connect',
        'aws',
        '--name',
        'bad',
        '--account-id',
        PROD,
        '--role-name',
        'Missing',
        '--type',
        'linked',
      ]);
      expect(bad.code).toBe(7);
      expect(bad.stderr).toMatch(/fix: /);
    });
  });

  it('never puts a secret key into a response or a log line', () => {
    const everything = [...w.bodies, w.t.logs()].join('\n');
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
  });
});
