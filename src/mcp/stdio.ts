/**
 * `cloudtally mcp`: MCP over stdio for assistants that start a local process. Against a running server
 * (CLOUDTALLY_URL + CLOUDTALLY_TOKEN) the tools call its API over HTTP; without one, the data directory is
 * opened here and the same API runs in-process — still behind a token, so the same organization and role
 * bound what the tools see: CLOUDTALLY_TOKEN, or `--email` for a token minted for this session and revoked
 * when it ends.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Readable, Writable } from 'node:stream';
import type { AppContext } from '../app/context.js';
import { createApi } from '../api/app.js';
import { InputError } from '../lib/errors.js';
import { httpCaller, inProcessCaller, type ApiCaller } from './api-caller.js';
import { createMcpServer } from './mcp-server.js';

export interface StdioOptions {
  url?: string;
  token?: string;
  /** Act as this user when no token is given (direct data-directory mode only). */
  email?: string;
  /** The user's organization to act in when they belong to several. */
  org?: string;
  /** Opens the data directory (or PostgreSQL) when no server URL is given. */
  openContext: () => Promise<AppContext>;
  stdin?: Readable;
  stdout?: Writable;
}

interface Connection {
  api: ApiCaller;
  log?: AppContext['log'];
  close(): Promise<void>;
}

async function connect(o: StdioOptions): Promise<Connection> {
  if (o.url) {
    if (!o.token)
      throw new InputError(
        'CLOUDTALLY_TOKEN',
        'CLOUDTALLY_URL is set but CLOUDTALLY_TOKEN is not: create a token with `cloudtally tokens create`.',
      );
    return { api: httpCaller(o.url, o.token), close: async () => undefined };
  }
  if (!o.token && !o.email)
    throw new InputError(
      'CLOUDTALLY_TOKEN',
      'Without a server URL, give CLOUDTALLY_TOKEN (an API token) or --email (act as that user) so that the tools know whose organization and role to use.',
    );
  const ctx = await o.openContext();
  try {
    const app = createApi(ctx);
    let token = o.token;
    let revoke = async () => undefined as void;
    if (!token) {
      const minted = await ctx.auth.createTokenForEmail(o.email ?? '', 'MCP stdio session', o.org);
      token = minted.token;
      revoke = async () => {
        const principal = await ctx.auth.authenticateToken(minted.token);
        if (principal) await ctx.auth.revokeToken(principal, minted.id);
      };
    } else if (!(await ctx.auth.authenticateToken(token))) {
      throw new InputError(
        'CLOUDTALLY_TOKEN',
        'CLOUDTALLY_TOKEN is not a valid, unrevoked API token of this data directory.',
      );
    }
    return {
      api: inProcessCaller(app, token),
      log: ctx.log,
      async close() {
        await revoke().catch(() => undefined);
        await ctx.close();
      },
    };
  } catch (err) {
    await ctx.close();
    throw err;
  }
}

/** Serves MCP on stdin/stdout until the client closes the stream. */
export async function runStdioServer(o: StdioOptions): Promise<void> {
  const conn = await connect(o);
  const server = createMcpServer(conn.api, { log: conn.log?.child({ area: 'mcp' }) });
  const transport = new StdioServerTransport(o.stdin, o.stdout);
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
  });
  const input = o.stdin ?? process.stdin;
  input.once('end', () => void server.close());
  try {
    await server.connect(transport);
    await closed;
  } finally {
    await conn.close();
  }
}
