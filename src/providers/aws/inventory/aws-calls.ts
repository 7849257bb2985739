import type { Diagnostic } from '../../../lib/errors.js';
import { awsErrorName, classifyAwsError } from '../sdk/errors.js';
import { withAwsRetry } from '../sdk/retry.js';

/** A diagnostic for a failed call of `action` (e.g. `ec2:DescribeSnapshots`) in `region`. */
export function diagnosticFor(err: unknown, action: string, region: string): Diagnostic {
  const kind = classifyAwsError(err);
  const code = awsErrorName(err);
  const detail = (err as { message?: string } | null)?.message ?? code;
  switch (kind) {
    case 'denied':
      return {
        code: 'inventory_access_denied',
        message: `${action} was denied in ${region} (${code}): ${detail}`,
        remediation: `Allow ${action} for the Cloudtally role or user in ${region} (check service control policies that deny regions).`,
        step: action,
        key: region,
      };
    case 'region_disabled':
      return {
        code: 'region_disabled',
        message: `${region} is not enabled for this account (${code})`,
        remediation: `Enable the region in the AWS account settings, or ignore this if the account does not use ${region}.`,
        step: action,
        key: region,
      };
    case 'credentials':
      return {
        code: 'inventory_credentials_rejected',
        message: `AWS rejected the credentials for ${action} in ${region} (${code}): ${detail}`,
        remediation:
          'Validate the cloud account connection; the keys or the assumed role session may have expired.',
        step: action,
        key: region,
      };
    case 'throttled':
      return {
        code: 'inventory_throttled',
        message: `${action} in ${region} was still throttled after retries (${code})`,
        remediation: 'The next sync retries; if it persists, lower the number of concurrent syncs.',
        step: action,
        key: region,
      };
    default:
      return {
        code: 'inventory_call_failed',
        message: `${action} failed in ${region} (${code}): ${detail}`,
        remediation:
          'The next sync retries; if it keeps failing, check the AWS service health for the region.',
        step: action,
        key: region,
      };
  }
}

/**
 * Follows a paged describe call to its last page, each page with backoff. `read` names the page's items and its
 * next token (EC2 says NextToken, ELB NextMarker); an empty token ends the paging as a missing one does.
 */
export async function collectPages<P, T>(
  fetchPage: (token: string | undefined) => Promise<P>,
  read: (page: P) => { items: readonly T[] | undefined; next: string | undefined },
  signal?: AbortSignal,
): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const { items, next } = read(await withAwsRetry(() => fetchPage(token), { signal }));
    out.push(...(items ?? []));
    token = next || undefined;
  } while (token);
  return out;
}

/** AWS tag lists (EC2 and both ELB APIs share the shape) → key/value; a tag without a key is dropped. */
export function tagMap(
  tags: readonly { Key?: string; Value?: string }[] | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key) out[t.Key] = t.Value ?? '';
  return out;
}
