import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { STSClient, AssumeRoleCommand } from '@aws-sdk/client-sts';
import type { Simulator } from '../../sim/index.js';

/** Client settings that point an SDK client at the simulator. */
export function clientConfig(sim: Simulator, credentials: AwsCredentialIdentity, region = 'us-east-1') {
  return { endpoint: sim.url, region, credentials, maxAttempts: 1 };
}

export function hostCredentials(sim: Simulator): AwsCredentialIdentity {
  return sim.hostCredentials;
}

export async function assumeRole(
  sim: Simulator,
  roleArn: string,
  externalId?: string,
): Promise<AwsCredentialIdentity> {
  const sts = new STSClient(clientConfig(sim, hostCredentials(sim)));
  const out = await sts.send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'cloudtally-test', ExternalId: externalId }),
  );
  const c = out.Credentials!;
  return {
    accessKeyId: c.AccessKeyId!,
    secretAccessKey: c.SecretAccessKey!,
    sessionToken: c.SessionToken!,
    expiration: c.Expiration,
  };
}
