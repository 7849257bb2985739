/** Roles, the one permission that can be granted on top, and what each may do. */

export const ROLES = ['manager', 'engineer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  manager: 'Organization Manager',
  engineer: 'Engineer',
  viewer: 'Viewer',
};

export type Action =
  | 'org:read'
  | 'org:manage'
  | 'audit:read'
  | 'accounts:read'
  | 'accounts:write'
  | 'sync:trigger'
  | 'recommendations:act'
  | 'budgets:write'
  | 'anomalies:act'
  | 'alerts:write'
  | 'tokens:own'
  /** Instance-wide settings; held by instance administrators, whatever their role in an organization. */
  | 'instance:manage';

export interface Principal {
  userId: string;
  email: string;
  orgId: string;
  role: Role;
  manageCloudCredentials: boolean;
  /** `cli`: a command run on the data directory, without a server. */
  via: 'session' | 'token' | 'cli';
  tokenId?: string;
  /** An administrator of the whole instance (the first user, or named by `users create --admin`). */
  instanceAdmin?: boolean;
  /** A read-only API token: refused on every write route, whatever the role allows. */
  readOnly?: boolean;
}

const BY_ROLE: Record<Role, readonly Action[]> = {
  manager: [
    'org:read',
    'org:manage',
    'audit:read',
    'accounts:read',
    'accounts:write',
    'sync:trigger',
    'recommendations:act',
    'budgets:write',
    'alerts:write',
    'anomalies:act',
    'tokens:own',
  ],
  engineer: [
    'org:read',
    'accounts:read',
    'sync:trigger',
    'recommendations:act',
    'budgets:write',
    'alerts:write',
    'anomalies:act',
    'tokens:own',
  ],
  viewer: ['org:read', 'accounts:read', 'tokens:own'],
};

export function can(
  principal: Pick<Principal, 'role' | 'manageCloudCredentials' | 'instanceAdmin'>,
  action: Action,
): boolean {
  if (action === 'instance:manage') return principal.instanceAdmin === true;
  if (BY_ROLE[principal.role].includes(action)) return true;
  // Manage Cloud Credentials lets any member create, change and remove cloud accounts.
  return action === 'accounts:write' && principal.manageCloudCredentials;
}

export const ACTION_REASONS: Record<Action, string> = {
  'org:read': 'Only members of the organization may read it.',
  'org:manage': 'Only an Organization Manager may manage members and settings.',
  'audit:read': 'Only an Organization Manager may read the audit log.',
  'accounts:read': 'Only members of the organization may read its cloud accounts.',
  'accounts:write':
    'Creating, changing or removing cloud accounts needs the Organization Manager role or the Manage Cloud Credentials permission.',
  'sync:trigger': 'Triggering a sync needs the Engineer or Organization Manager role.',
  'recommendations:act': 'Acting on recommendations needs the Engineer or Organization Manager role.',
  'budgets:write': 'Creating, changing or removing budgets needs the Engineer or Organization Manager role.',
  'alerts:write':
    'Creating, changing or removing alert rules and channels needs the Engineer or Organization Manager role.',
  'anomalies:act':
    'Acknowledging, marking expected or commenting cost anomalies needs the Engineer or Organization Manager role.',
  'tokens:own': 'Only members may manage their API tokens.',
  'instance:manage': 'Only an instance administrator may change instance settings.',
};
