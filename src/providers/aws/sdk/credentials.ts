import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { Clock } from '../../../lib/clock.js';

/** The shape SDK v3 clients accept for `credentials` (AwsCredentialIdentity). */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export type CredentialProvider = () => Promise<AwsCredentials>;

export interface AssumeRoleRequest {
  roleArn: string;
  /** Omitted only by the validator's probe that checks whether the role demands one. */
  externalId?: string;
  sessionName: string;
  durationSeconds?: number;
}

/** One hour: the default MaxSessionDuration of an IAM role, and long enough that a sync refreshes rarely. */
export const SESSION_SECONDS = 3600;
/** Temporary credentials are replaced this long before they expire, so no request signs with a dying key. */
export const REFRESH_BEFORE_MS = 5 * 60_000;

/** RoleSessionName allows `[\w+=,.@-]{2,64}`; it shows up in the customer's CloudTrail, so it names us. */
export function sessionNameFor(label: string): string {
  const cleaned = `cloudtally-${label}`.replace(/[^\w+=,.@-]/g, '-');
  return cleaned.slice(0, 64);
}

/** Calls sts:AssumeRole once; errors are the SDK's own, for the diagnostics table to read. */
export async function assumeRole(
  sts: Pick<STSClient, 'send'>,
  req: AssumeRoleRequest,
  abortSignal?: AbortSignal,
): Promise<AwsCredentials> {
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: req.roleArn,
      RoleSessionName: req.sessionName,
      ExternalId: req.externalId,
      DurationSeconds: req.durationSeconds ?? SESSION_SECONDS,
    }),
    { abortSignal },
  );
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey) {
    throw new Error(`sts:AssumeRole for ${req.roleArn} returned no credentials`);
  }
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration: c.Expiration,
  };
}

/**
 * Temporary credentials per (role, external ID), shared by every client of the process: kept until
 * REFRESH_BEFORE_MS before expiry, and concurrent callers share one in-flight AssumeRole.
 */
export class AssumeRoleCache {
  private readonly entries = new Map<string, { creds?: AwsCredentials; pending?: Promise<AwsCredentials> }>();

  constructor(
    private readonly sts: () => Pick<STSClient, 'send'>,
    private readonly clock: Clock,
  ) {}

  private fresh(c: AwsCredentials | undefined): c is AwsCredentials {
    if (!c) return false;
    if (!c.expiration) return true;
    return c.expiration.getTime() - REFRESH_BEFORE_MS > this.clock.now().getTime();
  }

  async get(req: AssumeRoleRequest): Promise<AwsCredentials> {
    const key = `${req.roleArn}\u0000${req.externalId ?? ''}`;
    const entry = this.entries.get(key) ?? {};
    this.entries.set(key, entry);
    if (this.fresh(entry.creds)) return entry.creds;
    if (!entry.pending) {
      entry.pending = assumeRole(this.sts(), req).then(
        (creds) => {
          entry.creds = creds;
          entry.pending = undefined;
          return creds;
        },
        (err: unknown) => {
          entry.pending = undefined;
          entry.creds = undefined;
          throw err;
        },
      );
    }
    return entry.pending;
  }

  /** Drops cached sessions of a role (after an edit, a removal or an external-ID rotation). */
  forget(roleArn?: string): void {
    if (!roleArn) {
      this.entries.clear();
      return;
    }
    for (const key of [...this.entries.keys()])
      if (key.startsWith(`${roleArn}\u0000`)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
