import { ScenarioSchema, startSimulator, type Simulator, type ScenarioInput } from '../../sim/index.js';
import type { Engine } from '../../src/store/store.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** A small AWS world for connection tests: one organization (a payer and three members) and two buckets. */

export const PAYER = '111111111111';
export const PROD = '222222222222';
export const DEV = '333333333333';
/** A member used only as a Cost Explorer source. */
export const ANALYTICS = '555555555555';
export const PRINCIPAL = 'arn:aws:iam::999999999999:user/cloudtally';

export const HOST = {
  accountId: '999999999999',
  userName: 'cloudtally',
  accessKeyId: 'AKIAACCTHOST00000001',
  secretAccessKey: 'acctHostSecret00000000000000000000000001',
};

const DISCOVERY = ['ec2:Describe*', 'elasticloadbalancing:Describe*', 'cloudwatch:Get*', 'cloudwatch:List*'];
const BILLING = ['s3:GetObject', 's3:ListBucket', 's3:GetBucketLocation'];

export const KEYS = {
  payer: { accessKeyId: 'AKIAACCTPAYER0000001', secretAccessKey: 'acctPayerSecret000000000000000000000001' },
  payerNoOrg: {
    accessKeyId: 'AKIAACCTNOORG0000001',
    secretAccessKey: 'acctNoOrgSecret000000000000000000000001',
  },
  prod: { accessKeyId: 'AKIAACCTPROD00000001', secretAccessKey: 'acctProdSecret0000000000000000000000001' },
  dev: { accessKeyId: 'AKIAACCTDEV000000001', secretAccessKey: 'acctDevSecret00000000000000000000000001' },
  writer: { accessKeyId: 'AKIAACCTWRITER000001', secretAccessKey: 'acctWriterSecret00000000000000000000001' },
};

/** Every secret of the scenario: none may appear in a response or a log line. */
export const SECRETS = [HOST.secretAccessKey, ...Object.values(KEYS).map((k) => k.secretAccessKey)];

export const scenario: ScenarioInput = {
  name: 'accounts',
  seed: 404,
  months: 1,
  host: HOST,
  organization: { id: 'o-accounts0001', payerAccountId: PAYER },
  accounts: [
    { id: PAYER, name: 'payer' },
    { id: PROD, name: 'prod' },
    { id: DEV, name: 'dev' },
    { id: ANALYTICS, name: 'analytics' },
  ],
  users: [
    {
      accountId: PAYER,
      name: 'billing-reader',
      ...KEYS.payer,
      allow: [...BILLING, ...DISCOVERY, 'organizations:*'],
      buckets: ['acct-cur', 'acct-eu'],
    },
    {
      accountId: PAYER,
      name: 'no-org',
      ...KEYS.payerNoOrg,
      allow: [...BILLING, ...DISCOVERY],
      buckets: ['acct-cur'],
    },
    { accountId: PAYER, name: 'writer', ...KEYS.writer, allow: ['s3:PutObject'], buckets: ['acct-cur'] },
    { accountId: PROD, name: 'reader', ...KEYS.prod, allow: [...DISCOVERY, 'organizations:*'] },
    { accountId: DEV, name: 'reader', ...KEYS.dev, allow: DISCOVERY },
  ],
  buckets: [
    { name: 'acct-cur', accountId: PAYER, region: 'us-east-1' },
    { name: 'acct-eu', accountId: PAYER, region: 'eu-west-1' },
  ],
  exports: [
    {
      name: 'acct-cur2',
      type: 'cur2',
      format: 'csv',
      bucket: 'acct-cur',
      prefix: 'cur2',
      payerAccountId: PAYER,
    },
    {
      name: 'acct-legacy',
      type: 'legacy',
      format: 'csv',
      bucket: 'acct-cur',
      prefix: 'legacy',
      payerAccountId: PAYER,
    },
  ],
  regions: ['us-east-1'],
  instances: [{ name: 'web-1', accountId: PROD, region: 'us-east-1', type: 't3.small' }],
};

export const EXPORT = {
  exportType: 'cur2',
  exportName: 'acct-cur2',
  bucket: 'acct-cur',
  prefix: 'cur2',
  exportRegion: 'us-east-1',
} as const;

/** Roles, added once the organization's external ID is known. */
export function roles(externalId: string) {
  const trust = { principals: [PRINCIPAL], externalId };
  return {
    full: {
      accountId: PAYER,
      name: 'CloudtallyReadOnly',
      trust,
      allow: [...BILLING, ...DISCOVERY, 'organizations:*'],
      buckets: ['acct-cur', 'acct-eu'],
    },
    noDiscovery: { accountId: PAYER, name: 'BillingOnly', trust, allow: BILLING, buckets: ['acct-cur'] },
    noBucket: { accountId: PAYER, name: 'NoBucket', trust, allow: [...BILLING, ...DISCOVERY], buckets: [] },
    shortSession: { accountId: PAYER, name: 'ShortSession', trust, allow: DISCOVERY, maxSessionSeconds: 900 },
    untrusting: {
      accountId: PAYER,
      name: 'TrustsSomeoneElse',
      trust: { principals: ['arn:aws:iam::888888888888:user/other'], externalId },
      allow: DISCOVERY,
    },
    otherExternalId: {
      accountId: PAYER,
      name: 'OtherExternalId',
      trust: { principals: [PRINCIPAL], externalId: 'not-this-one' },
      allow: DISCOVERY,
    },
    open: {
      accountId: PAYER,
      name: 'NoExternalId',
      trust: { principals: [PRINCIPAL] },
      allow: [...BILLING, ...DISCOVERY],
      buckets: ['acct-cur'],
    },
    ce: {
      accountId: ANALYTICS,
      name: 'CostExplorer',
      trust,
      allow: ['ce:*', ...DISCOVERY, 'organizations:*'],
    },
    ceDenied: { accountId: ANALYTICS, name: 'NoCostExplorer', trust, allow: DISCOVERY },
    prod: { accountId: PROD, name: 'CloudtallyReadOnly', trust, allow: DISCOVERY },
  };
}

export interface AccountsWorld {
  t: TestServer;
  sim: Simulator;
  externalId: string;
  /** Every response body read through `api`, to check for secrets. */
  bodies: string[];
  api(
    path: string,
    init?: { method?: string; token?: string; body?: unknown },
  ): Promise<{
    status: number;
    body: Record<string, unknown> & {
      error?: {
        code: string;
        message: string;
        field?: string;
        diagnostics?: { code: string; remediation: string; step?: string }[];
      };
    };
  }>;
  close(): Promise<void>;
}

const ENV_KEYS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_REGION',
  'AWS_PROFILE',
] as const;

/**
 * The simulator plus a Cloudtally server pointed at it. Cloudtally's own identity comes from the default credential
 * chain, as in production: the host user's keys are put into the process environment.
 */
export async function startAccountsWorld(engine: Engine = 'duckdb'): Promise<AccountsWorld> {
  const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  process.env.AWS_ACCESS_KEY_ID = HOST.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = HOST.secretAccessKey;
  process.env.AWS_REGION = 'us-east-1';
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  const sim = await startSimulator(ScenarioSchema.parse(scenario));
  const t = await startTestServer({
    engine,
    config: { awsEndpointUrl: sim.url, awsPrincipalArn: PRINCIPAL },
  });
  const { externalId } = await t.ctx.accounts.externalId(t.users.manager.orgId);
  for (const r of Object.values(roles(externalId))) sim.addRole(r);
  const bodies: string[] = [];
  return {
    t,
    sim,
    externalId,
    bodies,
    async api(path, init = {}) {
      const res = await t.request(path, {
        method: init.method,
        token: init.token ?? t.users.manager.token,
        body: init.body,
      });
      const text = await res.text();
      bodies.push(text);
      return { status: res.status, body: text ? (JSON.parse(text) as Record<string, never>) : {} };
    },
    async close() {
      await t.close();
      await sim.close();
      for (const k of ENV_KEYS) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    },
  };
}

export type StepView = {
  step: string;
  state: string;
  code: string;
  remediation?: string;
  details?: Record<string, unknown>;
};

export function stepsOf(account: Record<string, unknown>): Record<string, StepView> {
  const v = account.validation as { steps: StepView[] } | null;
  return Object.fromEntries((v?.steps ?? []).map((s) => [s.step, s]));
}
