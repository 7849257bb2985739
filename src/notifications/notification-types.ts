/**
 * What notifications speak of: the kinds of event an alert rule can route, and the message every channel renders
 * an event into. An event is written once per organization and dedupe key, so a repeated evaluation, a restart
 * or a second process never raises the same event twice.
 */

export const EVENT_TYPES = [
  'budget_threshold',
  'cost_anomaly',
  'sync_failed',
  'sync_degraded',
  'sync_recovered',
  'billing_stale',
  'recommendation_new',
  'commitment_expiring',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const EVENT_LABELS: Record<EventType, string> = {
  budget_threshold: 'Budget threshold crossed',
  cost_anomaly: 'New cost anomaly',
  sync_failed: 'Account sync failed',
  sync_degraded: 'Account sync degraded',
  sync_recovered: 'Account sync recovered',
  billing_stale: 'Billing data stale',
  recommendation_new: 'New savings recommendation',
  commitment_expiring: 'Commitment ending soon',
};

/**
 * What a message is: an event an alert rule routed, a channel's test message, a periodic digest or a scheduled
 * report.
 */
export type MessageType = EventType | 'test' | 'digest' | 'report';

export type Severity = 'info' | 'warning' | 'critical';

/** One notification as every channel renders it. */
export interface NotificationMessage {
  type: MessageType;
  severity: Severity;
  /** One line: what happened. */
  title: string;
  /** A sentence or two: why it matters and what to look at. */
  summary: string;
  /** Label/value pairs shown as a table (e-mail), fields (Slack) or facts (Teams). */
  facts: { label: string; value: string }[];
  /** The page that explains it (absolute, under the configured public URL). */
  link: string;
  /** Event-specific figures, sent as they are to generic webhooks. */
  data: Record<string, unknown>;
  /** E-mail only: these addresses instead of the channel's own (a digest someone opted in to for themselves). */
  recipients?: string[];
  /** E-mail only: files attached (a scheduled report's CSV). */
  attachments?: MessageAttachment[];
}

export interface MessageAttachment {
  filename: string;
  contentType: string;
  content: string;
}

/** An event as a source raises it; the dedupe key names what it is about, once. */
export interface RaisedEvent {
  orgId: string;
  type: EventType;
  dedupeKey: string;
  /** Rule parameters are matched against these figures (e.g. `impact` against `minImpact`). */
  match: EventMatch;
  message: Omit<NotificationMessage, 'type' | 'link'> & { path: string };
  /** Only this rule (an event raised for one rule's own threshold, such as stale data). */
  ruleId?: string;
}

/** A message for one channel, not routed by rules (a test message, a digest); once per dedupe key too. */
export interface DirectEvent {
  orgId: string;
  type: 'test' | 'digest' | 'report';
  dedupeKey: string;
  channelId: string;
  message: Omit<NotificationMessage, 'type' | 'link'> & { path: string };
}

export interface EventMatch {
  budgetId?: string;
  thresholdKind?: 'actual' | 'forecast';
  percent?: number;
  impact?: number;
  monthlySavings?: number;
  accountId?: string;
}

export interface StoredEvent {
  id: string;
  orgId: string;
  type: MessageType;
  dedupeKey: string;
  message: NotificationMessage;
  createdAt: string;
}
