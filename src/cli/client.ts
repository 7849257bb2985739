/**
 * How a CLI command reaches Cloudtally: always through the REST API, with the one typed client (src/api-client).
 * With a server (CLOUDTALLY_URL or --url, and a token) the requests go over the network; without one — or when
 * pointed at a database with --data-dir / --database-url — the same Hono app answers them in-process on the data
 * directory (local-api.ts), so each command is written once.
 */
import { ApiCallError } from '../api-client/client.js';
import { InputError, UnauthenticatedError } from '../lib/errors.js';
import type { ApiFlags, Connection } from './connection-types.js';

export { ok } from '../api-client/client.js';

export { MessageNotFoundError, toAppError } from './api-errors.js';
export type { ApiFlags, Connection, LocalSession } from './connection-types.js';

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
