import {
  ConflictError,
  InputError,
  NotFoundError,
  PermissionError,
  UnauthenticatedError,
} from '../lib/errors.js';
import type { Clock } from '../lib/clock.js';
import { newId, randomToken, sha256Hex } from '../lib/ids.js';
import type { Store } from '../store/store.js';
import { audit } from './audit-log.js';
import * as people from './auth-store.js';
import { EMAIL, normalizeEmail, type LoginResult } from './auth-types.js';
import * as invitations from './invitation-store.js';
import { attemptKeys, type LoginThrottle } from './login-throttle.js';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { can, ROLES, ROLE_LABELS, type Principal, type Role } from './permissions.js';
import type { SessionService } from './session-service.js';
import { configOf } from './sso-store.js';

/** How long an invitation link works. */
export const INVITATION_TTL_DAYS = 7;

/**
 * Sends an account e-mail (an invitation) with the organization's mail settings. `false`: the organization has no
 * e-mail set up, and the link is handed to the manager to pass on instead.
 */
export type AccountMailer = (
  orgId: string,
  mail: { to: string; subject: string; text: string },
) => Promise<boolean>;

export interface InvitationView {
  id: string;
  email: string;
  role: Role;
  manageCloudCredentials: boolean;
  invitedBy: string;
  createdAt: string;
  expiresAt: string;
}

export interface InviteResult {
  invitation: InvitationView;
  /** `email`: sent to the address; `link`: no e-mail is set up, `link` is for the manager to pass on. */
  delivery: 'email' | 'link';
  link?: string;
}

export type InvitationService = ReturnType<typeof createInvitationService>;

/**
 * Invitations: a manager offers a role to an e-mail address; the person accepts with the one-time link (stored
 * hashed, expiring, used once), which creates their account or joins the one the address has. Nothing the
 * manager sees says whether the address had an account.
 */
export function createInvitationService({
  store,
  clock,
  sessions,
  throttle,
}: {
  store: Store;
  clock: Clock;
  sessions: Pick<SessionService, 'startSession'>;
  throttle: LoginThrottle;
}) {
  let mailer: AccountMailer | undefined;

  function view(r: invitations.InvitationRow, invitedBy: string): InvitationView {
    return {
      id: r.id,
      email: r.email,
      role: r.role,
      manageCloudCredentials: Boolean(r.manage_cloud_credentials),
      invitedBy,
      createdAt: r.created_at.toISOString(),
      expiresAt: r.expires_at.toISOString(),
    };
  }

  /** The invitation a link's token names, if it can still be accepted; else why not, naming the field. */
  async function usable(token: string): Promise<invitations.InvitationRow> {
    const inv = await invitations.invitationByHash(store, sha256Hex(token.trim()));
    if (!inv) throw new InputError('token', 'This invitation link is not valid. Ask for a new invitation.');
    if (inv.accepted_at) throw new InputError('token', 'This invitation link has been used already.');
    if (inv.revoked_at) throw new InputError('token', 'This invitation has been withdrawn.');
    if (inv.expires_at.getTime() <= clock.now().getTime())
      throw new InputError('token', 'This invitation link has expired. Ask for a new invitation.');
    return inv;
  }

  function requireManager(principal: Principal) {
    if (!can(principal, 'org:manage'))
      throw new PermissionError('Only an Organization Manager may invite people.');
  }

  return {
    setAccountMailer(m: AccountMailer): void {
      mailer = m;
    },

    async invite(
      principal: Principal,
      input: { email: string; role: Role; manageCloudCredentials?: boolean },
      linkBase: string,
    ): Promise<InviteResult> {
      requireManager(principal);
      const email = normalizeEmail(input.email);
      if (!EMAIL.test(email)) throw new InputError('email', `"${input.email}" is not an e-mail address`);
      if (!ROLES.includes(input.role))
        throw new InputError('role', `The role must be one of ${ROLES.join(', ')}`);
      const token = `ct_inv_${randomToken(32)}`;
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + INVITATION_TTL_DAYS * 86400 * 1000);
      const id = newId('inv');
      const manageCloudCredentials = input.manageCloudCredentials ?? false;
      const orgName = await store.transaction(async (tx) => {
        // Only a member of this organization is told apart: the manager sees the members list anyway.
        const existing = await people.userByEmail(tx, email);
        const member = existing && (await people.membership(tx, principal.orgId, existing.id));
        if (member?.accepted) throw new ConflictError(`${email} is already a member of this organization`);
        await invitations.revokeOpenInvitationsOf(tx, principal.orgId, email, now);
        await invitations.insertInvitation(tx, {
          id,
          orgId: principal.orgId,
          email,
          role: input.role,
          manageCloudCredentials,
          tokenHash: sha256Hex(token),
          invitedBy: principal.userId,
          now,
          expiresAt,
        });
        await audit(tx, {
          orgId: principal.orgId,
          actorUserId: principal.userId,
          actor: principal.email,
          action: 'invitation.create',
          objectType: 'invitation',
          objectId: id,
          details: { email, role: input.role, manageCloudCredentials },
        });
        const orgs = await people.acceptedOrganizations(tx, principal.userId);
        return orgs.organizations.find((o) => o.id === principal.orgId)?.name ?? 'an organization';
      });
      // The token travels in the fragment: it never reaches a server log or a Referer header.
      const link = `${linkBase.replace(/\/+$/, '')}/accept-invitation#${token}`;
      const sent = mailer
        ? await mailer(principal.orgId, {
            to: email,
            subject: `You are invited to ${orgName} on Cloudtally`,
            text: [
              `${principal.email} invites you to join ${orgName} on Cloudtally as ${ROLE_LABELS[input.role]}.`,
              '',
              `Accept the invitation: ${link}`,
              '',
              `The link works once and expires on ${expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
              'If you did not expect this invitation, ignore this e-mail.',
            ].join('\n'),
          })
        : false;
      const invitation = view(
        {
          id,
          org_id: principal.orgId,
          email,
          role: input.role,
          manage_cloud_credentials: manageCloudCredentials,
          invited_by_user_id: principal.userId,
          created_at: now,
          expires_at: expiresAt,
          accepted_at: null,
          revoked_at: null,
        },
        principal.email,
      );
      return sent ? { invitation, delivery: 'email' } : { invitation, delivery: 'link', link };
    },

    async listPending(principal: Principal): Promise<InvitationView[]> {
      requireManager(principal);
      const rows = await invitations.pendingInvitations(store, principal.orgId, clock.now());
      const members = await people.listMembers(store, principal.orgId);
      const emailOf = new Map(members.map((m) => [m.id, m.email]));
      return rows.map((r) => view(r, emailOf.get(r.invited_by_user_id) ?? 'a former member'));
    },

    async revokeInvitation(principal: Principal, id: string): Promise<void> {
      requireManager(principal);
      await store.transaction(async (tx) => {
        const inv = await invitations.invitationById(tx, principal.orgId, id);
        if (!inv || !(await invitations.revokeInvitation(tx, principal.orgId, id, clock.now())))
          throw new NotFoundError('Pending invitation', id);
        await audit(tx, {
          orgId: principal.orgId,
          actorUserId: principal.userId,
          actor: principal.email,
          action: 'invitation.revoke',
          objectType: 'invitation',
          objectId: id,
          details: { email: inv.email },
        });
      });
    },

    /** What the link offers, for the page that accepts it. */
    async describeInvitation(token: string) {
      const inv = await usable(token);
      return {
        email: inv.email,
        organization: (await people.organizationById(store, inv.org_id))?.name ?? '',
        role: inv.role,
        expiresAt: inv.expires_at.toISOString(),
      };
    },

    /**
     * Accepts with the link: an address without an account gets one with the password given; an address with one
     * joins with that account's password. Either way the person is signed in to the organization.
     */
    async acceptInvitation(
      token: string,
      input: { password: string; name?: string },
      client: { ip: string; userAgent?: string },
    ): Promise<LoginResult> {
      const inv = await usable(token);
      // An organization that requires single sign-on is joined through its provider, which honours the invitation;
      // a password here would open a password session in it.
      if ((await configOf(store, inv.org_id))?.ssoRequired) {
        const name = (await people.organizationById(store, inv.org_id))?.name ?? 'This organization';
        throw new PermissionError(
          `${name} requires single sign-on: choose "Continue with single sign-on" on the sign-in page as ${inv.email}; the invitation is accepted there.`,
        );
      }
      const keys = attemptKeys(inv.email, client.ip);
      await throttle.reserve(keys);
      const existing = await people.userByEmail(store, inv.email);
      if (existing) {
        if (existing.disabled || !(await verifyPassword(input.password, existing.password_hash))) {
          await throttle.failed();
          throw new UnauthenticatedError(
            `${inv.email} has a Cloudtally account: accept with its password (or reset it first).`,
          );
        }
      } else {
        const problem = passwordProblem(input.password);
        if (problem) {
          await throttle.succeeded(keys);
          throw new InputError('password', problem);
        }
      }
      const passwordHash = existing ? '' : await hashPassword(input.password);
      const userId = await store.transaction(async (tx) => {
        const now = clock.now();
        let uid = existing?.id;
        if (!uid) {
          uid = newId('usr');
          const name = input.name?.trim() || null;
          await people.insertUser(tx, {
            id: uid,
            email: inv.email,
            name,
            passwordHash,
            instanceAdmin: false,
            now,
          });
        }
        if (!(await invitations.markAccepted(tx, inv.id, uid, now)))
          throw new InputError('token', 'This invitation link has been used already.');
        const m = await people.membership(tx, inv.org_id, uid);
        if (!m)
          await people.insertMembership(tx, {
            orgId: inv.org_id,
            userId: uid,
            role: inv.role,
            manageCloudCredentials: Boolean(inv.manage_cloud_credentials),
            now,
            acceptedAt: now,
          });
        else if (!m.accepted) {
          await people.acceptMembership(tx, inv.org_id, uid, now);
          await people.updateMembership(tx, inv.org_id, uid, {
            role: inv.role,
            manageCloudCredentials: Boolean(inv.manage_cloud_credentials),
          });
        }
        await audit(tx, {
          orgId: inv.org_id,
          actorUserId: uid,
          actor: inv.email,
          action: 'invitation.accept',
          objectType: 'invitation',
          objectId: inv.id,
          ip: client.ip,
          details: { role: inv.role },
        });
        return uid;
      });
      await throttle.succeeded(keys);
      const user = await people.userById(store, userId);
      const { organizations } = await people.acceptedOrganizations(store, userId);
      if (!user) throw new NotFoundError('User', userId);
      return sessions.startSession(user, organizations, inv.org_id, { ...client, how: 'invitation' });
    },
  };
}
