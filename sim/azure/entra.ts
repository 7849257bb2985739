/**
 * Entra ID (Azure AD) as far as a service principal signs in with a client secret: the tenant's OpenID
 * configuration that MSAL reads first, and the v2.0 token endpoint (client credentials grant). Tokens are JWTs
 * shaped like Entra's (issuer `https://sts.windows.net/{tenant}/`, audience the resource of the scope), unsigned
 * beyond what the emulated services check.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ServicePrincipal {
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

function b64url(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}

/** A token for `audience`, valid one hour from `nowMs`. */
export function issueToken(sp: ServicePrincipal, audience: string, nowMs: number): string {
  const iat = Math.floor(nowMs / 1000);
  const header = { typ: 'JWT', alg: 'RS256', kid: 'cloudtally-sim' };
  const claims = {
    aud: audience,
    iss: `https://sts.windows.net/${sp.tenantId}/`,
    iat,
    nbf: iat - 300,
    exp: iat + 3600,
    appid: sp.clientId,
    oid: createHash('sha256').update(sp.clientId).digest('hex').slice(0, 32),
    tid: sp.tenantId,
    sub: sp.clientId,
    ver: '1.0',
  };
  return `${b64url(header)}.${b64url(claims)}.${Buffer.from('sim-signature').toString('base64url')}`;
}

/** The claims of a bearer token the simulator issued, or undefined when it is not one. */
export function readToken(
  token: string,
): { aud: string; tid: string; appid: string; exp: number } | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >;
    if (typeof claims.aud !== 'string' || typeof claims.tid !== 'string' || typeof claims.appid !== 'string')
      return undefined;
    return { aud: claims.aud, tid: claims.tid, appid: claims.appid, exp: Number(claims.exp) };
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function aadError(res: ServerResponse, status: number, error: string, code: number, text: string): void {
  send(res, status, {
    error,
    error_description: `AADSTS${code}: ${text}`,
    error_codes: [code],
    timestamp: new Date().toISOString(),
  });
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString());
}

/**
 * Answers `/{tenant}/v2.0/.well-known/openid-configuration` and `/{tenant}/oauth2/v2.0/token`; false when the path
 * is not one of them.
 */
export async function handleEntra(
  req: IncomingMessage,
  res: ServerResponse,
  base: string,
  principals: readonly ServicePrincipal[],
  nowMs: () => number,
): Promise<boolean> {
  const url = new URL(req.url ?? '/', base);
  const m = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/token)$/.exec(
    url.pathname,
  );
  if (!m) return false;
  const tenant = decodeURIComponent(m[1]);
  const known = principals.some((p) => p.tenantId === tenant);
  if (!known) {
    aadError(res, 400, 'invalid_request', 90002, `Tenant '${tenant}' not found.`);
    return true;
  }
  if (m[2].startsWith('v2.0')) {
    send(res, 200, {
      token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
      authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
      end_session_endpoint: `${base}/${tenant}/oauth2/v2.0/logout`,
      jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
      issuer: `${base}/${tenant}/v2.0`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      tenant_region_scope: 'EU',
    });
    return true;
  }
  const form = await readForm(req);
  if (form.get('grant_type') !== 'client_credentials') {
    aadError(res, 400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    return true;
  }
  const sp = principals.find((p) => p.tenantId === tenant && p.clientId === form.get('client_id'));
  if (!sp) {
    aadError(
      res,
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${form.get('client_id') ?? ''}' was not found in the directory '${tenant}'.`,
    );
    return true;
  }
  if (form.get('client_secret') !== sp.clientSecret) {
    aadError(res, 401, 'invalid_client', 7000215, 'Invalid client secret provided.');
    return true;
  }
  const scope = (form.get('scope') ?? '').split(' ').find((s) => s.endsWith('/.default'));
  if (!scope) {
    aadError(res, 400, 'invalid_scope', 1002012, 'The provided value for scope is not valid.');
    return true;
  }
  const audience = scope.slice(0, -'/.default'.length);
  send(res, 200, {
    token_type: 'Bearer',
    expires_in: 3599,
    ext_expires_in: 3599,
    access_token: issueToken(sp, audience, nowMs()),
  });
  return true;
}
