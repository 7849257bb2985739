/**
 * The notifications settings' calls: channels, alert rules and the outbox's deliveries, typed by the API's
 * generated schema.
 */
import type { components } from '../../src/api-client/schema';
import { api } from './api';

export type Channel = components['schemas']['NotificationChannel'];
export type AlertRule = components['schemas']['AlertRule'];
export type Delivery = components['schemas']['NotificationDelivery'];
export type ChannelKind = Channel['kind'];
export type EventType = AlertRule['eventType'];

export const CHANNEL_KIND_LABEL: Record<ChannelKind, string> = {
  email: 'E-mail',
  slack: 'Slack',
  teams: 'Microsoft Teams',
  webhook: 'Webhook',
};

export const EVENT_LABEL: Record<EventType, string> = {
  budget_threshold: 'Budget threshold crossed',
  cost_anomaly: 'New cost anomaly',
  sync_failed: 'Account sync failed',
  sync_degraded: 'Account sync degraded',
  sync_recovered: 'Account sync recovered',
  billing_stale: 'Billing data stale',
  recommendation_new: 'New savings recommendation',
  commitment_expiring: 'Commitment ending soon',
};

/** The body of a new channel or of a change; secrets are only ever sent, never read back. */
export type ChannelBody = Record<string, unknown>;
export type RuleBody = Record<string, unknown>;

const CHANNELS = '/api/v1/notifications/channels';
const RULES = '/api/v1/alert-rules';

export const notificationsApi = {
  channelsPath: CHANNELS,
  rulesPath: RULES,
  deliveriesPath: '/api/v1/notifications/deliveries',
  createChannel: (body: ChannelBody) => api.post<Channel>(CHANNELS, body),
  updateChannel: (id: string, body: ChannelBody) =>
    api.patch<Channel>(`${CHANNELS}/${encodeURIComponent(id)}`, body),
  deleteChannel: (id: string) => api.del(`${CHANNELS}/${encodeURIComponent(id)}`),
  testChannel: (id: string) =>
    api.post<{ ok: boolean; error: string | null }>(`${CHANNELS}/${encodeURIComponent(id)}/test`),
  createRule: (body: RuleBody) => api.post<AlertRule>(RULES, body),
  updateRule: (id: string, body: RuleBody) =>
    api.patch<AlertRule>(`${RULES}/${encodeURIComponent(id)}`, body),
  deleteRule: (id: string) => api.del(`${RULES}/${encodeURIComponent(id)}`),
};
