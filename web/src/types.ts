/** Shapes of the REST API's answers, as the dashboard reads them (the zod schemas in src/api/routes are the truth). */

export type Role = 'manager' | 'engineer' | 'viewer';

export interface User {
  id: string;
  email: string;
  name: string | null;
}

export interface Organization {
  id: string;
  name: string;
  role: Role;
  manageCloudCredentials: boolean;
}

export interface Me {
  user: User;
  organization: Organization;
  organizations: Organization[];
  role: Role;
  manageCloudCredentials: boolean;
  csrfToken?: string;
  via: 'session' | 'token';
}

export interface LoginResult {
  user: User;
  organizations: Organization[];
  csrfToken: string;
  expiresAt: string;
}

export interface Member {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  manageCloudCredentials: boolean;
  joinedAt: string;
}

export interface ApiToken {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface AuditRecord {
  id: string;
  actor: string;
  action: string;
  objectType: string;
  objectId: string | null;
  details: Record<string, unknown>;
  createdAt: string;
}

export interface Page<T> {
  items: T[];
  nextBefore?: string | null;
  nextCursor?: string | null;
  total?: number;
}
