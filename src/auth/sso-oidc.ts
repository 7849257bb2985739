/**
 * The OpenID Connect client side of single sign-on, through `openid-client`: discovery of the provider, the
 * authorization URL (code flow with PKCE, state and nonce), and the code exchange with the ID token's signature
 * and claims verified. Everything provider-specific stays in this file.
 */
import * as oidc from 'openid-client';
import { InputError } from '../lib/errors.js';

export interface OidcClientSettings {
  issuer: string;
  clientId: string;
  clientSecret: string | null;
  /** Seconds to add to this machine's time to get the application's (a test clock's) time. */
  clockSkewSeconds?: number;
  /** Replaces fetch for every request to the provider (tests only). */
  fetch?: oidc.CustomFetch;
}

const DISCOVERY_TIMEOUT_SECONDS = 10;

/** Plain HTTP is allowed only for a provider on this machine (a development or test provider). */
function isLoopback(url: URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

/** The issuer URL as typed, checked: https (or http on this machine), no query or fragment. */
export function parseIssuer(issuer: string): URL {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new InputError(
      'issuer',
      `issuer must be a URL such as https://login.example.com/realms/acme, not "${issuer}"`,
    );
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url)))
    throw new InputError(
      'issuer',
      'issuer must be an https:// URL (plain http only for a provider on localhost)',
    );
  if (url.search || url.hash) throw new InputError('issuer', 'issuer must not carry a query or a fragment');
  return url;
}

/**
 * Reads the provider's metadata from `<issuer>/.well-known/openid-configuration`. A provider that names another
 * issuer there (a wrong URL, a missing tenant or realm) is refused with the issuer it did name.
 */
export async function discover(s: OidcClientSettings): Promise<oidc.Configuration> {
  const url = parseIssuer(s.issuer);
  const metadata: Partial<oidc.ClientMetadata> = {
    ...(s.clientSecret ? { client_secret: s.clientSecret } : {}),
    [oidc.clockSkew]: s.clockSkewSeconds ?? 0,
  };
  try {
    return await oidc.discovery(
      url,
      s.clientId,
      metadata,
      s.clientSecret ? oidc.ClientSecretPost(s.clientSecret) : oidc.None(),
      {
        timeout: DISCOVERY_TIMEOUT_SECONDS,
        ...(s.fetch ? { [oidc.customFetch]: s.fetch } : {}),
        ...(isLoopback(url) && url.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : {}),
      },
    );
  } catch (err) {
    throw new InputError('issuer', discoveryProblem(s.issuer, err));
  }
}

/** What the library says failed: the claim or attribute named anywhere along the error's causes. */
function failedCheck(err: unknown): { claim?: string; attribute?: string; body?: unknown; messages: string } {
  const found: { claim?: string; attribute?: string; body?: unknown; messages: string } = { messages: '' };
  let e = err as { message?: string; cause?: unknown; claim?: unknown; attribute?: unknown; body?: unknown };
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    if (typeof e.claim === 'string') found.claim ??= e.claim;
    if (typeof e.attribute === 'string') found.attribute ??= e.attribute;
    if (e.body !== undefined) found.body ??= e.body;
    if (e.message) found.messages += ` ${e.message}`;
    e = e.cause as typeof e;
  }
  return found;
}

function discoveryProblem(issuer: string, err: unknown): string {
  const failed = failedCheck(err);
  if (failed.attribute === 'issuer') {
    const named = (failed.body as { issuer?: unknown } | undefined)?.issuer;
    const theirs = typeof named === 'string' ? ` (it names ${named})` : '';
    return `issuer: ${issuer} is not the issuer its OpenID configuration names${theirs}; use the issuer URL exactly as the provider publishes it`;
  }
  const message = (err as { message?: string }).message ?? String(err);
  return `issuer: could not read ${issuer.replace(/\/$/, '')}/.well-known/openid-configuration: ${message}`;
}

export function authorizationUrl(
  config: oidc.Configuration,
  p: {
    redirectUri: string;
    scopes: string;
    state: string;
    nonce: string;
    codeChallenge: string;
    loginHint?: string;
  },
): URL {
  return oidc.buildAuthorizationUrl(config, {
    redirect_uri: p.redirectUri,
    scope: p.scopes,
    response_type: 'code',
    state: p.state,
    nonce: p.nonce,
    code_challenge: p.codeChallenge,
    code_challenge_method: 'S256',
    ...(p.loginHint ? { login_hint: p.loginHint } : {}),
  });
}

export const newPkce = async () => {
  const verifier = oidc.randomPKCECodeVerifier();
  return { verifier, challenge: await oidc.calculatePKCECodeChallenge(verifier) };
};
export const newState = () => oidc.randomState();
export const newNonce = () => oidc.randomNonce();

export type Claims = Record<string, unknown>;

/**
 * Exchanges the code and verifies the ID token (signature, issuer, audience, expiry, nonce) and the state and
 * PKCE verifier. The claims are the ID token's, completed from the UserInfo endpoint when the ID token leaves out
 * the e-mail address or the role claim (as providers do when an access token is issued too).
 */
export async function exchangeCode(
  config: oidc.Configuration,
  callbackUrl: URL,
  checks: {
    state: string;
    nonce: string;
    codeVerifier: string;
    redirectUri: string;
    roleClaim: string | null;
  },
): Promise<{ claims: Claims; idToken: string | undefined }> {
  const tokens = await oidc.authorizationCodeGrant(
    config,
    callbackUrl,
    {
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      pkceCodeVerifier: checks.codeVerifier,
      idTokenExpected: true,
    },
    { redirect_uri: checks.redirectUri },
  );
  const idClaims = tokens.claims() as Claims | undefined;
  if (!idClaims) throw new Error('the provider sent no ID token');
  const rootClaim = checks.roleClaim?.split('.')[0];
  const missing =
    idClaims.email === undefined || (rootClaim !== undefined && idClaims[rootClaim] === undefined);
  if (!missing || !config.serverMetadata().userinfo_endpoint)
    return { claims: idClaims, idToken: tokens.id_token };
  const info = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub as string);
  // The ID token's claims win where both say something; UserInfo fills in what it left out.
  return { claims: { ...info, ...idClaims }, idToken: tokens.id_token };
}

/**
 * Where to send the browser to sign out at the provider too (OpenID Connect RP-Initiated Logout): the provider's
 * end_session_endpoint with the session's ID token as hint and the page to come back to. Null when the provider
 * publishes no such endpoint (signing out then ends the local session only).
 */
export function endSessionUrl(
  config: oidc.Configuration,
  p: { idTokenHint: string | null; postLogoutRedirectUri: string },
): URL | null {
  if (!config.serverMetadata().end_session_endpoint) return null;
  return oidc.buildEndSessionUrl(config, {
    post_logout_redirect_uri: p.postLogoutRedirectUri,
    ...(p.idTokenHint ? { id_token_hint: p.idTokenHint } : {}),
  });
}

/** Words for a failed exchange: which check failed, without the library's internals. */
export function exchangeProblem(err: unknown): string {
  const e = err as { error?: string; error_description?: string };
  if (e.error)
    return `the provider refused the sign-in: ${e.error}${e.error_description ? ` (${e.error_description})` : ''}`;
  const { claim, messages } = failedCheck(err);
  if (claim === 'aud' || claim === 'azp') return 'the ID token was issued to another client (wrong audience)';
  if (claim === 'exp') return 'the ID token has expired';
  if (claim === 'iat' || claim === 'nbf') return 'the ID token is not valid yet (check the clocks)';
  if (claim === 'iss') return 'the ID token comes from another issuer';
  if (claim === 'nonce') return 'the ID token does not carry the nonce of this sign-in';
  if (/signature/i.test(messages)) return 'the ID token signature does not verify';
  return `the provider's answer did not verify:${messages}`;
}
