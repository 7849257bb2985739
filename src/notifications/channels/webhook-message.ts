import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NotificationMessage } from '../notification-types.js';

/**
 * The generic webhook: a JSON body (schema in the README) and a signature over the timestamp and the body, so the
 * receiver can tell the request came from this Cloudtally and is not a replay of an old one.
 *
 *   X-Cloudtally-Timestamp: <unix seconds>
 *   X-Cloudtally-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>
 */
export const SIGNATURE_HEADER = 'x-cloudtally-signature';
export const TIMESTAMP_HEADER = 'x-cloudtally-timestamp';
export const EVENT_HEADER = 'x-cloudtally-event';
export const DELIVERY_HEADER = 'x-cloudtally-delivery';
/** How old a timestamp a receiver should accept (the README's check uses it). */
export const REPLAY_WINDOW_SECONDS = 300;

export interface WebhookEnvelope {
  id: string;
  eventId: string;
  type: string;
  severity: string;
  title: string;
  summary: string;
  link: string;
  occurredAt: string;
  organizationId: string;
  facts: { label: string; value: string }[];
  data: Record<string, unknown>;
}

export function webhookBody(
  m: NotificationMessage,
  ids: { deliveryId: string; eventId: string; orgId: string; occurredAt: string },
): WebhookEnvelope {
  return {
    id: ids.deliveryId,
    eventId: ids.eventId,
    type: m.type,
    severity: m.severity,
    title: m.title,
    summary: m.summary,
    link: m.link,
    occurredAt: ids.occurredAt,
    organizationId: ids.orgId,
    facts: m.facts,
    data: m.data,
  };
}

export function sign(secret: string, timestamp: string, body: string): string {
  return 'v1=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * What a receiver does: recompute the signature over the raw body and refuse stale timestamps. Exported for the
 * tests and as the reference the README's example follows.
 */
export function verifySignature(
  secret: string,
  headers: { timestamp?: string; signature?: string },
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  const ts = Number(headers.timestamp);
  if (!headers.signature || !Number.isInteger(ts)) return false;
  if (Math.abs(nowSeconds - ts) > REPLAY_WINDOW_SECONDS) return false;
  const expected = Buffer.from(sign(secret, String(ts), body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
