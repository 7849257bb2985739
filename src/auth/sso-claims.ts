/** What single sign-on decides from a provider's claims: the e-mail address, its domain, and the role. */
import { ROLES, type Role } from './permissions.js';
import type { RoleMap } from './sso-store.js';
import type { Claims } from './sso-oidc.js';

export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

/** A domain is allowed when it is listed, or is a subdomain of one listed. */
export function domainAllowed(email: string, allowed: readonly string[]): boolean {
  const domain = emailDomain(email);
  return allowed.some((d) => domain === d || domain.endsWith(`.${d}`));
}

/** The claim at a dotted path (`groups`, `realm_access.roles`), as a list of strings. */
export function claimValues(claims: Claims, path: string): string[] {
  let value: unknown = claims;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return [];
    value = (value as Record<string, unknown>)[key];
  }
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/**
 * The role the claims give: the highest role whose mapped values the claim holds (Organization Manager first),
 * else the default role; null when neither gives one.
 */
export function roleFromClaims(
  claims: Claims,
  rule: { roleClaim: string | null; roleMap: RoleMap; defaultRole: Role | null },
): Role | null {
  if (rule.roleClaim) {
    const held = new Set(claimValues(claims, rule.roleClaim));
    for (const role of ROLES) if ((rule.roleMap[role] ?? []).some((v) => held.has(v))) return role;
  }
  return rule.defaultRole;
}
