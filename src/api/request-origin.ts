import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { Config } from '../config/config.js';
import type { ApiEnv } from './route-kit.js';

type ProxySettings = Pick<Config, 'trustProxy' | 'publicUrl'>;

/** The last value of a comma-separated forwarding header: the one the proxy in front of us added. */
function lastForwarded(value: string | undefined): string | undefined {
  const last = value?.split(',').pop()?.trim();
  return last ? last : undefined;
}

/**
 * Whether the browser reached Cloudtally over HTTPS: the public URL says so, or the request itself came over TLS,
 * or (only when the proxy is trusted) the proxy's X-Forwarded-Proto says so.
 */
export function isHttpsRequest(c: Context<ApiEnv>, settings: ProxySettings): boolean {
  if (settings.publicUrl?.startsWith('https:')) return true;
  if (c.req.url.startsWith('https:')) return true;
  return settings.trustProxy && lastForwarded(c.req.header('x-forwarded-proto'))?.toLowerCase() === 'https';
}

/**
 * The client's address for the sign-in limit: the socket's peer, or behind a trusted proxy the address that proxy
 * appended to X-Forwarded-For (earlier entries are whatever the client sent and prove nothing).
 */
export function clientIp(c: Context<ApiEnv>, settings: ProxySettings): string {
  if (settings.trustProxy) {
    const forwarded = lastForwarded(c.req.header('x-forwarded-for'));
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Where browsers reach this server: the public URL when one is set, else this request's origin (no trailing /). */
export function appBaseUrl(c: Context<ApiEnv>, settings: Pick<Config, 'publicUrl'>): string {
  return (settings.publicUrl ?? new URL(c.req.url).origin).replace(/\/$/, '');
}
