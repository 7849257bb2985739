import { z } from '@hono/zod-openapi';
import type { AppContext } from '../../app/context.js';
import {
  CHANNEL_KINDS,
  createChannelSchema,
  updateChannelSchema,
} from '../../notifications/channel-schemas.js';
import { channelView } from '../../notifications/channel-service.js';
import { DIGEST_FREQUENCIES } from '../../notifications/digests/digest-periods.js';
import { createDigestSchema } from '../../notifications/digests/digest-schemas.js';
import { digestView } from '../../notifications/digests/digest-service.js';
import type { Delivery } from '../../notifications/outbox-store.js';
import { defineRoute, errorResponses, jsonBody, jsonResponse, principalOf, type Api } from '../route-kit.js';

const ChannelSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(CHANNEL_KINDS),
    config: z.record(z.string(), z.unknown()).openapi({
      description:
        'Settings without secrets: SMTP host, port, security, username, from, to (email); the webhook URL (webhook); the host of the webhook URL (slack, teams)',
    }),
    hasSecret: z
      .boolean()
      .openapi({ description: 'A password, webhook URL or signing secret is stored (never shown)' }),
    lastSuccessAt: z.string().nullable(),
    lastError: z
      .string()
      .nullable()
      .openapi({ description: 'The last delivery given up (or failed test), if any' }),
    lastErrorAt: z.string().nullable(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('NotificationChannel');

const DeliverySchema = z
  .object({
    id: z.string(),
    eventId: z.string(),
    ruleId: z.string().nullable(),
    channelId: z.string(),
    state: z.enum(['pending', 'sending', 'sent', 'failed']),
    attempts: z.number(),
    nextAttemptAt: z.string(),
    lastError: z.string().nullable(),
    sentAt: z.string().nullable(),
    createdAt: z.string(),
    eventType: z.string().openapi({ description: 'The event type (or `test`, `digest`)' }),
    title: z.string().openapi({ description: "The event's one-line title" }),
  })
  .openapi('NotificationDelivery');

const idParam = z.object({ id: z.string().openapi({ description: 'Channel id or name' }) });
const conflict = { description: 'A channel with that name exists', content: errorResponses[404].content };

const list = defineRoute('org:read', {
  method: 'get',
  path: '/api/v1/notifications/channels',
  tags: ['notifications'],
  summary: 'Notification channels (e-mail, Slack, Teams, webhook), with the outcome of their last delivery',
  responses: { 200: jsonResponse(z.object({ items: z.array(ChannelSchema) }), 'Channels') },
});

const create = defineRoute('alerts:write', {
  method: 'post',
  path: '/api/v1/notifications/channels',
  tags: ['notifications'],
  summary: 'Create a channel',
  description:
    'kind `email`: `config` {host, port, security: tls|starttls|none, verifyCertificate, username, from, to[]} and `password`; `slack` / `teams`: `url` (the incoming or workflow webhook URL); `webhook`: `config.url` and `secret` (≥ 16 characters) that signs each request. Secrets are stored encrypted and never returned.',
  request: { body: jsonBody(createChannelSchema) },
  responses: {
    201: jsonResponse(ChannelSchema, 'Created'),
    400: errorResponses[400],
    403: errorResponses[403],
    409: conflict,
  },
});

const get = defineRoute('org:read', {
  method: 'get',
  path: '/api/v1/notifications/channels/{id}',
  tags: ['notifications'],
  summary: 'A channel',
  request: { params: idParam },
  responses: { 200: jsonResponse(ChannelSchema, 'Channel'), 404: errorResponses[404] },
});

const update = defineRoute('alerts:write', {
  method: 'patch',
  path: '/api/v1/notifications/channels/{id}',
  tags: ['notifications'],
  summary: 'Change a channel (name, settings, or a new password / URL / secret)',
  request: { params: idParam, body: jsonBody(updateChannelSchema) },
  responses: {
    200: jsonResponse(ChannelSchema, 'Changed'),
    400: errorResponses[400],
    403: errorResponses[403],
    404: errorResponses[404],
    409: conflict,
  },
});

const remove = defineRoute('alerts:write', {
  method: 'delete',
  path: '/api/v1/notifications/channels/{id}',
  tags: ['notifications'],
  summary: 'Remove a channel (its queued deliveries go, and rules stop routing to it)',
  request: { params: idParam },
  responses: { 204: { description: 'Removed' }, 403: errorResponses[403], 404: errorResponses[404] },
});

const test = defineRoute('alerts:write', {
  method: 'post',
  path: '/api/v1/notifications/channels/{id}/test',
  tags: ['notifications'],
  summary: 'Send a test message to the channel now and say how it went',
  request: { params: idParam },
  responses: {
    200: jsonResponse(
      z.object({ ok: z.boolean(), error: z.string().nullable() }),
      'Sent (ok) or the receiver’s answer (error); the channel records the outcome',
    ),
    403: errorResponses[403],
    404: errorResponses[404],
  },
});

const deliveries = defineRoute('org:read', {
  method: 'get',
  path: '/api/v1/notifications/deliveries',
  tags: ['notifications'],
  summary: 'The newest deliveries of the outbox: state, attempts and last error',
  request: {
    query: z.object({
      channel: z.string().optional().openapi({ description: 'Only this channel (id or name)' }),
      limit: z.coerce.number().int().min(1).max(500).default(50),
    }),
  },
  responses: {
    200: jsonResponse(z.object({ items: z.array(DeliverySchema) }), 'Deliveries'),
    404: errorResponses[404],
  },
});

const DigestSchema = z
  .object({
    id: z.string(),
    channelId: z.string(),
    frequency: z.enum(DIGEST_FREQUENCIES),
    userId: z
      .string()
      .nullable()
      .openapi({ description: 'The user who opted in for themselves; null: the whole channel gets it' }),
    recipient: z.string().nullable().openapi({ description: "That user's e-mail address" }),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('NotificationDigest');

const listDigests = defineRoute('org:read', {
  method: 'get',
  path: '/api/v1/notifications/digests',
  tags: ['notifications'],
  summary: 'Digest subscriptions: channels and people that get a daily or weekly digest',
  responses: { 200: jsonResponse(z.object({ items: z.array(DigestSchema) }), 'Subscriptions') },
});

const createDigest = defineRoute('org:read', {
  method: 'post',
  path: '/api/v1/notifications/digests',
  tags: ['notifications'],
  summary: 'Subscribe a channel (managers, engineers) or yourself (`forMe`, anyone) to a digest',
  description:
    'A digest sums up the last whole day (`daily`) or Monday-to-Sunday week (`weekly`): spend against the period before, top movers, budgets at risk, new anomalies, open savings, accounts failing to sync and the alerts raised. It is sent once per period. With `forMe` it goes to your own address through the named e-mail channel.',
  request: { body: jsonBody(createDigestSchema) },
  responses: {
    201: jsonResponse(DigestSchema, 'Subscribed'),
    400: errorResponses[400],
    403: errorResponses[403],
    409: { description: 'Already subscribed', content: errorResponses[404].content },
  },
});

const removeDigest = defineRoute('org:read', {
  method: 'delete',
  path: '/api/v1/notifications/digests/{id}',
  tags: ['notifications'],
  summary: 'Unsubscribe (your own subscription, or any as a manager or engineer)',
  request: { params: z.object({ id: z.string() }) },
  responses: { 204: { description: 'Removed' }, 403: errorResponses[403], 404: errorResponses[404] },
});

const deliveryView = (d: Delivery) => {
  const { orgId: _org, ...rest } = d;
  return { ...rest, eventType: d.eventType ?? '', title: d.title ?? '' };
};

export function registerNotificationRoutes(app: Api, ctx: AppContext): void {
  const n = ctx.notifications;
  app.openapi(list, async (c) => {
    const items = await n.channels.list(principalOf(c).orgId);
    return c.json({ items: items.map(channelView) }, 200);
  });
  app.openapi(create, async (c) =>
    c.json(channelView(await n.channels.create(principalOf(c), c.req.valid('json'))), 201),
  );
  app.openapi(get, async (c) =>
    c.json(channelView(await n.channels.find(principalOf(c).orgId, c.req.valid('param').id)), 200),
  );
  app.openapi(update, async (c) =>
    c.json(
      channelView(await n.channels.update(principalOf(c), c.req.valid('param').id, c.req.valid('json'))),
      200,
    ),
  );
  app.openapi(remove, async (c) => {
    await n.channels.remove(principalOf(c), c.req.valid('param').id);
    return c.body(null, 204);
  });
  app.openapi(test, async (c) => c.json(await n.sendTest(principalOf(c), c.req.valid('param').id), 200));
  app.openapi(listDigests, async (c) => {
    const items = await n.digests.list(principalOf(c).orgId);
    return c.json({ items: items.map(digestView) }, 200);
  });
  app.openapi(createDigest, async (c) =>
    c.json(digestView(await n.digests.create(principalOf(c), c.req.valid('json'))), 201),
  );
  app.openapi(removeDigest, async (c) => {
    await n.digests.remove(principalOf(c), c.req.valid('param').id);
    return c.body(null, 204);
  });
  app.openapi(deliveries, async (c) => {
    const q = c.req.valid('query');
    const items = await n.deliveries(principalOf(c).orgId, q.channel, q.limit);
    return c.json({ items: items.map(deliveryView) }, 200);
  });
}
