import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { Simulator } from '../../sim/index.js';
import type { InventoryClients } from '../../src/inventory/inventory-types.js';
import type { Diagnostic } from '../../src/lib/errors.js';

/** The demo's read-only role in each account, trusted by Cloudtally's host identity with this external ID. */
export const ROLE_NAME = 'CloudtallyReadOnly';
export const EXTERNAL_ID = 'cloudtally-demo';

export interface SimClients extends InventoryClients {
  destroy(): void;
}

/**
 * Real SDK v3 clients against the simulator for one account, through its role. To deny a region, inject a
 * region fault into the simulator (`{ service: '*', region, kind: 'deny' }`), as a service control policy would.
 */
export function simClients(sim: Simulator, accountId: string): SimClients {
  let cached: Promise<AwsCredentialIdentity> | undefined;
  const roleCredentials = () => {
    cached ??= (async () => {
      const sts = new STSClient({ endpoint: sim.url, region: 'us-east-1', credentials: sim.hostCredentials });
      try {
        const out = await sts.send(
          new AssumeRoleCommand({
            RoleArn: `arn:aws:iam::${accountId}:role/${ROLE_NAME}`,
            RoleSessionName: 'cloudtally-inventory-test',
            ExternalId: EXTERNAL_ID,
          }),
        );
        const c = out.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('AssumeRole returned no credentials');
        return {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          sessionToken: c.SessionToken,
        };
      } finally {
        sts.destroy();
      }
    })();
    return cached;
  };
  const made: { destroy(): void }[] = [];
  const cache = new Map<string, unknown>();
  const make = <T extends { destroy(): void }>(
    kind: string,
    region: string,
    ctor: new (config: {
      endpoint: string;
      region: string;
      credentials: AwsCredentialIdentity | (() => Promise<AwsCredentialIdentity>);
    }) => T,
  ): T => {
    const key = `${kind}:${region}`;
    let client = cache.get(key) as T | undefined;
    if (!client) {
      client = new ctor({ endpoint: sim.url, region, credentials: roleCredentials });
      cache.set(key, client);
      made.push(client);
    }
    return client;
  };
  return {
    ec2: (region) => make('ec2', region, EC2Client),
    elbv2: (region) => make('elbv2', region, ElasticLoadBalancingV2Client),
    elb: (region) => make('elb', region, ElasticLoadBalancingClient),
    cloudwatch: (region) => make('cw', region, CloudWatchClient),
    destroy: () => made.forEach((c) => c.destroy()),
  };
}

/** The simulator's clock, frozen: what Cloudtally's clock reads while it looks at the simulated world. */
export const simClock = (sim: Simulator) => ({ now: () => new Date(sim.truth.now) });

/**
 * The diagnostics unchanged. The simulator now serves every ELB call the inventory makes (DescribeTags,
 * DescribeInstanceHealth), so nothing needs filtering; kept only for callers outside test/inventory.
 */
export function realDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics;
}
