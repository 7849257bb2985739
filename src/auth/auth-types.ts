import type { Role } from './permissions.js';

export interface UserView {
  id: string;
  email: string;
  name: string | null;
}

export interface OrganizationView {
  id: string;
  name: string;
  role: Role;
  manageCloudCredentials: boolean;
}

/**
 * `pending`: added by a manager, not yet accepted by the person (a new user accepts by signing in with the
 * initial password; an existing user's consent comes with the invitations of the people-and-access issue).
 */
export type MemberStatus = 'active' | 'pending';

export interface MemberView extends UserView {
  role: Role;
  manageCloudCredentials: boolean;
  status: MemberStatus;
  joinedAt: string;
}

export interface TokenView {
  id: string;
  name: string;
  /** The e-mail address of the member the token acts as. */
  owner: string;
  /** Refused on every write route. */
  readOnly: boolean;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface LoginResult {
  sessionToken: string;
  csrfToken: string;
  expiresAt: Date;
  user: UserView;
  organizations: OrganizationView[];
}

export interface SessionView {
  id: string;
  createdAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  /** The session this request came with. */
  current: boolean;
}

export interface InstanceSettings {
  /** Whether members who are not instance administrators may create organizations. */
  allowMemberOrganizations: boolean;
}

export const EMAIL = /^[^\s@]+@[^\s@]+$/;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
