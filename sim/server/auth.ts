import { randomBytes } from 'node:crypto';
import type { Role, User, World } from '../world/world.js';
import { hexId } from '../world/ids.js';

export interface Session {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Epoch milliseconds. */
  expiration: number;
  role: Role;
  sessionName: string;
}

/** Who signed a request. */
export interface Caller {
  principal: User | Role;
  accountId: string;
  arn: string;
  userId: string;
  session?: Session;
}

export function callerForUser(u: User): Caller {
  return {
    principal: u,
    accountId: u.accountId,
    arn: u.arn,
    userId: `AIDA${hexId('user', u.arn).slice(0, 17).toUpperCase()}`,
  };
}

export function callerForSession(s: Session): Caller {
  return {
    principal: s.role,
    accountId: s.role.accountId,
    arn: `arn:aws:sts::${s.role.accountId}:assumed-role/${s.role.name}/${s.sessionName}`,
    userId: `${s.role.roleId}:${s.sessionName}`,
    session: s,
  };
}

/** Temporary credentials as AssumeRole issues them (ASIA… key, random secret and token). */
export function issueSession(role: Role, sessionName: string, durationSeconds: number): Session {
  const rnd = (n: number): string =>
    randomBytes(n)
      .toString('base64')
      .replace(/[^A-Za-z0-9]/g, '');
  return {
    accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
    secretAccessKey: rnd(30).slice(0, 40),
    sessionToken: `FwoGZXIvYXdzE${rnd(120)}`,
    expiration: Date.now() + durationSeconds * 1000,
    role,
    sessionName,
  };
}

function patternMatches(pattern: string, action: string): boolean {
  if (pattern === '*') return true;
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
  return re.test(action);
}

/** Whether the principal's allowed actions (IAM-style patterns) cover `service:Action`. */
export function isAllowed(principal: User | Role, action: string): boolean {
  return principal.allow.some((p) => patternMatches(p, action));
}

export function canAccessBucket(principal: User | Role, bucket: string): boolean {
  return principal.buckets.includes('*') || principal.buckets.includes(bucket);
}

/** Trust policy check: the caller's principal (or its account) is trusted, and the external ID matches. */
export function trustAllows(role: Role, caller: Caller, externalId: string | undefined): boolean {
  const principalArn = caller.principal.arn;
  const trusted = role.trustPrincipals.some(
    (p) =>
      p === principalArn ||
      p === caller.accountId ||
      p === `arn:aws:iam::${caller.accountId}:root` ||
      p === '*',
  );
  if (!trusted) return false;
  return role.externalId === undefined || role.externalId === externalId;
}

/** Finds who owns an access key: a long-term user key or a live session. */
export function lookupKey(
  world: World,
  sessions: Map<string, Session>,
  accessKeyId: string,
): { user?: User; session?: Session } {
  const user = world.users.find((u) => u.accessKeyId === accessKeyId);
  if (user) return { user };
  const session = sessions.get(accessKeyId);
  return session ? { session } : {};
}
