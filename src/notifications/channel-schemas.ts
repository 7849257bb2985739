import { z } from 'zod';

/**
 * The kinds of channel and their settings. What would let someone post to the channel or sign in to the mail
 * server (SMTP password, Slack and Teams webhook URLs, the webhook signing secret) is kept apart, encrypted in
 * the secret vault; `config` holds the rest and is what answers show.
 */

export const CHANNEL_KINDS = ['email', 'slack', 'teams', 'webhook'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

const name = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const httpUrl = z
  .string()
  .trim()
  .max(2000, 'must be at most 2000 characters')
  .url('must be a URL')
  .refine((u) => /^https?:\/\//i.test(u), 'must be an http:// or https:// URL');
const email = z.string().trim().email('must be an e-mail address');

/** How the connection to the mail server is secured: TLS from the start (465), STARTTLS (587), or none. */
export const SMTP_SECURITY = ['tls', 'starttls', 'none'] as const;

const emailConfig = z
  .object({
    host: z.string().trim().min(1, 'must not be empty').max(255),
    port: z.number().int().min(1, 'must be a port 1-65535').max(65535, 'must be a port 1-65535'),
    security: z.enum(SMTP_SECURITY).default('starttls'),
    /** Check the server's certificate (turn off only for a server with a self-signed certificate). */
    verifyCertificate: z.boolean().default(true),
    username: z.string().max(500).optional(),
    from: email,
    to: z.array(email).min(1, 'must name at least one recipient').max(50, 'must name at most 50 recipients'),
  })
  .strict();

export const emailChannelSchema = z
  .object({
    kind: z.literal('email'),
    name,
    config: emailConfig,
    /** The SMTP password (with config.username). */
    password: z.string().min(1).max(1000).optional(),
  })
  .strict();

export const slackChannelSchema = z
  .object({ kind: z.literal('slack'), name, url: httpUrl.describe('The incoming webhook URL') })
  .strict();

export const teamsChannelSchema = z
  .object({ kind: z.literal('teams'), name, url: httpUrl.describe('The workflow webhook URL') })
  .strict();

export const webhookChannelSchema = z
  .object({
    kind: z.literal('webhook'),
    name,
    config: z.object({ url: httpUrl }).strict(),
    /** Signs every request (HMAC-SHA256); the receiver holds the same value. */
    secret: z.string().min(16, 'must be at least 16 characters').max(500, 'must be at most 500 characters'),
  })
  .strict();

export const createChannelSchema = z.discriminatedUnion('kind', [
  emailChannelSchema,
  slackChannelSchema,
  teamsChannelSchema,
  webhookChannelSchema,
]);
export type CreateChannelInput = z.infer<typeof createChannelSchema>;

/**
 * A change: the name, the settings of the channel's kind, and a new secret (left as it is when absent). Settings
 * are merged into the stored ones; a setting given as `null` is cleared (e.g. the SMTP `username`), and
 * `password: null` removes the stored SMTP password.
 */
export const updateChannelSchema = z
  .object({
    name: name.optional(),
    config: z.record(z.string(), z.unknown()).optional(),
    password: z.string().min(1).max(1000).nullable().optional(),
    url: httpUrl.optional(),
    secret: z.string().min(16, 'must be at least 16 characters').max(500).optional(),
  })
  .strict();
export type UpdateChannelInput = z.infer<typeof updateChannelSchema>;

export type EmailConfig = z.infer<typeof emailConfig>;
export const emailConfigSchema = emailConfig;

/** What a channel needs to send, once its secret is decrypted. */
export type ChannelTarget =
  | { kind: 'email'; config: EmailConfig; password?: string }
  | { kind: 'slack'; url: string }
  | { kind: 'teams'; url: string }
  | { kind: 'webhook'; url: string; secret: string };

export interface Channel {
  id: string;
  orgId: string;
  name: string;
  kind: ChannelKind;
  /** Shown settings: never a secret (a Slack/Teams URL shows its host only). */
  config: Record<string, unknown>;
  secretId: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Stored settings with a change merged in: a key given as `null` is removed (cleared), others replace. */
export function mergeConfig(
  stored: Record<string, unknown>,
  change: Record<string, unknown>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...stored };
  for (const [k, v] of Object.entries(change)) {
    if (v === null) delete merged[k];
    else merged[k] = v;
  }
  return merged;
}

/** The host of a webhook URL, which is all that is shown of it (the path is the credential). */
export function urlHint(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}/…`;
}
