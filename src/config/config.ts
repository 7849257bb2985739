import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { InputError } from '../lib/errors.js';

const bool = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1'),
]);
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Every setting, its type and default. Flags > CLOUDTALLY_* environment > config file > defaults. */
export const configSchema = z
  .object({
    dataDir: z.string().min(1).default('./.cloudtally'),
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    host: z.string().min(1).default('127.0.0.1'),
    port: int(0, 65535).default(8080),
    /** Base64 or hex encoding of 32 bytes; without it the key file in the data directory is used. */
    secretKey: z.string().optional(),
    secretKeyFile: z.string().optional(),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** One endpoint for every AWS client (the SDK's AWS_ENDPOINT_URL is honoured too). */
    awsEndpointUrl: z.string().url().optional(),
    awsRegion: z.string().default('us-east-1'),
    /** Cloudtally's own AWS principal, trusted by customer roles (shown in the setup policies). */
    awsPrincipalArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:iam::\d{12}:(root|user\/.+|role\/.+)$/, 'must be an IAM principal ARN')
      .optional(),
    /**
     * A PEM file of one more certificate authority the Azure clients trust (Entra ID, Blob Storage, ARM): a private
     * endpoint or a TLS-inspecting proxy with its own CA.
     */
    azureCaFile: z.string().min(1).optional(),
    syncIntervalMinutes: int(5, 7 * 24 * 60).default(360),
    retentionMonths: int(1, 120).default(13),
    worker: bool.default(true),
    maxConcurrentSyncs: int(1, 64).default(2),
    /** A sync worker that has not renewed its lease for this long is presumed dead; its run is taken over. */
    syncLeaseSeconds: int(2, 3600).default(60),
    /** How often an idle sync worker looks at the queue for runs queued by other processes. */
    syncPollMs: int(50, 60_000).default(1000),
    sessionTtlHours: int(1, 24 * 90).default(24 * 7),
    /**
     * The server sits behind a reverse proxy that sets X-Forwarded-Proto and X-Forwarded-For: honour them (for the
     * session cookie's Secure flag and the sign-in limit per address). Off by default, since any client can send
     * these headers to a server that is reached directly.
     */
    trustProxy: bool.default(false),
    /** The address users reach Cloudtally at; an https:// URL makes the session cookie Secure. */
    publicUrl: z
      .string()
      .url()
      .regex(/^https?:\/\//, 'must be an http:// or https:// URL')
      .optional(),
    maxBodyBytes: int(1024, 50 * 1024 * 1024).default(1024 * 1024),
    /**
     * The time one database statement of an API read may take; past it the statement is stopped (statement_timeout
     * on PostgreSQL, an interrupt on DuckDB) and the request answers 503, so that no query can hold the server.
     */
    queryTimeoutMs: int(1, 60 * 60 * 1000).default(30_000),
    /** Start the scheduler; tests that drive syncs by hand turn it off. */
    scheduler: bool.default(true),
    /** How often the notification worker looks for due deliveries (queued by any process). */
    notificationPollMs: int(50, 60_000).default(1000),
    /** Attempts of a notification delivery before it is given up and the failure shown on its channel. */
    notificationMaxAttempts: int(1, 50).default(8),
    /** The wait after a delivery's first failed attempt; it doubles with each attempt. */
    notificationRetryMs: int(10, 3_600_000).default(30_000),
    /** How often the checks for new anomalies, sync failures, stale data and new recommendations run. */
    notificationCheckSeconds: int(1, 86_400).default(300),
    /**
     * Memory the embedded DuckDB engine may use before it spills to disk (DuckDB's own default is 80 % of RAM).
     * It bounds a billing load of any size: the ingest benchmark's peak-memory figures are measured with it.
     */
    duckdbMemoryLimit: z
      .string()
      .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'must be a size such as 512MB or 2GB')
      .default('512MB'),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

const ENV_NAMES: Record<keyof Config, string> = {
  dataDir: 'CLOUDTALLY_DATA_DIR',
  databaseUrl: 'CLOUDTALLY_DATABASE_URL',
  host: 'CLOUDTALLY_HOST',
  port: 'CLOUDTALLY_PORT',
  secretKey: 'CLOUDTALLY_SECRET_KEY',
  secretKeyFile: 'CLOUDTALLY_SECRET_KEY_FILE',
  logLevel: 'CLOUDTALLY_LOG_LEVEL',
  awsEndpointUrl: 'CLOUDTALLY_AWS_ENDPOINT_URL',
  awsRegion: 'CLOUDTALLY_AWS_REGION',
  awsPrincipalArn: 'CLOUDTALLY_AWS_PRINCIPAL_ARN',
  azureCaFile: 'CLOUDTALLY_AZURE_CA_FILE',
  syncIntervalMinutes: 'CLOUDTALLY_SYNC_INTERVAL_MINUTES',
  retentionMonths: 'CLOUDTALLY_RETENTION_MONTHS',
  worker: 'CLOUDTALLY_WORKER',
  maxConcurrentSyncs: 'CLOUDTALLY_MAX_CONCURRENT_SYNCS',
  syncLeaseSeconds: 'CLOUDTALLY_SYNC_LEASE_SECONDS',
  syncPollMs: 'CLOUDTALLY_SYNC_POLL_MS',
  duckdbMemoryLimit: 'CLOUDTALLY_DUCKDB_MEMORY_LIMIT',
  sessionTtlHours: 'CLOUDTALLY_SESSION_TTL_HOURS',
  trustProxy: 'CLOUDTALLY_TRUST_PROXY',
  publicUrl: 'CLOUDTALLY_PUBLIC_URL',
  maxBodyBytes: 'CLOUDTALLY_MAX_BODY_BYTES',
  queryTimeoutMs: 'CLOUDTALLY_QUERY_TIMEOUT_MS',
  scheduler: 'CLOUDTALLY_SCHEDULER',
  notificationPollMs: 'CLOUDTALLY_NOTIFICATION_POLL_MS',
  notificationMaxAttempts: 'CLOUDTALLY_NOTIFICATION_MAX_ATTEMPTS',
  notificationRetryMs: 'CLOUDTALLY_NOTIFICATION_RETRY_MS',
  notificationCheckSeconds: 'CLOUDTALLY_NOTIFICATION_CHECK_SECONDS',
};

export function envName(key: keyof Config): string {
  return ENV_NAMES[key];
}

function readConfigFile(file: string): Record<string, unknown> {
  if (!existsSync(file)) throw new InputError('config', `The config file ${file} does not exist`);
  const text = readFileSync(file, 'utf8');
  let parsed: unknown;
  try {
    parsed = file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text);
  } catch (err) {
    throw new InputError('config', `The config file ${file} is not valid: ${(err as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InputError('config', `The config file ${file} must hold an object of settings`);
  }
  return parsed as Record<string, unknown>;
}

/**
 * Builds the configuration from defaults, an optional file (`configFile` or CLOUDTALLY_CONFIG), the environment
 * and flags. A bad value throws an InputError naming the setting and where it came from.
 */
export function loadConfig(
  flags: Partial<Record<keyof Config, unknown>> & { configFile?: string } = {},
  env: NodeJS.ProcessEnv = process.env,
): Config {
  const { configFile, ...flagValues } = flags;
  const file = configFile ?? env.CLOUDTALLY_CONFIG;
  const merged: Record<string, unknown> = {};
  const origin: Record<string, string> = {};
  if (file) {
    for (const [k, v] of Object.entries(readConfigFile(file))) {
      merged[k] = v;
      origin[k] = `config file ${file}`;
    }
  }
  for (const key of Object.keys(ENV_NAMES) as (keyof Config)[]) {
    const v = env[ENV_NAMES[key]];
    if (v !== undefined && v !== '') {
      merged[key] = v;
      origin[key] = `environment variable ${ENV_NAMES[key]}`;
    }
  }
  if (merged.awsEndpointUrl === undefined && env.AWS_ENDPOINT_URL) {
    merged.awsEndpointUrl = env.AWS_ENDPOINT_URL;
    origin.awsEndpointUrl = 'environment variable AWS_ENDPOINT_URL';
  }
  for (const [k, v] of Object.entries(flagValues)) {
    if (v !== undefined) {
      merged[k] = v;
      origin[k] = `flag --${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    }
  }
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      const where = origin[key] ? ` (from ${origin[key]})` : '';
      const message =
        issue.code === 'unrecognized_keys'
          ? `unknown setting(s) ${issue.keys.join(', ')}`
          : `setting ${key}${where}: ${issue.message}`;
      return { field: key || issue.code, message };
    });
    throw new InputError(
      issues[0].field,
      `Invalid configuration: ${issues.map((i) => i.message).join('; ')}`,
      issues,
    );
  }
  const config = result.data;
  config.dataDir = path.resolve(config.dataDir);
  return config;
}
