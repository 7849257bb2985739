import { ConflictError, InputError, NotFoundError, PermissionError } from '../lib/errors.js';
import type { Clock } from '../lib/clock.js';
import { newId, randomToken } from '../lib/ids.js';
import type { Store } from '../store/store.js';
import { audit } from './audit-log.js';
import * as people from './auth-store.js';
import {
  EMAIL,
  normalizeEmail,
  type InstanceSettings,
  type OrganizationView,
  type UserView,
} from './auth-types.js';
import { hashPassword, passwordProblem } from './passwords.js';
import { ROLES, type Principal, type Role } from './permissions.js';

export function newExternalId(): string {
  // 32 bytes of randomness: unguessable, and within the 2–1224 characters AWS allows for sts:ExternalId.
  return `ct-${randomToken(32)}`;
}

export interface CreateUserInput {
  org: string;
  email: string;
  role: Role;
  password: string;
  name?: string;
  manageCloudCredentials?: boolean;
  /** Make the user an instance administrator (the first user of an instance always becomes one). */
  instanceAdmin?: boolean;
  /** Who acts, for the audit log: `cli` when absent. */
  actor?: string;
}

export interface CreateUserResult {
  user: UserView;
  organization: OrganizationView;
  createdOrganization: boolean;
  createdUser: boolean;
  instanceAdmin: boolean;
}

export type UserService = ReturnType<typeof createUserService>;

/** Users as the instance sees them: bootstrap, instance administrators and settings, principals. */
export function createUserService({ store, clock }: { store: Store; clock: Clock }) {
  let orgExists = false;

  async function principalFor(
    userId: string,
    orgId: string,
    via: Principal['via'],
    tokenId?: string,
  ): Promise<Principal | null> {
    const m = await people.activeMembership(store, userId, orgId);
    if (!m || m.disabled) return null;
    const principal: Principal = {
      userId,
      email: m.email,
      orgId,
      role: m.role,
      manageCloudCredentials: Boolean(m.manage_cloud_credentials),
      via,
      instanceAdmin: Boolean(m.instance_admin),
    };
    if (tokenId) principal.tokenId = tokenId;
    return principal;
  }

  return {
    principalFor,

    async hasOrganization(): Promise<boolean> {
      if (orgExists) return true;
      orgExists = (await people.countRows(store, 'organizations')) > 0;
      return orgExists;
    },

    /**
     * An instance-level action (`cloudtally users create` on the database, the demo, tests): creates the
     * organization (if new), the user (if new) and an accepted membership. Whoever can open the database may do
     * this; organization managers add people through the organization service instead.
     */
    async createUser(input: CreateUserInput): Promise<CreateUserResult> {
      const email = normalizeEmail(input.email);
      if (!EMAIL.test(email)) throw new InputError('email', `"${input.email}" is not an e-mail address`);
      if (!input.org.trim()) throw new InputError('org', 'The organization name must not be empty');
      if (!ROLES.includes(input.role))
        throw new InputError('role', `The role must be one of ${ROLES.join(', ')}`);
      const problem = passwordProblem(input.password);
      const passwordHash = await hashPassword(input.password);
      const manageCloudCredentials = input.manageCloudCredentials ?? false;
      return store.transaction(async (tx) => {
        const now = clock.now();
        let org = await people.organizationByName(tx, input.org.trim());
        const createdOrganization = !org;
        if (!org) {
          org = { id: newId('org'), name: input.org.trim() };
          await people.insertOrganization(tx, { ...org, externalId: newExternalId(), now });
        }
        let user = await people.userByEmail(tx, email);
        const createdUser = !user;
        let instanceAdmin: boolean;
        if (!user) {
          if (problem) throw new InputError('password', problem);
          // The user of the bootstrap `users create` is the instance's administrator.
          instanceAdmin = input.instanceAdmin === true || (await people.countRows(tx, 'users')) === 0;
          const id = newId('usr');
          await people.insertUser(tx, {
            id,
            email,
            name: input.name ?? null,
            passwordHash,
            instanceAdmin,
            now,
          });
          user = {
            id,
            email,
            name: input.name ?? null,
            password_hash: passwordHash,
            disabled: false,
            instance_admin: instanceAdmin,
            last_org_id: null,
          };
        } else {
          instanceAdmin = Boolean(user.instance_admin) || input.instanceAdmin === true;
          if (input.instanceAdmin && !user.instance_admin) await people.makeInstanceAdmin(tx, user.id);
        }
        const existing = await people.membership(tx, org.id, user.id);
        if (existing?.accepted) throw new ConflictError(`${email} is already a member of ${org.name}`);
        if (existing) {
          // A manager's pending addition, now made by the instance: it takes the role given here.
          await people.acceptMembership(tx, org.id, user.id, now);
          await people.updateMembership(tx, org.id, user.id, { role: input.role, manageCloudCredentials });
        } else
          await people.insertMembership(tx, {
            orgId: org.id,
            userId: user.id,
            role: input.role,
            manageCloudCredentials,
            now,
            acceptedAt: now,
          });
        await audit(tx, {
          orgId: org.id,
          actorUserId: null,
          actor: input.actor ?? 'cli',
          action: 'membership.create',
          objectType: 'user',
          objectId: user.id,
          details: { email, role: input.role, manageCloudCredentials, createdOrganization },
        });
        orgExists = true;
        return {
          user: { id: user.id, email, name: user.name },
          organization: { id: org.id, name: org.name, role: input.role, manageCloudCredentials },
          createdOrganization,
          createdUser,
          instanceAdmin,
        };
      });
    },

    /**
     * The user acting in their default (or the named) organization, for CLI commands run on the data directory
     * without a server: whoever can open the database may act as any user.
     */
    async principalForEmail(emailInput: string, orgName?: string): Promise<Principal> {
      const user = await people.userByEmail(store, normalizeEmail(emailInput));
      if (!user) throw new NotFoundError('User', normalizeEmail(emailInput));
      const { organizations, defaultOrgId } = await people.acceptedOrganizations(store, user.id);
      const org = orgName
        ? organizations.find((o) => o.name === orgName)
        : organizations.find((o) => o.id === defaultOrgId);
      if (!org) {
        throw orgName
          ? new NotFoundError(`Organization "${orgName}" of ${user.email}`)
          : new NotFoundError(`An organization of ${user.email}`);
      }
      const principal = await principalFor(user.id, org.id, 'cli');
      if (!principal) throw new PermissionError(`${user.email} is disabled.`);
      return principal;
    },

    instanceSettings(): Promise<InstanceSettings> {
      return people.readInstanceSettings(store);
    },

    async updateInstanceSettings(
      principal: Principal,
      patch: Partial<InstanceSettings>,
    ): Promise<InstanceSettings> {
      if (!principal.instanceAdmin)
        throw new PermissionError('Only an instance administrator may change instance settings.');
      await store.transaction(async (tx) => {
        const now = clock.now();
        if (patch.allowMemberOrganizations !== undefined)
          await people.writeInstanceSetting(
            tx,
            'allowMemberOrganizations',
            String(patch.allowMemberOrganizations),
            now,
          );
        await audit(tx, {
          orgId: principal.orgId,
          actorUserId: principal.userId,
          actor: principal.email,
          action: 'instance.settings_update',
          objectType: 'instance',
          details: patch,
        });
      });
      return people.readInstanceSettings(store);
    },
  };
}
