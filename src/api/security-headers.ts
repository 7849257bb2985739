import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { Config } from '../config/config.js';
import { isHttpsRequest } from './request-origin.js';
import type { ApiEnv } from './route-kit.js';

/**
 * The dashboard loads only its own bundled scripts, styles, images and API: nothing inline, nothing from another
 * origin, never inside a frame. Inline style attributes stay allowed because the charts position their tooltips
 * and labels with them; scripts have no such exception.
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** Security headers on every answer, the dashboard's and the API's. */
export function securityHeaders(config: Pick<Config, 'trustProxy' | 'publicUrl'>): MiddlewareHandler<ApiEnv> {
  const headers = secureHeaders({
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
    crossOriginOpenerPolicy: 'same-origin',
    crossOriginResourcePolicy: 'same-origin',
    permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [] },
    // Sent below only over HTTPS: over plain HTTP (the embedded default on localhost) it would mean nothing.
    strictTransportSecurity: false,
  });
  return async (c, next) => {
    await headers(c, next);
    if (isHttpsRequest(c, config)) c.header('Strict-Transport-Security', 'max-age=15552000');
  };
}
