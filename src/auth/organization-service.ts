import { ConflictError, InputError, NotFoundError, PermissionError } from '../lib/errors.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import type { Queryable, Store } from '../store/store.js';
import { audit } from './audit-log.js';
import * as people from './auth-store.js';
import { EMAIL, normalizeEmail, type MemberView, type OrganizationView } from './auth-types.js';
import { revokeMemberTokens } from './credential-store.js';
import { acceptedMemberByEmail, allOrganizations } from './organization-directory.js';
import { hashPassword, passwordProblem } from './passwords.js';
import { can, ROLES, type Principal, type Role } from './permissions.js';
import { newExternalId } from './user-service.js';

export interface AddMemberInput {
  email: string;
  role: Role;
  /** The initial password, used only if the address has no account yet. */
  password?: string;
  name?: string;
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
     * A manager adds a person by e-mail. The answer is the same whether or not the address has an account: a
     * pending membership either way, accepted by the person (a new user by signing in with the initial password,
     * an existing one through the invitations of the people-and-access issue). The password is required and
     * checked either way, and hashed either way, so that neither the answer nor its time tells the two apart.
     * An instance administrator, who sees every account anyway, adds people at once.
     */
    async addMember(principal: Principal, input: AddMemberInput): Promise<MemberView> {
      requireManager(principal);
      const email = normalizeEmail(input.email);
      if (!EMAIL.test(email)) throw new InputError('email', `"${input.email}" is not an e-mail address`);
      if (!ROLES.includes(input.role))
        throw new InputError('role', `The role must be one of ${ROLES.join(', ')}`);
      const admin = principal.instanceAdmin === true;
      if (!admin || input.password !== undefined) {
        const problem = passwordProblem(input.password ?? '');
        if (problem) throw new InputError('password', problem);
      }
      const passwordHash = await hashPassword(input.password ?? '');
      const manageCloudCredentials = input.manageCloudCredentials ?? false;
      return store.transaction(async (tx) => {
        const now = clock.now();
        let user = await people.userByEmail(tx, email);
        const createdUser = !user;
        if (!user) {
          // Without a password an administrator adds existing accounts only.
          if (input.password === undefined)
            throw new InputError('password', 'A new user needs an initial password');
          const id = newId('usr');
          await people.insertUser(tx, {
            id,
            email,
            name: input.name ?? null,
            passwordHash,
            instanceAdmin: false,
            now,
          });
          user = {
            id,
            email,
            name: null,
            password_hash: passwordHash,
            disabled: false,
            instance_admin: false,
            last_org_id: null,
          };
        }
        if (await people.membership(tx, principal.orgId, user.id))
          throw new ConflictError(`${email} is already a member of this organization`);
        await people.insertMembership(tx, {
          orgId: principal.orgId,
          userId: user.id,
          role: input.role,
          manageCloudCredentials,
          now,
          acceptedAt: admin ? now : null,
          acceptOnSignIn: !admin && createdUser,
        });
        await audit(tx, {
          orgId: principal.orgId,
          actorUserId: principal.userId,
          actor: principal.email,
          action: 'membership.create',
          objectType: 'user',
          objectId: user.id,
          // Nothing here may say whether the account existed: managers read this log.
          details: { email, role: input.role, manageCloudCredentials, status: admin ? 'active' : 'pending' },
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
