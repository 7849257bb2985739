import { InputError, NotFoundError, PermissionError } from '../lib/errors.js';
import type { Clock } from '../lib/clock.js';
import { newId, randomToken, sha256Hex } from '../lib/ids.js';
import type { Store } from '../store/store.js';
import { audit } from './audit-log.js';
import type { TokenView } from './auth-types.js';
import * as credentials from './credential-store.js';
import { can, type Principal } from './permissions.js';
import type { UserService } from './user-service.js';

const TOKEN_TOUCH_MS = 60 * 1000;

export type TokenService = ReturnType<typeof createTokenService>;

/** API tokens: shown once, stored hashed, each bound to one user in one organization. */
export function createTokenService({
  store,
  clock,
  users,
}: {
  store: Store;
  clock: Clock;
  users: Pick<UserService, 'principalFor' | 'principalForEmail'>;
}) {
  /**
   * Records when a token was last used, at most once a minute: a client sending requests in parallel must not
   * make them write the same row at once (DuckDB aborts one of two concurrent writers), and a minute is as
   * precise as "last used" needs to be.
   */
  async function touch(id: string, lastUsedAt: Date | null): Promise<void> {
    const now = clock.now();
    if (lastUsedAt && now.getTime() - lastUsedAt.getTime() < TOKEN_TOUCH_MS) return;
    try {
      await credentials.touchToken(store, id, now);
    } catch (err) {
      // Another request of the same client wrote it a moment ago; the request itself is unaffected.
      if (!(err instanceof Error && /conflict/i.test(err.message))) throw err;
    }
  }

  const service = {
    async authenticateToken(token: string): Promise<Principal | null> {
      const t = await credentials.tokenByHash(store, sha256Hex(token));
      if (!t || t.revoked_at || (t.expires_at && t.expires_at.getTime() <= clock.now().getTime()))
        return null;
      await touch(t.id, t.last_used_at);
      const principal = await users.principalFor(t.user_id, t.org_id, 'token', t.id);
      if (principal && t.read_only) principal.readOnly = true;
      return principal;
    },

    /** A new API token for the principal in its organization; the token itself is shown once and stored hashed. */
    async createToken(
      principal: Pick<Principal, 'userId' | 'orgId' | 'email'>,
      name: string,
      expiresInDays?: number,
      readOnly = false,
    ): Promise<{ id: string; token: string; name: string; readOnly: boolean; expiresAt: string | null }> {
      const trimmed = name.trim();
      if (!trimmed || trimmed.length > 100)
        throw new InputError('name', 'The token name must be 1 to 100 characters');
      const id = newId('tok');
      const token = `ct_${randomToken(32)}`;
      const now = clock.now();
      const expiresAt = expiresInDays ? new Date(now.getTime() + expiresInDays * 86400 * 1000) : null;
      await store.transaction(async (tx) => {
        await credentials.insertToken(tx, {
          id,
          orgId: principal.orgId,
          userId: principal.userId,
          name: trimmed,
          tokenHash: sha256Hex(token),
          now,
          expiresAt,
          readOnly,
        });
        await audit(tx, {
          orgId: principal.orgId,
          actorUserId: principal.userId,
          actor: principal.email,
          action: 'token.create',
          objectType: 'api_token',
          objectId: id,
          details: { name: trimmed, readOnly, expiresAt: expiresAt?.toISOString() ?? null },
        });
      });
      return { id, token, name: trimmed, readOnly, expiresAt: expiresAt?.toISOString() ?? null };
    },

    /** Bootstrap: a token for the user in their default (or the named) organization, without a running server. */
    async createTokenForEmail(emailInput: string, name: string, orgName?: string) {
      return service.createToken(await users.principalForEmail(emailInput, orgName), name);
    },

    listTokens(principal: Principal): Promise<TokenView[]> {
      return credentials.listTokens(store, principal.orgId, principal.userId);
    },

    /** Every member's tokens in the organization: for its managers, who may revoke any of them. */
    listOrganizationTokens(principal: Principal): Promise<TokenView[]> {
      if (!can(principal, 'org:manage'))
        throw new PermissionError("Only an Organization Manager may list the organization's tokens.");
      return credentials.listOrganizationTokens(store, principal.orgId);
    },

    async revokeToken(principal: Principal, id: string): Promise<void> {
      await store.transaction(async (tx) => {
        const owner = await credentials.tokenOwner(tx, principal.orgId, id);
        // Managers may revoke any token of their organization; others only their own.
        if (!owner || (owner !== principal.userId && !can(principal, 'org:manage')))
          throw new NotFoundError('Token', id);
        await credentials.revokeToken(tx, id, clock.now());
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
  return service;
}
