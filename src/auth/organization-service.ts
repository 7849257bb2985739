import { ConflictError, InputError, NotFoundError, PermissionError } from '../lib/errors.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import type { Queryable, Store } from '../store/store.js';
import { audit } from './audit-log.js';
import * as people from './auth-store.js';
import { EMAIL, normalizeEmail, type MemberView, type OrganizationView } from './auth-types.js';
import { revokeMemberTokens } from './credential-store.js';
import { acceptedMemberByEmail, allOrganizations } from './organization-directory.js';
import { can, ROLES, type Principal, type Role } from './permissions.js';
import { newExternalId } from './user-service.js';

export interface AddMemberInput {
  email: string;
  role: Role;
  manageCloudCredentials?: boolean;
}

export type OrganizationService = ReturnType<typeof createOrganizationService>;

/** Organizations and their members, as organization managers and members see them. */
export function createOrganizationService({ store, clock }: { store: Store; clock: Clock }) {
  function requireManager(principal: Principal) {
    if (!can(principal, 'org:manage'))
      throw new PermissionError('Only an Organization Manager may manage members.');
  }

  async function memberOf(q: Queryable, orgId: string, userId: string): Promise<MemberView> {
    const member = (await people.listMembers(q, orgId)).find((x) => x.id === userId);
    if (!member) throw new NotFoundError('Member', userId);
    return member;
  }

  /** Refuses to leave the organization without an accepted manager. */
  async function keepAManager(q: Queryable, orgId: string, current: { role: Role; accepted: boolean }) {
    if (current.role === 'manager' && current.accepted && (await people.countManagers(q, orgId)) <= 1)
      throw new ConflictError('The organization needs at least one Organization Manager.');
  }

  return {
    /** Every organization, by name: for the local operator (the CLI's direct mode), not for API callers. */
    allOrganizations: () => allOrganizations(store),

    /** The accepted member with this e-mail address (any case), for acting as them in the CLI's direct mode. */
    memberByEmail: (orgId: string, email: string) => acceptedMemberByEmail(store, orgId, email),

    async organizations(userId: string): Promise<OrganizationView[]> {
      return (await people.acceptedOrganizations(store, userId)).organizations;
    },

    /** An instance-level right: instance administrators, or any member when the instance allows it. */
    async createOrganization(principal: Principal, name: string): Promise<OrganizationView> {
      const trimmed = name.trim();
      if (!trimmed) throw new InputError('name', 'The organization name must not be empty');
      if (!principal.instanceAdmin && !(await people.readInstanceSettings(store)).allowMemberOrganizations) {
        throw new PermissionError(
          'Only an instance administrator may create organizations (an administrator can allow members to, in the instance settings).',
        );
      }
      return store.transaction(async (tx) => {
        if (await people.organizationByName(tx, trimmed))
          throw new ConflictError(`An organization named "${trimmed}" exists already`);
        const id = newId('org');
        const now = clock.now();
        await people.insertOrganization(tx, { id, name: trimmed, externalId: newExternalId(), now });
        await people.insertMembership(tx, {
          orgId: id,
          userId: principal.userId,
          role: 'manager',
          manageCloudCredentials: false,
          now,
          acceptedAt: now,
        });
        await audit(tx, {
          orgId: id,
          actorUserId: principal.userId,
          actor: principal.email,
          action: 'organization.create',
          objectType: 'organization',
          objectId: id,
        });
        return { id, name: trimmed, role: 'manager' as const, manageCloudCredentials: false };
      });
    },

    listMembers(orgId: string): Promise<MemberView[]> {
      return people.listMembers(store, orgId);
    },

    /**
     * An instance administrator adds an existing user to the organization at once. Managers invite people by
     * e-mail instead (invitation-service.ts): nobody types another person's password, and a manager never learns
     * whether an address has an account. Administrators see every account anyway, so "no such user" is no leak.
     */
    async addMember(principal: Principal, input: AddMemberInput): Promise<MemberView> {
      requireManager(principal);
      if (principal.instanceAdmin !== true)
        throw new PermissionError(
          'Only an instance administrator adds a member at once; invite people by e-mail instead (POST /api/v1/invitations).',
        );
      const email = normalizeEmail(input.email);
      if (!EMAIL.test(email)) throw new InputError('email', `"${input.email}" is not an e-mail address`);
      if (!ROLES.includes(input.role))
        throw new InputError('role', `The role must be one of ${ROLES.join(', ')}`);
      const manageCloudCredentials = input.manageCloudCredentials ?? false;
      return store.transaction(async (tx) => {
        const now = clock.now();
        const user = await people.userByEmail(tx, email);
        if (!user)
          throw new InputError(
            'email',
            `No user has the address ${email}: invite them (POST /api/v1/invitations), and they create their account when they accept`,
          );
        if (await people.membership(tx, principal.orgId, user.id))
          throw new ConflictError(`${email} is already a member of this organization`);
        await people.insertMembership(tx, {
          orgId: principal.orgId,
          userId: user.id,
          role: input.role,
          manageCloudCredentials,
          now,
          acceptedAt: now,
        });
        await audit(tx, {
          orgId: principal.orgId,
          actorUserId: principal.userId,
          actor: principal.email,
          action: 'membership.create',
          objectType: 'user',
          objectId: user.id,
          details: { email, role: input.role, manageCloudCredentials, status: 'active' },
        });
        return memberOf(tx, principal.orgId, user.id);
      });
    },

    async updateMember(
      principal: Principal,
      userId: string,
      patch: { role?: Role; manageCloudCredentials?: boolean },
    ): Promise<MemberView> {
      requireManager(principal);
      return store.transaction(async (tx) => {
        const m = await people.membership(tx, principal.orgId, userId);
        if (!m) throw new NotFoundError('Member', userId);
        if (patch.role && patch.role !== 'manager') await keepAManager(tx, principal.orgId, m);
        await people.updateMembership(tx, principal.orgId, userId, patch);
        await audit(tx, {
          orgId: principal.orgId,
          actorUserId: principal.userId,
          actor: principal.email,
          action: 'membership.update',
          objectType: 'user',
          objectId: userId,
          details: patch,
        });
        return memberOf(tx, principal.orgId, userId);
      });
    },

    async removeMember(principal: Principal, userId: string): Promise<void> {
      requireManager(principal);
      await store.transaction(async (tx) => {
        const m = await people.membership(tx, principal.orgId, userId);
        if (!m) throw new NotFoundError('Member', userId);
        await keepAManager(tx, principal.orgId, m);
        await people.deleteMembership(tx, principal.orgId, userId);
        await revokeMemberTokens(tx, principal.orgId, userId, clock.now());
        await audit(tx, {
          orgId: principal.orgId,
          actorUserId: principal.userId,
          actor: principal.email,
          action: 'membership.remove',
          objectType: 'user',
          objectId: userId,
        });
      });
    },
  };
}
