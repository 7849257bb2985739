/** IAM ARNs: parsing the forms Cloudtally meets (roles, users, root, STS assumed-role sessions). */

export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  accountId: string;
  resource: string;
}

const ARN_RE = /^arn:(aws|aws-us-gov|aws-cn):([a-z0-9-]+):([a-z0-9-]*):(\d{12}):(.+)$/;

export function parseArn(arn: string): ParsedArn | null {
  const m = ARN_RE.exec(arn);
  if (!m) return null;
  return { partition: m[1], service: m[2], region: m[3], accountId: m[4], resource: m[5] };
}

/** `arn:aws:iam::123456789012:role/path/Name` → `{accountId, name: 'Name', path: '/path/'}`. */
export function parseRoleArn(
  arn: string,
): { partition: string; accountId: string; name: string; path: string } | null {
  const p = parseArn(arn);
  if (!p || p.service !== 'iam' || p.region !== '' || !p.resource.startsWith('role/')) return null;
  const parts = p.resource.slice('role/'.length).split('/');
  const name = parts.pop() ?? '';
  if (!name) return null;
  return {
    partition: p.partition,
    accountId: p.accountId,
    name,
    path: parts.length ? `/${parts.join('/')}/` : '/',
  };
}

export function roleArnOf(accountId: string, roleName: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

/**
 * The IAM principal ARN behind a caller identity: an STS assumed-role session
 * (`arn:aws:sts::1:assumed-role/Role/session`) is trusted as its role (`arn:aws:iam::1:role/Role`).
 */
export function principalArnOf(callerArn: string): string {
  const p = parseArn(callerArn);
  if (p && p.service === 'sts' && p.resource.startsWith('assumed-role/')) {
    const role = p.resource.split('/')[1];
    return `arn:${p.partition}:iam::${p.accountId}:role/${role}`;
  }
  return callerArn;
}

/** The 12-digit account ID of a principal ARN, or null when it is not an ARN. */
export function accountIdOfArn(arn: string): string | null {
  return parseArn(arn)?.accountId ?? null;
}
