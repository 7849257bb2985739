import type { SecretVault } from '../accounts/secret-vault.js';
import { InputError } from '../lib/errors.js';
import { newId, randomToken, sha256Hex } from '../lib/ids.js';
import type { Queryable } from '../store/store.js';
import { audit } from './audit-log.js';
import * as people from './auth-store.js';
import { EMAIL, normalizeEmail, type LoginResult } from './auth-types.js';
import * as invitations from './invitation-store.js';
import { hashPassword } from './passwords.js';
import type { Role } from './permissions.js';
import type { SessionService } from './session-service.js';
import { domainAllowed, emailDomain, roleFromClaims } from './sso-claims.js';
import type { SsoConfigDeps } from './sso-config-service.js';
import {
  authorizationUrl,
  discover,
  endSessionUrl,
  exchangeCode,
  exchangeProblem,
  newNonce,
  newPkce,
  newState,
  type Claims,
} from './sso-oidc.js';
import * as sso from './sso-store.js';

/** How long a person has at the provider before the sign-in must start again. */
export const SSO_LOGIN_TTL_MINUTES = 10;

/** A single sign-on that did not complete; the message is for the person at the sign-in page. */
export class SsoLoginError extends Error {}

export interface SsoLoginDeps extends Omit<SsoConfigDeps, 'vault'> {
  vault: Pick<SecretVault, 'get'>;
  sessions: Pick<SessionService, 'startSession'>;
}

export type SsoLoginService = ReturnType<typeof createSsoLoginService>;

/** Sign-in with an organization's OpenID provider: start (to the provider) and finish (back from it). */
export function createSsoLoginService({ store, clock, vault, clientSettings, sessions }: SsoLoginDeps) {
  async function providerOf(config: sso.SsoConfigRow) {
    const secret = config.clientSecretId ? await vault.get(config.clientSecretId, config.orgId) : null;
    return discover(
      clientSettings({ issuer: config.issuer, clientId: config.clientId, clientSecret: secret }),
    );
  }

  /** The organization a person signs in to: by name, else the one whose allowed domains hold the address. */
  async function configFor(input: { email?: string; organization?: string }): Promise<sso.SsoConfigRow> {
    if (input.organization) {
      const org = await people.organizationByName(store, input.organization.trim());
      const config = org && (await sso.configOf(store, org.id));
      if (!config)
        throw new InputError(
          'organization',
          `organization: ${input.organization} does not sign in with single sign-on`,
        );
      return config;
    }
    const email = normalizeEmail(input.email ?? '');
    if (!EMAIL.test(email))
      throw new InputError('email', 'email: give your work e-mail address (or the organization)');
    const matches = (await sso.allConfigs(store)).filter((c) => domainAllowed(email, c.allowedDomains));
    if (matches.length === 0)
      throw new InputError(
        'email',
        `email: no organization signs in with single sign-on for ${emailDomain(email)}`,
      );
    if (matches.length > 1)
      throw new InputError(
        'organization',
        `organization: several organizations sign in with ${emailDomain(email)}; give the organization's name`,
      );
    return matches[0];
  }

  async function fail(orgId: string | null, reason: string, email?: string, ip?: string): Promise<never> {
    if (orgId)
      await store.transaction((tx) =>
        audit(tx, {
          orgId,
          actorUserId: null,
          actor: email ?? 'single sign-on',
          action: 'auth.sso_failed',
          objectType: 'session',
          ip,
          details: { reason },
        }),
      );
    throw new SsoLoginError(reason);
  }

  /**
   * Joins or updates the person's membership as the provider's answer says, inside the sign-in's transaction:
   * an accepted member keeps their place (with the role the claim maps to, when a claim is set); a pending
   * membership or invitation is accepted; anyone else joins only with just-in-time creation. Returns the user's
   * id, or a reason to refuse.
   */
  async function admit(
    tx: Queryable,
    config: sso.SsoConfigRow,
    orgName: string,
    person: { email: string; name: string | null; subject: string; role: Role | null },
  ): Promise<string | { refuse: string }> {
    const now = clock.now();
    const linked = await sso.identityUser(tx, config.issuer, person.subject);
    let user = linked ? await people.userById(tx, linked) : await people.userByEmail(tx, person.email);
    if (user?.disabled) return { refuse: `${person.email} is disabled in Cloudtally` };
    const m = user ? await people.membership(tx, config.orgId, user.id) : undefined;
    // An account that exists already is linked to this provider only when it is an accepted member here: any
    // organization's manager chooses its provider, and its answer alone must not sign in to someone's account.
    if (user && !linked && !m?.accepted)
      return {
        refuse: `${person.email} already has a Cloudtally account: accept the invitation to ${orgName} with its password first, then single sign-on links to it`,
      };
    const invitation = m?.accepted
      ? undefined
      : (await invitations.pendingInvitations(tx, config.orgId, now)).find((i) => i.email === person.email);
    const noRole = `${person.email} is in none of the groups that give a role in ${orgName}`;
    if (!m?.accepted && !invitation && !config.justInTime)
      return {
        refuse: `${person.email} is not a member of ${orgName}; ask an Organization Manager for an invitation`,
      };
    const role = config.roleClaim ? person.role : (m?.role ?? invitation?.role ?? person.role);
    if (!role) return { refuse: noRole };
    if (!user) {
      const id = newId('usr');
      // No password: this person signs in through the provider (a password can be set by a reset later).
      await people.insertUser(tx, {
        id,
        email: person.email,
        name: person.name,
        passwordHash: await hashPassword(randomToken(24)),
        instanceAdmin: false,
        now,
      });
      user = await people.userById(tx, id);
    }
    if (!user) return { refuse: `${person.email} could not be created` };
    const actor = { orgId: config.orgId, actorUserId: user.id, actor: person.email };
    if (!m) {
      await people.insertMembership(tx, {
        orgId: config.orgId,
        userId: user.id,
        role,
        manageCloudCredentials: Boolean(invitation?.manage_cloud_credentials),
        now,
        acceptedAt: now,
      });
      await audit(tx, {
        ...actor,
        action: invitation ? 'invitation.accept' : 'member.sso_join',
        objectType: invitation ? 'invitation' : 'member',
        objectId: invitation?.id ?? user.id,
        details: { role, via: 'sso' },
      });
    } else {
      if (!m.accepted) await people.acceptMembership(tx, config.orgId, user.id, now);
      const lastManager = m.role === 'manager' && (await people.countManagers(tx, config.orgId)) <= 1;
      if (role !== m.role && !lastManager) {
        await people.updateMembership(tx, config.orgId, user.id, { role });
        await audit(tx, {
          ...actor,
          action: 'member.sso_role',
          objectType: 'member',
          objectId: user.id,
          details: { from: m.role, to: role },
        });
      }
    }
    if (invitation) await invitations.markAccepted(tx, invitation.id, user.id, now);
    await sso.linkIdentity(tx, { issuer: config.issuer, subject: person.subject, userId: user.id, now });
    return user.id;
  }

  return {
    /** Where to send the browser, and the state to keep in its cookie until it comes back. */
    async startSso(
      input: { email?: string; organization?: string },
      redirectUri: string,
    ): Promise<{ url: string; state: string }> {
      const config = await configFor(input);
      const provider = await providerOf(config);
      const state = newState();
      const nonce = newNonce();
      const pkce = await newPkce();
      const now = clock.now();
      await store.transaction((tx) =>
        sso.insertLogin(tx, {
          stateHash: sha256Hex(state),
          orgId: config.orgId,
          nonce,
          codeVerifier: pkce.verifier,
          now,
          expiresAt: new Date(now.getTime() + SSO_LOGIN_TTL_MINUTES * 60_000),
        }),
      );
      const email = input.email ? normalizeEmail(input.email) : undefined;
      const url = authorizationUrl(provider, {
        redirectUri,
        scopes: config.scopes,
        state,
        nonce,
        codeChallenge: pkce.challenge,
        loginHint: email,
      });
      return { url: url.href, state };
    },

    /**
     * Finishes a sign-in the provider sent back: the state must be this browser's and unused, the code is
     * exchanged and the ID token verified, the address must be verified and in an allowed domain, and the person
     * must be (or, with just-in-time creation, become) a member with a role. Opens a session.
     */
    async finishSso(
      callbackUrl: URL,
      browserState: string | undefined,
      redirectUri: string,
      client: { ip: string; userAgent?: string },
    ): Promise<LoginResult> {
      const params = callbackUrl.searchParams;
      const state = params.get('state');
      if (!state) return fail(null, 'The answer from the sign-in provider carries no state. Start again.');
      if (!browserState || browserState !== state)
        return fail(null, 'This sign-in was started in another browser tab or has expired. Start again.');
      const pending = await store.transaction((tx) => sso.takeLogin(tx, sha256Hex(state)));
      if (!pending || pending.expiresAt.getTime() < clock.now().getTime())
        return fail(
          pending?.orgId ?? null,
          'This sign-in has been used already or has expired. Start again.',
        );
      const config = await sso.configOf(store, pending.orgId);
      const org = await people.organizationById(store, pending.orgId);
      if (!config || !org) return fail(null, 'Single sign-on is no longer set up for this organization.');
      const refused = params.get('error');
      if (refused) {
        const description = params.get('error_description');
        return fail(
          org.id,
          `The sign-in provider refused: ${refused}${description ? ` (${description})` : ''}`,
        );
      }
      let claims: Claims;
      let idToken: string | undefined;
      try {
        ({ claims, idToken } = await exchangeCode(await providerOf(config), callbackUrl, {
          state,
          nonce: pending.nonce,
          codeVerifier: pending.codeVerifier,
          redirectUri,
          roleClaim: config.roleClaim,
        }));
      } catch (err) {
        const reason = err instanceof InputError ? err.message : exchangeProblem(err);
        return fail(org.id, `Single sign-on failed: ${reason}.`, undefined, client.ip);
      }
      const email = typeof claims.email === 'string' ? normalizeEmail(claims.email) : '';
      if (!EMAIL.test(email))
        return fail(
          org.id,
          'The sign-in provider sent no e-mail address (the email scope or claim is missing).',
        );
      if (config.requireVerifiedEmail && claims.email_verified !== true)
        return fail(org.id, `The sign-in provider has not verified ${email}.`, email, client.ip);
      if (!domainAllowed(email, config.allowedDomains))
        return fail(
          org.id,
          `${emailDomain(email)} is not among the e-mail domains allowed to sign in to ${org.name}.`,
          email,
          client.ip,
        );
      const person = {
        email,
        name: typeof claims.name === 'string' ? claims.name.slice(0, 200) : null,
        subject: String(claims.sub),
        role: roleFromClaims(claims, config),
      };
      const admitted = await store.transaction((tx) => admit(tx, config, org.name, person));
      if (typeof admitted !== 'string') return fail(org.id, `${admitted.refuse}.`, email, client.ip);
      const user = await people.userById(store, admitted);
      if (!user) return fail(org.id, `${email} could not be signed in.`, email, client.ip);
      // The provider vouches for this organization only: the session stays in it.
      const { organizations } = await people.acceptedOrganizations(store, user.id);
      const here = organizations.filter((o) => o.id === org.id);
      return sessions.startSession(user, here, org.id, { ...client, how: 'sso', idTokenHint: idToken });
    },

    /**
     * The provider's sign-out page for a single sign-on session that has just ended here, or null when the
     * organization has no provider any more, the provider publishes no end_session_endpoint or cannot be reached
     * (the local session is over either way).
     */
    async providerSignOutUrl(
      orgId: string,
      idTokenHint: string | null,
      postLogoutRedirectUri: string,
    ): Promise<string | null> {
      const config = await sso.configOf(store, orgId);
      if (!config) return null;
      try {
        return endSessionUrl(await providerOf(config), { idTokenHint, postLogoutRedirectUri })?.href ?? null;
      } catch {
        return null;
      }
    },
  };
}
