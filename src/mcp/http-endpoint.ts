/**
 * `/mcp` on the server: MCP over streamable HTTP in stateless mode (a fresh server per request, JSON answers),
 * authenticated by API token. Tool calls go through the same Hono app in-process with the caller's token.
 */
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { AppContext } from '../app/context.js';
import type { Api } from '../api/route-kit.js';
import { inProcessCaller } from './api-caller.js';
import { createMcpServer } from './mcp-server.js';

export const MCP_PATH = '/mcp';

function rpcError(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

export function registerMcpEndpoint(app: Api, ctx: AppContext): void {
  app.all(MCP_PATH, async (c) => {
    // Stateless: no session to resume and no server-initiated stream, so only POST carries messages. Answered
    // before authentication so that a client's probe for a stream does not race its next request.
    if (c.req.method !== 'POST')
      return rpcError(405, 'Method not allowed: this endpoint is stateless; send JSON-RPC with POST.', {
        allow: 'POST',
      });
    const header = c.req.header('authorization') ?? '';
    const token = /^bearer /i.test(header) ? header.slice(7).trim() : '';
    const principal = token ? await ctx.auth.authenticateToken(token) : null;
    if (!principal) {
      return rpcError(
        401,
        'Send a Cloudtally API token: Authorization: Bearer TOKEN (create one with `cloudtally tokens create`).',
        {
          'www-authenticate': 'Bearer realm="cloudtally"',
        },
      );
    }
    const api = inProcessCaller(app, token);
    const server = createMcpServer(api, {
      log: ctx.log.child({ area: 'mcp', userId: principal.userId, orgId: principal.orgId }),
    });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw);
    } finally {
      await server.close();
    }
  });
}
