import {
  ConflictError,
  InputError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  UnauthenticatedError,
} from '../lib/errors.js';
import type { Clock } from '../lib/clock.js';
import { newId, randomToken, sha256Hex } from '../lib/ids.js';
import type { Queryable, Store } from '../store/store.js';
import { audit } from './audit-log.js';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { can, ROLES, type Principal, type Role } from './permissions.js';

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

export interface MemberView extends UserView {
  role: Role;
  manageCloudCredentials: boolean;
  joinedAt: string;
}

export interface TokenView {
  id: string;
  name: string;
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

const LOGIN_WINDOW_MS = 15 * 60 * 1000;
const TOKEN_TOUCH_MS = 60 * 1000;
const MAX_FAILURES_PER_ACCOUNT = 5;
const MAX_FAILURES_PER_ADDRESS = 20;

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function newExternalId(): string {
  // 32 bytes of randomness: unguessable, and within the 2–1224 characters AWS allows for sts:ExternalId.
  return `ct-${randomToken(32)}`;
}

type OrgRow = { id: string; name: string; role: Role; manage_cloud_credentials: boolean };

function orgView(r: OrgRow): OrganizationView {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    manageCloudCredentials: Boolean(r.manage_cloud_credentials),
  };
}

export interface AuthServiceDeps {
  store: Store;
  clock: Clock;
  sessionTtlHours: number;
}

export type AuthService = ReturnType<typeof createAuthService>;

export function createAuthService({ store, clock, sessionTtlHours }: AuthServiceDeps) {
  let orgExists = false;
  // Checked against when the e-mail is unknown, so that a wrong address costs as long as a wrong password.
  let dummyHash: Promise<string> | undefined;

  async function organizationsOf(q: Queryable, userId: string): Promise<OrganizationView[]> {
    const rows = await q.query<OrgRow>(
      `SELECT o.id, o.name, m.role, m.manage_cloud_credentials FROM memberships m
       JOIN organizations o ON o.id = m.org_id WHERE m.user_id = $1 ORDER BY o.name`,
      [userId],
    );
    return rows.map(orgView);
  }

  async function userByEmail(q: Queryable, email: string) {
    const [u] = await q.query<{
      id: string;
      email: string;
      name: string | null;
      password_hash: string;
      disabled: boolean;
    }>('SELECT id, email, name, password_hash, disabled FROM users WHERE email = $1', [
      normalizeEmail(email),
    ]);
    return u;
  }

  async function principalFor(userId: string, orgId: string, via: Principal['via'], tokenId?: string) {
    const [m] = await store.query<{
      email: string;
      role: Role;
      manage_cloud_credentials: boolean;
      disabled: boolean;
    }>(
      `SELECT u.email, u.disabled, m.role, m.manage_cloud_credentials FROM memberships m
       JOIN users u ON u.id = m.user_id WHERE m.user_id = $1 AND m.org_id = $2`,
      [userId, orgId],
    );
    if (!m || m.disabled) return null;
    const principal: Principal = {
      userId,
      email: m.email,
      orgId,
      role: m.role,
      manageCloudCredentials: Boolean(m.manage_cloud_credentials),
      via,
    };
    if (tokenId) principal.tokenId = tokenId;
    return principal;
  }

  async function recordFailure(keys: string[], user?: { id: string; email: string }, ip?: string) {
    const now = clock.now();
    await store.transaction(async (tx) => {
      if (user) {
        for (const org of await organizationsOf(tx, user.id)) {
          await audit(tx, {
            orgId: org.id,
            actorUserId: user.id,
            actor: user.email,
            action: 'auth.login_failed',
            objectType: 'session',
            ip,
          });
        }
      }
      for (const key of keys) {
        await tx.execute('INSERT INTO login_attempts (attempt_key, attempted_at) VALUES ($1, $2)', [
          key,
          now,
        ]);
      }
      await tx.execute('DELETE FROM login_attempts WHERE attempted_at < $1', [
        new Date(now.getTime() - LOGIN_WINDOW_MS),
      ]);
    });
  }

  async function failures(key: string): Promise<number> {
    const since = new Date(clock.now().getTime() - LOGIN_WINDOW_MS);
    const [r] = await store.query<{ n: number }>(
      'SELECT count(*) AS n FROM login_attempts WHERE attempt_key = $1 AND attempted_at >= $2',
      [key, since],
    );
    return Number(r.n);
  }

  /**
   * Records when a token was last used, at most once a minute: a client sending requests in parallel must not
   * make them write the same row at once (DuckDB aborts one of two concurrent writers), and a minute is as
   * precise as "last used" needs to be.
   */
  async function touchToken(id: string, lastUsedAt: Date | null): Promise<void> {
    const now = clock.now();
    if (lastUsedAt && now.getTime() - lastUsedAt.getTime() < TOKEN_TOUCH_MS) return;
    try {
      await store.execute('UPDATE api_tokens SET last_used_at = $1 WHERE id = $2', [now, id]);
    } catch (err) {
      // Another request of the same client wrote it a moment ago; the request itself is unaffected.
      if (!(err instanceof Error && /conflict/i.test(err.message))) throw err;
    }
  }

  function requireManager(principal: Principal) {
    if (!can(principal, 'org:manage'))
      throw new PermissionError('Only an Organization Manager may manage members.');
  }

  async function managerCount(q: Queryable, orgId: string): Promise<number> {
    const [r] = await q.query<{ n: number }>(
      `SELECT count(*) AS n FROM memberships WHERE org_id = $1 AND role = 'manager'`,
      [orgId],
    );
    return Number(r.n);
  }

  return {
    async hasOrganization(): Promise<boolean> {
      if (orgExists) return true;
      const [r] = await store.query<{ n: number }>('SELECT count(*) AS n FROM organizations');
      orgExists = Number(r.n) > 0;
      return orgExists;
    },

    /**
     * Creates the organization (if new), the user (if new) and the membership. Used by `cloudtally users create`
     * before the first start, and by managers adding members.
     */
    async createUser(input: {
      org: string;
      email: string;
      role: Role;
      password: string;
      name?: string;
      manageCloudCredentials?: boolean;
      /** Who adds the member, for the audit log; the CLI when absent. */
      actor?: string;
      actorUserId?: string;
    }): Promise<{
      user: UserView;
      organization: OrganizationView;
      createdOrganization: boolean;
      createdUser: boolean;
    }> {
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
        let [org] = await tx.query<{ id: string; name: string }>(
          'SELECT id, name FROM organizations WHERE name = $1',
          [input.org.trim()],
        );
        const createdOrganization = !org;
        if (!org) {
          org = { id: newId('org'), name: input.org.trim() };
          await tx.execute(
            'INSERT INTO organizations (id, name, external_id, settings, created_at) VALUES ($1, $2, $3, $4, $5)',
            [org.id, org.name, newExternalId(), '{}', now],
          );
        }
        let user = await userByEmail(tx, email);
        const createdUser = !user;
        if (!user) {
          if (problem) throw new InputError('password', problem);
          const id = newId('usr');
          await tx.execute(
            'INSERT INTO users (id, email, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)',
            [id, email, input.name ?? null, passwordHash, now],
          );
          user = { id, email, name: input.name ?? null, password_hash: passwordHash, disabled: false };
        }
        const [existing] = await tx.query('SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2', [
          org.id,
          user.id,
        ]);
        if (existing) throw new ConflictError(`${email} is already a member of ${org.name}`);
        await tx.execute(
          'INSERT INTO memberships (org_id, user_id, role, manage_cloud_credentials, created_at) VALUES ($1, $2, $3, $4, $5)',
          [org.id, user.id, input.role, manageCloudCredentials, now],
        );
        await audit(tx, {
          orgId: org.id,
          actorUserId: input.actorUserId ?? null,
          actor: input.actor ?? 'cli',
          action: 'membership.create',
          objectType: 'user',
          objectId: user.id,
          details: { email, role: input.role, manageCloudCredentials, createdOrganization, createdUser },
        });
        orgExists = true;
        return {
          user: { id: user.id, email, name: user.name },
          organization: { id: org.id, name: org.name, role: input.role, manageCloudCredentials },
          createdOrganization,
          createdUser,
        };
      });
    },

    async login(emailInput: string, password: string, ip: string): Promise<LoginResult> {
      const email = normalizeEmail(emailInput);
      const accountKey = `account:${email}`;
      const addressKey = `address:${ip}`;
      if (
        (await failures(accountKey)) >= MAX_FAILURES_PER_ACCOUNT ||
        (await failures(addressKey)) >= MAX_FAILURES_PER_ADDRESS
      ) {
        throw new RateLimitError(
          'Too many failed sign-ins; wait 15 minutes and try again.',
          LOGIN_WINDOW_MS / 1000,
        );
      }
      const user = await userByEmail(store, email);
      if (!user) {
        dummyHash ??= hashPassword(randomToken(16));
        await verifyPassword(password, await dummyHash);
      }
      const ok = user && !user.disabled && (await verifyPassword(password, user.password_hash));
      if (!user || !ok) {
        await recordFailure([accountKey, addressKey], user, ip);
        throw new UnauthenticatedError('The e-mail or password is wrong.');
      }
      const organizations = await organizationsOf(store, user.id);
      if (organizations.length === 0) throw new UnauthenticatedError('This user belongs to no organization.');
      const sessionToken = randomToken(32);
      const csrfToken = randomToken(24);
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + sessionTtlHours * 3600 * 1000);
      await store.transaction(async (tx) => {
        // A successful sign-in ends the account's lockout count; the address count stays (one good account must
        // not reset the guessing budget of an address).
        await tx.execute('DELETE FROM login_attempts WHERE attempt_key = $1', [accountKey]);
        await tx.execute(
          'INSERT INTO sessions (id_hash, user_id, org_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
          [sha256Hex(sessionToken), user.id, organizations[0].id, csrfToken, now, expiresAt],
        );
        for (const org of organizations) {
          await audit(tx, {
            orgId: org.id,
            actorUserId: user.id,
            actor: email,
            action: 'auth.login',
            objectType: 'session',
            ip,
          });
        }
      });
      return {
        sessionToken,
        csrfToken,
        expiresAt,
        user: { id: user.id, email, name: user.name },
        organizations,
      };
    },

    async authenticateSession(token: string): Promise<{ principal: Principal; csrfToken: string } | null> {
      const [s] = await store.query<{
        user_id: string;
        org_id: string;
        csrf_token: string;
        expires_at: Date;
        revoked_at: Date | null;
      }>('SELECT user_id, org_id, csrf_token, expires_at, revoked_at FROM sessions WHERE id_hash = $1', [
        sha256Hex(token),
      ]);
      if (!s || s.revoked_at || s.expires_at.getTime() <= clock.now().getTime()) return null;
      let principal = await principalFor(s.user_id, s.org_id, 'session');
      if (!principal) {
        // Removed from the session's organization: carry on in one the user still belongs to.
        const [other] = await organizationsOf(store, s.user_id);
        principal = other ? await principalFor(s.user_id, other.id, 'session') : null;
        if (principal) {
          await store.execute('UPDATE sessions SET org_id = $1 WHERE id_hash = $2', [
            principal.orgId,
            sha256Hex(token),
          ]);
        }
      }
      return principal ? { principal, csrfToken: s.csrf_token } : null;
    },

    async authenticateToken(token: string): Promise<Principal | null> {
      const [t] = await store.query<{
        id: string;
        user_id: string;
        org_id: string;
        expires_at: Date | null;
        revoked_at: Date | null;
        last_used_at: Date | null;
      }>(
        'SELECT id, user_id, org_id, expires_at, revoked_at, last_used_at FROM api_tokens WHERE token_hash = $1',
        [sha256Hex(token)],
      );
      if (!t || t.revoked_at || (t.expires_at && t.expires_at.getTime() <= clock.now().getTime()))
        return null;
      await touchToken(t.id, t.last_used_at);
      return principalFor(t.user_id, t.org_id, 'token', t.id);
    },

    async logout(token: string, principal: Principal): Promise<void> {
      await store.transaction(async (tx) => {
        await tx.execute('UPDATE sessions SET revoked_at = $1 WHERE id_hash = $2 AND revoked_at IS NULL', [
          clock.now(),
          sha256Hex(token),
        ]);
        await audit(tx, {
          orgId: principal.orgId,
          actorUserId: principal.userId,
          actor: principal.email,
          action: 'auth.logout',
          objectType: 'session',
        });
      });
    },

    async switchOrganization(token: string, principal: Principal, orgId: string): Promise<OrganizationView> {
      const orgs = await organizationsOf(store, principal.userId);
      const org = orgs.find((o) => o.id === orgId);
      if (!org) throw new NotFoundError('Organization', orgId);
      await store.transaction(async (tx) => {
        await tx.execute('UPDATE sessions SET org_id = $1 WHERE id_hash = $2', [orgId, sha256Hex(token)]);
        await audit(tx, {
          orgId,
          actorUserId: principal.userId,
          actor: principal.email,
          action: 'auth.switch_organization',
          objectType: 'organization',
          objectId: orgId,
          details: { from: principal.orgId },
        });
      });
      return org;
    },

    async me(principal: Principal) {
      const [u] = await store.query<{ id: string; email: string; name: string | null }>(
        'SELECT id, email, name FROM users WHERE id = $1',
        [principal.userId],
      );
      const organizations = await organizationsOf(store, principal.userId);
      const organization = organizations.find((o) => o.id === principal.orgId);
      if (!organization) throw new NotFoundError('Organization', principal.orgId);
      return {
        user: u,
        organization,
        organizations,
        role: principal.role,
        manageCloudCredentials: principal.manageCloudCredentials,
      };
    },

    organizations(userId: string) {
      return organizationsOf(store, userId);
    },

    async createOrganization(principal: Principal, name: string): Promise<OrganizationView> {
      const trimmed = name.trim();
      if (!trimmed) throw new InputError('name', 'The organization name must not be empty');
      return store.transaction(async (tx) => {
        const [dup] = await tx.query('SELECT id FROM organizations WHERE name = $1', [trimmed]);
        if (dup) throw new ConflictError(`An organization named "${trimmed}" exists already`);
        const id = newId('org');
        const now = clock.now();
        await tx.execute(
          'INSERT INTO organizations (id, name, external_id, settings, created_at) VALUES ($1, $2, $3, $4, $5)',
          [id, trimmed, newExternalId(), '{}', now],
        );
        await tx.execute(
          `INSERT INTO memberships (org_id, user_id, role, manage_cloud_credentials, created_at) VALUES ($1, $2, 'manager', FALSE, $3)`,
          [id, principal.userId, now],
        );
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

    async listMembers(orgId: string): Promise<MemberView[]> {
      const rows = await store.query<{
        id: string;
        email: string;
        name: string | null;
        role: Role;
        manage_cloud_credentials: boolean;
        created_at: Date;
      }>(
        `SELECT u.id, u.email, u.name, m.role, m.manage_cloud_credentials, m.created_at FROM memberships m
         JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 ORDER BY u.email`,
        [orgId],
      );
      return rows.map((r) => ({
        id: r.id,
        email: r.email,
        name: r.name,
        role: r.role,
        manageCloudCredentials: Boolean(r.manage_cloud_credentials),
        joinedAt: r.created_at.toISOString(),
      }));
    },

    async updateMember(
      principal: Principal,
      userId: string,
      patch: { role?: Role; manageCloudCredentials?: boolean },
    ): Promise<MemberView> {
      requireManager(principal);
      await store.transaction(async (tx) => {
        const [m] = await tx.query<{ role: Role }>(
          'SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2',
          [principal.orgId, userId],
        );
        if (!m) throw new NotFoundError('Member', userId);
        if (
          patch.role &&
          patch.role !== 'manager' &&
          m.role === 'manager' &&
          (await managerCount(tx, principal.orgId)) <= 1
        ) {
          throw new ConflictError('The organization needs at least one Organization Manager.');
        }
        if (patch.role)
          await tx.execute('UPDATE memberships SET role = $1 WHERE org_id = $2 AND user_id = $3', [
            patch.role,
            principal.orgId,
            userId,
          ]);
        if (patch.manageCloudCredentials !== undefined) {
          await tx.execute(
            'UPDATE memberships SET manage_cloud_credentials = $1 WHERE org_id = $2 AND user_id = $3',
            [patch.manageCloudCredentials, principal.orgId, userId],
          );
        }
        await audit(tx, {
          orgId: principal.orgId,
          actorUserId: principal.userId,
          actor: principal.email,
          action: 'membership.update',
          objectType: 'user',
          objectId: userId,
          details: patch,
        });
      });
      const member = (await this.listMembers(principal.orgId)).find((x) => x.id === userId);
      if (!member) throw new NotFoundError('Member', userId);
      return member;
    },

    async removeMember(principal: Principal, userId: string): Promise<void> {
      requireManager(principal);
      await store.transaction(async (tx) => {
        const [m] = await tx.query<{ role: Role }>(
          'SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2',
          [principal.orgId, userId],
        );
        if (!m) throw new NotFoundError('Member', userId);
        if (m.role === 'manager' && (await managerCount(tx, principal.orgId)) <= 1) {
          throw new ConflictError('The organization needs at least one Organization Manager.');
        }
        await tx.execute('DELETE FROM memberships WHERE org_id = $1 AND user_id = $2', [
          principal.orgId,
          userId,
        ]);
        await tx.execute(
          'UPDATE api_tokens SET revoked_at = $1 WHERE org_id = $2 AND user_id = $3 AND revoked_at IS NULL',
          [clock.now(), principal.orgId, userId],
        );
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

    /** A new API token for the principal in its organization; the token itself is shown once and stored hashed. */
    async createToken(
      principal: Pick<Principal, 'userId' | 'orgId' | 'email'>,
      name: string,
      expiresInDays?: number,
    ): Promise<{ id: string; token: string; name: string }> {
      const trimmed = name.trim();
      if (!trimmed || trimmed.length > 100)
        throw new InputError('name', 'The token name must be 1 to 100 characters');
      const id = newId('tok');
      const token = `ct_${randomToken(32)}`;
      const now = clock.now();
      const expiresAt = expiresInDays ? new Date(now.getTime() + expiresInDays * 86400 * 1000) : null;
      await store.transaction(async (tx) => {
        await tx.execute(
          'INSERT INTO api_tokens (id, org_id, user_id, name, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
          [id, principal.orgId, principal.userId, trimmed, sha256Hex(token), now, expiresAt],
        );
        await audit(tx, {
          orgId: principal.orgId,
          actorUserId: principal.userId,
          actor: principal.email,
          action: 'token.create',
          objectType: 'api_token',
          objectId: id,
          details: { name: trimmed },
        });
      });
      return { id, token, name: trimmed };
    },

    /**
     * The user acting in their (first, or named) organization, for CLI commands run on the data directory
     * without a server: whoever can open the database may act as any user.
     */
    async principalForEmail(emailInput: string, orgName?: string): Promise<Principal> {
      const user = await userByEmail(store, emailInput);
      if (!user) throw new NotFoundError('User', normalizeEmail(emailInput));
      const orgs = await organizationsOf(store, user.id);
      const org = orgName ? orgs.find((o) => o.name === orgName) : orgs[0];
      if (!org) {
        throw orgName
          ? new NotFoundError(`Organization "${orgName}" of ${user.email}`)
          : new NotFoundError(`An organization of ${user.email}`);
      }
      const principal = await principalFor(user.id, org.id, 'cli');
      if (!principal) throw new PermissionError(`${user.email} is disabled.`);
      return principal;
    },

    /** Bootstrap: a token for the user in their (first, or named) organization, without a running server. */
    async createTokenForEmail(emailInput: string, name: string, orgName?: string) {
      return this.createToken(await this.principalForEmail(emailInput, orgName), name);
    },

    async listTokens(principal: Principal): Promise<TokenView[]> {
      const rows = await store.query<{
        id: string;
        name: string;
        created_at: Date;
        last_used_at: Date | null;
        expires_at: Date | null;
        revoked_at: Date | null;
      }>(
        'SELECT id, name, created_at, last_used_at, expires_at, revoked_at FROM api_tokens WHERE org_id = $1 AND user_id = $2 ORDER BY created_at DESC',
        [principal.orgId, principal.userId],
      );
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        createdAt: r.created_at.toISOString(),
        lastUsedAt: r.last_used_at?.toISOString() ?? null,
        expiresAt: r.expires_at?.toISOString() ?? null,
        revokedAt: r.revoked_at?.toISOString() ?? null,
      }));
    },

    async revokeToken(principal: Principal, id: string): Promise<void> {
      await store.transaction(async (tx) => {
        const [t] = await tx.query<{ user_id: string }>(
          'SELECT user_id FROM api_tokens WHERE id = $1 AND org_id = $2',
          [id, principal.orgId],
        );
        // Managers may revoke any token of their organization; others only their own.
        if (!t || (t.user_id !== principal.userId && !can(principal, 'org:manage')))
          throw new NotFoundError('Token', id);
        await tx.execute('UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [
          clock.now(),
          id,
        ]);
        await audit(tx, {
          orgId: principal.orgId,
          actorUserId: principal.userId,
          actor: principal.email,
          action: 'token.revoke',
          objectType: 'api_token',
          objectId: id,
        });
      });
    },
  };
}
