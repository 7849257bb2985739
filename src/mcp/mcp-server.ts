/** The MCP server: every tool of tools/, calling Cloudtally's REST API through one ApiCaller. */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from 'pino';
import type { ApiCaller } from './api-caller.js';
import { errorText, type McpTool } from './tool-kit.js';
import { TOOLS } from './tools/index.js';

export const MCP_SERVER_NAME = 'cloudtally';
export const MCP_SERVER_VERSION = '0.1.0';

const INSTRUCTIONS = [
  'Cloudtally manages AWS costs: connected accounts, billing data, resources, and savings recommendations.',
  'Dates are YYYY-MM-DD, ranges include both ends, amounts carry their currency.',
  'Start with list_cloud_accounts to see what is connected; query_costs answers "what did X cost"; list_recommendations answers "what can I save".',
].join(' ');

/** Runs one tool; failures become isError results that say what to change. */
export async function runTool(
  tool: McpTool,
  args: Record<string, unknown>,
  api: ApiCaller,
  log?: Pick<Logger, 'info' | 'warn'>,
): Promise<CallToolResult> {
  const started = Date.now();
  try {
    const text = await tool.execute(args, api);
    log?.info({ tool: tool.name, ms: Date.now() - started }, 'mcp tool call');
    return { content: [{ type: 'text', text }] };
  } catch (err) {
    log?.warn(
      { tool: tool.name, ms: Date.now() - started, err: (err as Error).message },
      'mcp tool call failed',
    );
    return { isError: true, content: [{ type: 'text', text: errorText(err) }] };
  }
}

export function createMcpServer(
  api: ApiCaller,
  options: { log?: Pick<Logger, 'info' | 'warn'>; tools?: readonly McpTool[] } = {},
): McpServer {
  const server = new McpServer(
    { name: MCP_SERVER_NAME, version: MCP_SERVER_VERSION, title: 'Cloudtally' },
    { instructions: INSTRUCTIONS },
  );
  for (const tool of options.tools ?? TOOLS) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.schema,
        annotations: { title: tool.title, ...tool.annotations },
      },
      (args: Record<string, unknown>) => runTool(tool, args, api, options.log),
    );
  }
  return server;
}
