/**
 * How a CLI command reaches Cloudtally: always through the REST API, with the one typed client (src/api-client).
 * With a server (CLOUDTALLY_URL or --url, and a token) the requests go over the network; without one — or when
 * pointed at a database with --data-dir / --database-url — the same Hono app answers them in-process on the data
 * directory (local-api.ts), so each command is written once.
 */
import { ApiCallError, type CloudtallyClient } from '../api-client/client.js';
import {
  AppError,
  ConflictError,
  ConnectionError,
  InputError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  UnauthenticatedError,
  UnavailableError,
  type Diagnostic,
} from '../lib/errors.js';
import type { AppContext } from '../app/context.js';
import type { LocalSession } from './local-api.js';

export { ok } from '../api-client/client.js';

/** A "not found" whose message is already a sentence (NotFoundError would add "was not found" a second time). */
export class MessageNotFoundError extends NotFoundError {
  constructor(message: string) {
    super('');
    this.message = message;
  }
}

/** The API's answer as the CLI's error, whose kind sets the exit code. */
export function toAppError(e: ApiCallError): AppError {
  if (e.status === 0) return new UnavailableError(e.message);
  if (e.diagnostics.length)
    return new ConnectionError(e.diagnostics[0] as Diagnostic, e.diagnostics as Diagnostic[]);
  switch (e.status) {
    case 400:
    case 413:
      return new InputError(e.field ?? 'request', e.message);
    case 401:
      return new UnauthenticatedError(e.message);
    case 403:
      return new PermissionError(e.message);
    case 404:
      return new MessageNotFoundError(e.message);
    case 409:
      return new ConflictError(e.message);
    case 429:
      return new RateLimitError(e.message, 60);
    default:
      return new UnavailableError(`${e.message} (HTTP ${e.status})`);
  }
}

export interface ApiFlags {
  url?: string;
  token?: string;
  dataDir?: string;
  databaseUrl?: string;
  config?: string;
  logLevel?: string;
  /** The organization to act in on a data directory that holds several. */
  org?: string;
  /** Who acts on a data directory (a member's e-mail); through a server, the token says. */
  as?: string;
  /** On a data directory without --org: the organization of the object the command is about. */
  orgOf?: (ctx: AppContext) => Promise<string>;
}

export interface Connection {
  api: CloudtallyClient;
  /** Set when the app runs in-process on the data directory. */
  local?: LocalSession;
  close(): Promise<void>;
}

/** The server's URL and token when the command should go through it, else undefined (work on the data directory). */
export function serverOf(flags: ApiFlags): { url: string; token: string } | undefined {
  if (flags.dataDir !== undefined || flags.databaseUrl !== undefined) return undefined;
  const url = flags.url ?? process.env.CLOUDTALLY_URL;
  const token = flags.token ?? process.env.CLOUDTALLY_TOKEN;
  if (!url) return undefined;
  if (!token)
    throw new UnauthenticatedError(
      'CLOUDTALLY_URL is set but CLOUDTALLY_TOKEN is not: create one with `cloudtally tokens create` and set CLOUDTALLY_TOKEN (or pass --token)',
    );
  return { url, token };
}

export async function connect(flags: ApiFlags): Promise<Connection> {
  const server = serverOf(flags);
  if (server) {
    const { httpCaller } = await import('../mcp/api-caller.js');
    return { api: httpCaller(server.url, server.token), close: async () => undefined };
  }
  // The whole application (stores, AWS SDK, DuckDB) loads only here, so a command through a server starts fast.
  const { openLocalApi } = await import('./local-api.js');
  return openLocalApi(flags);
}

/** Runs `fn` with a connection, closed afterwards. */
export async function withApi<T>(flags: ApiFlags, fn: (conn: Connection) => Promise<T>): Promise<T> {
  const conn = await connect(flags);
  try {
    return await fn(conn);
  } finally {
    await conn.close();
  }
}

/** Acting commands on a data directory need a member to act as (who the audit log names). */
export function requireActor(conn: Connection, flags: ApiFlags): void {
  if (conn.local && !flags.as)
    throw new InputError(
      'as',
      'Without a server (CLOUDTALLY_URL), say who acts with --as EMAIL (a member of the organization)',
    );
}

export { ApiCallError };
