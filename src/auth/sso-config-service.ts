import type { SecretVault } from '../accounts/secret-vault.js';
import type { Clock } from '../lib/clock.js';
import { InputError, NotFoundError, PermissionError } from '../lib/errors.js';
import type { Store } from '../store/store.js';
import { audit } from './audit-log.js';
import * as people from './auth-store.js';
import { normalizeEmail } from './auth-types.js';
import { can, ROLES, type Principal, type Role } from './permissions.js';
import { discover, parseIssuer, type OidcClientSettings } from './sso-oidc.js';
import * as sso from './sso-store.js';

export const SSO_SECRET_OWNER = 'sso';
export const DEFAULT_SCOPES = 'openid email profile';
/** Where the provider sends people back, below the public URL: the one redirect URI to register. */
export const SSO_CALLBACK_PATH = '/api/v1/auth/sso/callback';

export interface SsoConfigInput {
  issuer: string;
  clientId: string;
  /** Needed the first time; left out, the stored one is kept. */
  clientSecret?: string;
  scopes?: string;
  allowedDomains: string[];
  roleClaim?: string | null;
  roleMap?: sso.RoleMap;
  defaultRole?: Role | null;
  justInTime?: boolean;
  requireVerifiedEmail?: boolean;
  ssoRequired?: boolean;
  /** A manager of the organization who may still sign in with a password when single sign-on is required. */
  breakGlassEmail?: string | null;
}

export interface SsoConfigView {
  issuer: string;
  clientId: string;
  /** The secret itself is never shown. */
  clientSecretSet: boolean;
  scopes: string;
  allowedDomains: string[];
  roleClaim: string | null;
  roleMap: sso.RoleMap;
  defaultRole: Role | null;
  justInTime: boolean;
  requireVerifiedEmail: boolean;
  ssoRequired: boolean;
  breakGlassEmail: string | null;
  redirectUri: string;
  updatedAt: string;
}

export interface SsoConfigDeps {
  store: Store;
  clock: Clock;
  vault: SecretVault;
  /** The client settings of a provider call: the clock skew of the application's clock, a test's fetch. */
  clientSettings: (s: Pick<OidcClientSettings, 'issuer' | 'clientId' | 'clientSecret'>) => OidcClientSettings;
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/;

function requireManager(p: Principal): void {
  if (!can(p, 'org:manage'))
    throw new PermissionError('Only an Organization Manager may set up single sign-on.');
}

export type SsoConfigService = ReturnType<typeof createSsoConfigService>;

/** An organization's single sign-on settings: read, set (the provider is asked for its metadata first), removed. */
export function createSsoConfigService({ store, clock, vault, clientSettings }: SsoConfigDeps) {
  async function view(row: sso.SsoConfigRow, redirectUri: string): Promise<SsoConfigView> {
    const breakGlass = row.breakGlassUserId ? await people.userById(store, row.breakGlassUserId) : undefined;
    return {
      issuer: row.issuer,
      clientId: row.clientId,
      clientSecretSet: row.clientSecretId !== null,
      scopes: row.scopes,
      allowedDomains: row.allowedDomains,
      roleClaim: row.roleClaim,
      roleMap: row.roleMap,
      defaultRole: row.defaultRole,
      justInTime: row.justInTime,
      requireVerifiedEmail: row.requireVerifiedEmail,
      ssoRequired: row.ssoRequired,
      breakGlassEmail: breakGlass?.email ?? null,
      redirectUri,
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  async function checkInput(principal: Principal, input: SsoConfigInput, existing?: sso.SsoConfigRow) {
    parseIssuer(input.issuer);
    const domains = [...new Set(input.allowedDomains.map((d) => d.trim().toLowerCase().replace(/^@/, '')))];
    if (domains.length === 0)
      throw new InputError(
        'allowedDomains',
        'allowedDomains: list at least one e-mail domain (e.g. acme.com)',
      );
    const bad = domains.find((d) => !DOMAIN.test(d));
    if (bad) throw new InputError('allowedDomains', `allowedDomains: "${bad}" is not a domain name`);
    const scopes = (input.scopes ?? DEFAULT_SCOPES).trim().split(/\s+/);
    if (!scopes.includes('openid')) throw new InputError('scopes', 'scopes must include openid');
    const roleClaim = input.roleClaim?.trim() || null;
    const roleMap: sso.RoleMap = {};
    for (const role of ROLES) {
      const values = (input.roleMap?.[role] ?? []).map((v) => v.trim()).filter(Boolean);
      if (values.length) roleMap[role] = values;
    }
    if (!roleClaim && Object.keys(roleMap).length)
      throw new InputError('roleClaim', 'roleClaim: name the claim (e.g. groups) that roleMap reads');
    const defaultRole = input.defaultRole ?? null;
    if (!defaultRole && !roleClaim)
      throw new InputError(
        'defaultRole',
        'defaultRole: give a default role, or a role claim with its role map, so that people signing in get a role',
      );
    if (!input.clientSecret && !existing?.clientSecretId)
      throw new InputError('clientSecret', 'clientSecret: the client secret the provider issued is needed');
    let breakGlassUserId: string | null = null;
    if (input.breakGlassEmail) {
      const user = await people.userByEmail(store, normalizeEmail(input.breakGlassEmail));
      const m = user && (await people.membership(store, principal.orgId, user.id));
      if (!user || !m?.accepted || m.role !== 'manager')
        throw new InputError(
          'breakGlassEmail',
          `breakGlassEmail: ${input.breakGlassEmail} is not an Organization Manager of this organization`,
        );
      breakGlassUserId = user.id;
    }
    return { domains, scopes: scopes.join(' '), roleClaim, roleMap, defaultRole, breakGlassUserId };
  }

  return {
    async getSsoConfig(principal: Principal, redirectUri: string): Promise<SsoConfigView | null> {
      requireManager(principal);
      const row = await sso.configOf(store, principal.orgId);
      return row ? view(row, redirectUri) : null;
    },

    /**
     * Sets the organization's provider. The issuer is checked by reading its OpenID configuration, so that a
     * wrong URL is refused here rather than at the first sign-in.
     */
    async setSsoConfig(
      principal: Principal,
      input: SsoConfigInput,
      redirectUri: string,
    ): Promise<SsoConfigView> {
      requireManager(principal);
      const existing = await sso.configOf(store, principal.orgId);
      const checked = await checkInput(principal, input, existing);
      const secret =
        input.clientSecret ??
        (existing?.clientSecretId ? await vault.get(existing.clientSecretId, principal.orgId) : null);
      await discover(
        clientSettings({ issuer: input.issuer, clientId: input.clientId, clientSecret: secret }),
      );
      const now = clock.now();
      await store.transaction(async (tx) => {
        const clientSecretId = input.clientSecret
          ? await vault.put(
              tx,
              {
                orgId: principal.orgId,
                ownerType: SSO_SECRET_OWNER,
                ownerId: principal.orgId,
                name: 'clientSecret',
              },
              input.clientSecret,
            )
          : (existing?.clientSecretId ?? null);
        const row: sso.SsoConfigRow = {
          orgId: principal.orgId,
          issuer: input.issuer,
          clientId: input.clientId,
          clientSecretId,
          scopes: checked.scopes,
          allowedDomains: checked.domains,
          roleClaim: checked.roleClaim,
          roleMap: checked.roleMap,
          defaultRole: checked.defaultRole,
          justInTime: input.justInTime ?? false,
          requireVerifiedEmail: input.requireVerifiedEmail ?? true,
          ssoRequired: input.ssoRequired ?? false,
          breakGlassUserId: checked.breakGlassUserId,
          updatedAt: now,
        };
        await sso.saveConfig(tx, row, principal.userId);
        await audit(tx, {
          orgId: principal.orgId,
          actorUserId: principal.userId,
          actor: principal.email,
          action: existing ? 'sso.update' : 'sso.create',
          objectType: 'sso',
          objectId: principal.orgId,
          details: {
            issuer: row.issuer,
            clientId: row.clientId,
            clientSecretChanged: Boolean(input.clientSecret),
            allowedDomains: row.allowedDomains,
            justInTime: row.justInTime,
            ssoRequired: row.ssoRequired,
          },
        });
      });
      const saved = await sso.configOf(store, principal.orgId);
      if (!saved) throw new NotFoundError('Single sign-on settings');
      return view(saved, redirectUri);
    },

    async removeSsoConfig(principal: Principal): Promise<void> {
      requireManager(principal);
      await store.transaction(async (tx) => {
        if (!(await sso.deleteConfig(tx, principal.orgId)))
          throw new NotFoundError('Single sign-on settings');
        await vault.deleteOwned(tx, principal.orgId, SSO_SECRET_OWNER, principal.orgId);
        await audit(tx, {
          orgId: principal.orgId,
          actorUserId: principal.userId,
          actor: principal.email,
          action: 'sso.remove',
          objectType: 'sso',
          objectId: principal.orgId,
        });
      });
    },
  };
}
