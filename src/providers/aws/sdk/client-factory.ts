import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { SavingsplansClient } from '@aws-sdk/client-savingsplans';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { SecretVault } from '../../../accounts/secret-vault.js';
import type { Config } from '../../../config/config.js';
import { systemClock, type Clock } from '../../../lib/clock.js';
import { ConnectionError } from '../../../lib/errors.js';
import type { Log } from '../../../lib/log.js';
import { principalArnOf } from './arns.js';
import {
  AssumeRoleCache,
  sessionNameFor,
  type AwsCredentials,
  type CredentialProvider,
} from './credentials.js';
import { diagnose } from './diagnostics.js';
import { RETRY_BUDGETS } from './retry.js';

/**
 * How to reach one AWS account. Exactly one credential source is used, in this order: keys given inline
 * (validation before anything is stored), keys in the vault, or a role assumed with the org's external ID.
 * A cloud account record satisfies this shape.
 */
export interface AwsConnection {
  /** The cloud account ID (names the STS session); absent while a new connection is validated. */
  id?: string;
  orgId: string;
  /** Keys (or a session already obtained) given directly, e.g. while a new connection is validated. */
  accessKeys?: AwsCredentials | null;
  /** Vault secret holding `{"accessKeyId", "secretAccessKey"}` as JSON. */
  secretId?: string | null;
  roleArn?: string | null;
}

/** The JSON stored in the vault for a key-based connection. */
export interface StoredAccessKeys {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface AwsClients {
  s3(region?: string): S3Client;
  ec2(region: string): EC2Client;
  elbv2(region: string): ElasticLoadBalancingV2Client;
  elb(region: string): ElasticLoadBalancingClient;
  cloudwatch(region: string): CloudWatchClient;
  /** Cost Explorer has one endpoint, in us-east-1 (cn-northwest-1 in China). */
  ce(): CostExplorerClient;
  organizations(): OrganizationsClient;
  iam(): IAMClient;
  /** The Savings Plans API has one endpoint, in us-east-1. */
  savingsplans(): SavingsplansClient;
  sts(region?: string): STSClient;
  /**
   * The connection's credentials (assuming the role or reading the vault); throws a ConnectionError whose
   * diagnostic says what to fix.
   */
  credentials(): Promise<AwsCredentials>;
}

export interface AwsClientFactory {
  /** Clients for a customer account. `externalId` is the organization's, required for role connections. */
  clientsFor(connection: AwsConnection, externalId: string | null): AwsClients;
  /** An STS client on Cloudtally's own identity (the host's default credential chain). */
  hostSts(region?: string): STSClient;
  /** Cloudtally's own principal as configured (awsPrincipalArn); rejects with a diagnostic when it is not set. */
  hostPrincipal(): Promise<{ arn: string; accountId: string; source: 'config' }>;
  /** Who the host credential chain is (sts:GetCallerIdentity), e.g. to fill in awsPrincipalArn. */
  hostIdentity(): Promise<{ arn: string; accountId: string }>;
  /** Drops cached sessions for a role (after an edit, a removal or an external-ID rotation), or all. */
  forget(roleArn?: string): void;
  readonly endpoint: string | undefined;
}

export interface AwsFactoryDeps {
  config: Pick<Config, 'awsEndpointUrl' | 'awsRegion' | 'awsPrincipalArn'>;
  vault: Pick<SecretVault, 'get'>;
  log: Log;
  clock?: Clock;
}

type ClientConfig = {
  region: string;
  credentials?: CredentialProvider;
  endpoint?: string;
  retryMode: 'adaptive';
  maxAttempts: number;
  requestHandler: NodeHttpHandler;
};

const GLOBAL_REGION = 'us-east-1';

/**
 * Builds SDK v3 clients from connections. Every client honours the one endpoint setting (config, else the
 * SDK's own AWS_ENDPOINT_URL), uses adaptive retries for throttling, and shares one HTTP agent.
 */
export function createAwsClients(deps: AwsFactoryDeps): AwsClientFactory {
  const clock = deps.clock ?? systemClock;
  const endpoint = deps.config.awsEndpointUrl ?? process.env.AWS_ENDPOINT_URL ?? undefined;
  // Path-style S3 because an endpoint such as http://127.0.0.1:PORT has no bucket subdomains.
  const forcePathStyle = endpoint !== undefined;
  const requestHandler = new NodeHttpHandler({ connectionTimeout: 10_000, socketTimeout: 120_000 });
  const base = (region: string, credentials?: CredentialProvider): ClientConfig => ({
    region,
    credentials,
    ...(deps.config.awsEndpointUrl ? { endpoint: deps.config.awsEndpointUrl } : {}),
    retryMode: 'adaptive',
    // The `sdk` layer of the retry budgets (retry.ts says what each layer retries).
    maxAttempts: RETRY_BUDGETS.sdk.attempts,
    requestHandler,
  });

  const hostStsClients = new Map<string, STSClient>();
  const hostSts = (region = deps.config.awsRegion): STSClient => {
    let c = hostStsClients.get(region);
    if (!c) {
      // No credentials: the SDK's default chain (env, shared config, SSO, container/instance metadata).
      c = new STSClient(base(region));
      hostStsClients.set(region, c);
    }
    return c;
  };
  const roleCache = new AssumeRoleCache(() => hostSts(), clock);
  let identity: Promise<{ arn: string; accountId: string }> | undefined;

  function clientsFor(connection: AwsConnection, externalId: string | null): AwsClients {
    let keys: Promise<AwsCredentials> | undefined;
    const resolve = async (): Promise<AwsCredentials> => {
      if (connection.accessKeys) return { ...connection.accessKeys };
      if (connection.secretId) {
        keys ??= deps.vault.get(connection.secretId, connection.orgId).then(
          (text) => {
            const parsed = JSON.parse(text) as StoredAccessKeys;
            return { accessKeyId: parsed.accessKeyId, secretAccessKey: parsed.secretAccessKey };
          },
          (err: unknown) => {
            keys = undefined;
            throw err;
          },
        );
        return keys;
      }
      if (connection.roleArn) {
        if (!externalId) throw new Error('An external ID is required to assume a customer role');
        try {
          return await roleCache.get({
            roleArn: connection.roleArn,
            externalId,
            sessionName: sessionNameFor(connection.id ?? 'validate'),
          });
        } catch (err) {
          throw new ConnectionError(
            diagnose(err, { operation: 'AssumeRole', service: 'sts', roleArn: connection.roleArn }),
          );
        }
      }
      throw new ConnectionError({
        code: 'no_credentials',
        message: 'This connection has neither access keys nor a role to assume.',
        remediation: 'Edit the account and give an access key pair or a role name.',
      });
    };
    const provider: CredentialProvider = resolve;
    const memo = new Map<string, unknown>();
    const once = <T>(key: string, make: () => T): T => {
      if (!memo.has(key)) memo.set(key, make());
      return memo.get(key) as T;
    };
    return {
      s3: (region = GLOBAL_REGION) =>
        once(`s3:${region}`, () => new S3Client({ ...base(region, provider), forcePathStyle })),
      ec2: (region) => once(`ec2:${region}`, () => new EC2Client(base(region, provider))),
      elbv2: (region) =>
        once(`elbv2:${region}`, () => new ElasticLoadBalancingV2Client(base(region, provider))),
      elb: (region) => once(`elb:${region}`, () => new ElasticLoadBalancingClient(base(region, provider))),
      cloudwatch: (region) => once(`cw:${region}`, () => new CloudWatchClient(base(region, provider))),
      ce: () => once('ce', () => new CostExplorerClient(base(GLOBAL_REGION, provider))),
      organizations: () => once('org', () => new OrganizationsClient(base(GLOBAL_REGION, provider))),
      iam: () => once('iam', () => new IAMClient(base(GLOBAL_REGION, provider))),
      savingsplans: () => once('sp', () => new SavingsplansClient(base(GLOBAL_REGION, provider))),
      sts: (region = deps.config.awsRegion) =>
        once(`sts:${region}`, () => new STSClient(base(region, provider))),
      credentials: resolve,
    };
  }

  return {
    endpoint,
    clientsFor,
    hostSts,
    hostPrincipal() {
      const configured = deps.config.awsPrincipalArn;
      if (!configured) {
        return Promise.reject(
          new ConnectionError({
            code: 'principal_not_configured',
            message: "Cloudtally's own AWS principal is not configured.",
            remediation:
              'Set CLOUDTALLY_AWS_PRINCIPAL_ARN to the ARN of the IAM user or role Cloudtally runs as (`cloudtally accounts setup aws --whoami` prints it).',
          }),
        );
      }
      return Promise.resolve({
        arn: configured,
        accountId: configured.split(':')[4],
        source: 'config' as const,
      });
    },
    hostIdentity() {
      identity ??= hostSts()
        .send(new GetCallerIdentityCommand({}))
        .then((out) => ({ arn: principalArnOf(out.Arn ?? ''), accountId: out.Account ?? '' }))
        .catch((err: unknown) => {
          identity = undefined;
          throw new ConnectionError(
            diagnose(err, { operation: 'GetCallerIdentity', service: 'sts', host: true }),
          );
        });
      return identity;
    },
    forget(roleArn) {
      roleCache.forget(roleArn);
      deps.log.debug({ roleArn }, 'aws credentials cache cleared');
    },
  };
}

/** Cloudtally's principal account ID, derived from the configured principal ARN. */
export function awsPrincipalAccountId(config: Pick<Config, 'awsPrincipalArn'>): string | null {
  const arn = config.awsPrincipalArn;
  if (!arn) return null;
  return arn.split(':')[4] ?? null;
}

declare module '../../provider.js' {
  interface ProviderClients {
    aws: AwsClientFactory;
  }
}
