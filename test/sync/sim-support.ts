import type { Simulator } from '../../sim/index.js';

/** The payer of the `small` scenario: its role, export and AWS account. */
export const SMALL_PAYER = {
  awsAccountId: '111111111111',
  roleName: 'CloudtallyReadOnly',
  roleArn: 'arn:aws:iam::111111111111:role/CloudtallyReadOnly',
  exportName: 'small-cur2',
  bucket: 'small-cur',
  prefix: 'cur2',
};

export const SMALL_MEMBER = {
  awsAccountId: '222222222222',
  roleName: 'CloudtallyReadOnly',
  roleArn: 'arn:aws:iam::222222222222:role/CloudtallyReadOnly',
};

/** The body that connects the `small` payer through its role. */
export function payerBody(name = 'payer'): Record<string, unknown> {
  return {
    name,
    provider: 'aws',
    type: 'assumed_role',
    awsAccountId: SMALL_PAYER.awsAccountId,
    roleName: SMALL_PAYER.roleName,
    exportType: 'cur2',
    exportName: SMALL_PAYER.exportName,
    bucket: SMALL_PAYER.bucket,
    prefix: SMALL_PAYER.prefix,
    exportRegion: 'us-east-1',
  };
}

/** Makes the scenario's roles trust the organization's external ID (as a customer does when creating them). */
export function trustOrganization(sim: Simulator, externalId: string, roleArns: string[]): void {
  for (const arn of roleArns) sim.setRoleExternalId(arn, externalId);
}

/** Sets the host identity the SDK's default chain picks up, and returns a function that restores the env. */
export function useHostIdentity(sim: Simulator): () => void {
  const keys = [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_REGION',
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
  ];
  const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
  process.env.AWS_ACCESS_KEY_ID = sim.hostCredentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = sim.hostCredentials.secretAccessKey;
  process.env.AWS_REGION = 'us-east-1';
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/** Environment for a Cloudtally child process that talks to the simulator with the host identity. */
export function simulatorEnv(sim: Simulator): Record<string, string> {
  return {
    CLOUDTALLY_AWS_ENDPOINT_URL: sim.url,
    AWS_ACCESS_KEY_ID: sim.hostCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sim.hostCredentials.secretAccessKey,
    AWS_REGION: 'us-east-1',
  };
}
