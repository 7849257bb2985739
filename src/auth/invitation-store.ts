/** The SQL of invitations: a manager's offer of a role in an organization to an e-mail address. */
import type { Queryable } from '../store/store.js';
import type { Role } from './permissions.js';

export interface InvitationRow {
  id: string;
  org_id: string;
  email: string;
  role: Role;
  manage_cloud_credentials: boolean;
  invited_by_user_id: string;
  created_at: Date;
  expires_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
}

const COLUMNS =
  'id, org_id, email, role, manage_cloud_credentials, invited_by_user_id, created_at, expires_at, accepted_at, revoked_at';

export async function insertInvitation(
  q: Queryable,
  i: {
    id: string;
    orgId: string;
    email: string;
    role: Role;
    manageCloudCredentials: boolean;
    tokenHash: string;
    invitedBy: string;
    now: Date;
    expiresAt: Date;
  },
): Promise<void> {
  await q.execute(
    `INSERT INTO invitations (id, org_id, email, role, manage_cloud_credentials, token_hash, invited_by_user_id,
       created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [i.id, i.orgId, i.email, i.role, i.manageCloudCredentials, i.tokenHash, i.invitedBy, i.now, i.expiresAt],
  );
}

export async function invitationByHash(q: Queryable, tokenHash: string): Promise<InvitationRow | undefined> {
  const [r] = await q.query<InvitationRow & Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM invitations WHERE token_hash = $1`,
    [tokenHash],
  );
  return r;
}

export async function invitationById(
  q: Queryable,
  orgId: string,
  id: string,
): Promise<InvitationRow | undefined> {
  const [r] = await q.query<InvitationRow & Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM invitations WHERE org_id = $1 AND id = $2`,
    [orgId, id],
  );
  return r;
}

/** Invitations not yet accepted, withdrawn or expired, newest first. */
export async function pendingInvitations(q: Queryable, orgId: string, now: Date): Promise<InvitationRow[]> {
  return q.query<InvitationRow & Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM invitations
     WHERE org_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2
     ORDER BY created_at DESC, id`,
    [orgId, now],
  );
}

/** Withdraws the open invitations of an address (a new invitation replaces them). */
export async function revokeOpenInvitationsOf(
  q: Queryable,
  orgId: string,
  email: string,
  now: Date,
): Promise<void> {
  await q.execute(
    `UPDATE invitations SET revoked_at = $1
     WHERE org_id = $2 AND email = $3 AND accepted_at IS NULL AND revoked_at IS NULL`,
    [now, orgId, email],
  );
}

export async function revokeInvitation(q: Queryable, orgId: string, id: string, now: Date): Promise<number> {
  return q.execute(
    'UPDATE invitations SET revoked_at = $1 WHERE org_id = $2 AND id = $3 AND accepted_at IS NULL AND revoked_at IS NULL',
    [now, orgId, id],
  );
}

/** Uses the invitation: only one caller can, however many try at once. */
export async function markAccepted(q: Queryable, id: string, userId: string, now: Date): Promise<number> {
  return q.execute(
    `UPDATE invitations SET accepted_at = $1, accepted_user_id = $2
     WHERE id = $3 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $1`,
    [now, userId, id],
  );
}
