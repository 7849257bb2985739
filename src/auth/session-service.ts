import { NotFoundError, PermissionError, UnauthenticatedError } from '../lib/errors.js';
import type { Clock } from '../lib/clock.js';
import { randomToken, sha256Hex } from '../lib/ids.js';
import type { Queryable, Store } from '../store/store.js';
import { audit } from './audit-log.js';
import * as people from './auth-store.js';
import { normalizeEmail, type LoginResult, type OrganizationView, type SessionView } from './auth-types.js';
import * as credentials from './credential-store.js';
import { attemptKeys, type LoginThrottle } from './login-throttle.js';
import { hashPassword, verifyPassword } from './passwords.js';
import type { Principal } from './permissions.js';
import { ssoRequiredOrgIds } from './sso-store.js';
import type { UserService } from './user-service.js';

export interface SessionServiceDeps {
  store: Store;
  clock: Clock;
  sessionTtlHours: number;
  users: Pick<UserService, 'principalFor'>;
  throttle: LoginThrottle;
}

export type SessionService = ReturnType<typeof createSessionService>;

/** Sign-in, sessions and the organization a session acts in. */
export function createSessionService({ store, clock, sessionTtlHours, users, throttle }: SessionServiceDeps) {
  // Checked against when the e-mail is unknown, so that a wrong address costs as long as a wrong password.
  let dummyHash: Promise<string> | undefined;

  /**
   * Records a failed sign-in in the same way whether or not the address has an account: the organizations the
   * person has accepted (none for an unknown address) each get a record, and an instance-level record is written
   * when there are none, so that both paths do the same work.
   */
  async function recordFailure(email: string, userId: string | undefined, ip: string): Promise<void> {
    await store.transaction(async (tx) => {
      const orgIds = await people.acceptedOrgIds(tx, userId ?? '');
      for (const orgId of orgIds.length ? orgIds : [null]) {
        await audit(tx, {
          orgId,
          actorUserId: orgId ? (userId ?? null) : null,
          actor: email,
          action: 'auth.login_failed',
          objectType: 'session',
          ip,
        });
      }
    });
    await throttle.failed();
  }

  async function moveTo(q: Queryable, idHash: string, userId: string, orgId: string): Promise<void> {
    await credentials.setSessionOrganization(q, idHash, orgId);
    await people.setLastOrganization(q, userId, orgId);
  }

  /**
   * Opens a session for a user who has proved who they are (a password, an accepted invitation, single sign-on),
   * in the given organization, and records the sign-in in each organization the person belongs to.
   */
  async function startSession(
    user: { id: string; email: string; name: string | null },
    organizations: OrganizationView[],
    orgId: string,
    how: { ip: string; userAgent?: string; how: 'password' | 'invitation' | 'sso'; idTokenHint?: string },
  ): Promise<LoginResult> {
    const sessionToken = randomToken(32);
    const csrfToken = randomToken(24);
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + sessionTtlHours * 3600 * 1000);
    await store.transaction(async (tx) => {
      await credentials.insertSession(tx, {
        idHash: sha256Hex(sessionToken),
        userId: user.id,
        orgId,
        csrfToken,
        now,
        expiresAt,
        ip: how.ip,
        userAgent: how.userAgent,
        via: how.how,
        idTokenHint: how.idTokenHint,
      });
      await people.setLastOrganization(tx, user.id, orgId);
      for (const org of organizations) {
        await audit(tx, {
          orgId: org.id,
          actorUserId: user.id,
          actor: user.email,
          action: 'auth.login',
          objectType: 'session',
          ip: how.ip,
          details: how.how === 'password' ? undefined : { via: how.how },
        });
      }
    });
    return {
      sessionToken,
      csrfToken,
      expiresAt,
      user: { id: user.id, email: user.email, name: user.name },
      organizations,
    };
  }

  return {
    startSession,

    async login(emailInput: string, password: string, ip: string, userAgent?: string): Promise<LoginResult> {
      const email = normalizeEmail(emailInput);
      const keys = attemptKeys(email, ip);
      await throttle.reserve(keys);
      const user = await people.userByEmail(store, email);
      dummyHash ??= hashPassword(randomToken(16));
      const ok = await verifyPassword(password, user?.password_hash ?? (await dummyHash));
      if (!user || user.disabled || !ok) {
        await recordFailure(email, user?.id, ip);
        throw new UnauthenticatedError('The e-mail or password is wrong.');
      }
      const now = clock.now();
      // A new user's first sign-in with the initial password is their acceptance of the organization that made it.
      if (await people.hasSignInAcceptance(store, user.id)) await people.acceptOnSignIn(store, user.id, now);
      const accepted = await people.acceptedOrganizations(store, user.id);
      // Organizations that require single sign-on are not entered with a password (their break-glass manager aside).
      const ssoOnly = new Set(await ssoRequiredOrgIds(store, user.id));
      const organizations = accepted.organizations.filter((o) => !ssoOnly.has(o.id));
      const defaultOrgId = ssoOnly.has(accepted.defaultOrgId ?? '')
        ? organizations[0]?.id
        : accepted.defaultOrgId;
      if (!defaultOrgId) {
        await throttle.succeeded(keys);
        if (ssoOnly.size > 0) {
          const names = accepted.organizations.filter((o) => ssoOnly.has(o.id)).map((o) => o.name);
          throw new UnauthenticatedError(
            `${names.join(', ')} requires single sign-on: use "Continue with single sign-on" instead of a password.`,
          );
        }
        throw new UnauthenticatedError('This user belongs to no organization.');
      }
      const result = await startSession(user, organizations, defaultOrgId, {
        ip,
        userAgent,
        how: 'password',
      });
      await throttle.succeeded(keys);
      return result;
    },

    async authenticateSession(token: string): Promise<{ principal: Principal; csrfToken: string } | null> {
      const idHash = sha256Hex(token);
      const s = await credentials.sessionByHash(store, idHash);
      if (!s || s.revoked_at || s.expires_at.getTime() <= clock.now().getTime()) return null;
      let principal = await users.principalFor(s.user_id, s.org_id, 'session');
      if (!principal && s.via !== 'sso') {
        // Removed from the session's organization: carry on in the user's default one, or another they belong to,
        // but not in one that requires single sign-on. (A single sign-on session stays in its organization.)
        const { organizations, defaultOrgId } = await people.acceptedOrganizations(store, s.user_id);
        const ssoOnly = new Set(await ssoRequiredOrgIds(store, s.user_id));
        const fallback = [defaultOrgId, ...organizations.map((o) => o.id)].find(
          (id) => id && !ssoOnly.has(id),
        );
        principal = fallback ? await users.principalFor(s.user_id, fallback, 'session') : null;
        if (principal) await moveTo(store, idHash, s.user_id, principal.orgId);
      }
      return principal ? { principal, csrfToken: s.csrf_token } : null;
    },

    /**
     * Ends the session. Answers how it was opened, and for a single sign-on session the ID token it was opened
     * with, so that the caller can send the browser to the provider to end its session there too.
     */
    async logout(
      token: string,
      principal: Principal,
    ): Promise<{ via: string | null; orgId: string; idTokenHint: string | null }> {
      return store.transaction(async (tx) => {
        const session = await credentials.sessionByHash(tx, sha256Hex(token));
        await credentials.revokeSession(tx, sha256Hex(token), clock.now());
        await audit(tx, {
          orgId: principal.orgId,
          actorUserId: principal.userId,
          actor: principal.email,
          action: 'auth.logout',
          objectType: 'session',
        });
        return {
          via: session?.via ?? null,
          orgId: session?.org_id ?? principal.orgId,
          idTokenHint: session?.id_token_hint ?? null,
        };
      });
    },

    /** Moves the session to another accepted organization, which becomes the user's default. */
    async switchOrganization(token: string, principal: Principal, orgId: string): Promise<OrganizationView> {
      const { organizations } = await people.acceptedOrganizations(store, principal.userId);
      const org = organizations.find((o) => o.id === orgId);
      if (!org) throw new NotFoundError('Organization', orgId);
      const session = await credentials.sessionByHash(store, sha256Hex(token));
      // A single sign-on session was vouched for by its organization's provider only, and stays in it.
      if (session?.via === 'sso' && orgId !== principal.orgId)
        throw new PermissionError(
          `This session came through single sign-on and stays in its organization: sign in again to use ${org.name}.`,
        );
      if (session?.via !== 'sso' && (await ssoRequiredOrgIds(store, principal.userId)).includes(orgId))
        throw new PermissionError(
          `${org.name} requires single sign-on: sign out and sign in with single sign-on.`,
        );
      await store.transaction(async (tx) => {
        await moveTo(tx, sha256Hex(token), principal.userId, orgId);
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

    /** The caller's sessions that still work; `current` marks the one of this request. */
    async listSessions(principal: Principal, currentToken?: string): Promise<SessionView[]> {
      const currentHash = currentToken ? sha256Hex(currentToken) : undefined;
      const rows = await credentials.activeSessions(store, principal.userId, clock.now());
      return rows.map((r) => ({
        id: credentials.sessionPublicId(r.id_hash),
        createdAt: r.created_at.toISOString(),
        expiresAt: r.expires_at.toISOString(),
        ip: r.ip,
        userAgent: r.user_agent,
        current: r.id_hash === currentHash,
      }));
    },

    /** Ends one of the caller's own sessions (signing out that browser). */
    async revokeSession(principal: Principal, id: string): Promise<void> {
      const rows = await credentials.activeSessions(store, principal.userId, clock.now());
      const target = rows.find((r) => credentials.sessionPublicId(r.id_hash) === id);
      if (!target) throw new NotFoundError('Session', id);
      await store.transaction(async (tx) => {
        await credentials.revokeSession(tx, target.id_hash, clock.now());
        await audit(tx, {
          orgId: principal.orgId,
          actorUserId: principal.userId,
          actor: principal.email,
          action: 'auth.session_revoke',
          objectType: 'session',
          objectId: id,
        });
      });
    },

    /** Who is signed in; `organizations` are those this session may switch to (a single sign-on one: its own). */
    async me(principal: Principal, sessionToken?: string) {
      const user = await people.userById(store, principal.userId);
      if (!user) throw new NotFoundError('User', principal.userId);
      const { organizations } = await people.acceptedOrganizations(store, principal.userId);
      const organization = organizations.find((o) => o.id === principal.orgId);
      if (!organization) throw new NotFoundError('Organization', principal.orgId);
      const session = sessionToken
        ? await credentials.sessionByHash(store, sha256Hex(sessionToken))
        : undefined;
      return {
        user: { id: user.id, email: user.email, name: user.name },
        organization,
        organizations: session?.via === 'sso' ? [organization] : organizations,
        role: principal.role,
        manageCloudCredentials: principal.manageCloudCredentials,
        instanceAdmin: Boolean(user.instance_admin),
      };
    },
  };
}
