/** Connects the SDK's own MCP client to Cloudtally over either transport, for the MCP tests. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type TransportKind = 'http' | 'stdio';

export interface Connected {
  client: Client;
  /** stderr of the stdio process (empty for HTTP). */
  stderr(): string;
  close(): Promise<void>;
}

export async function connectHttp(url: string, token: string): Promise<Connected> {
  const client = new Client({ name: 'cloudtally-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  return { client, stderr: () => '', close: () => client.close() };
}

/** `cloudtally mcp` as an assistant would start it, with extra arguments and environment. */
export async function connectStdio(args: string[], env: Record<string, string>): Promise<Connected> {
  const client = new Client({ name: 'cloudtally-test', version: '1.0.0' });
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('CLOUDTALLY_')) base[k] = v;
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [path.join(ROOT, 'bin/cloudtally.js'), 'mcp', ...args],
    env: { ...base, ...env },
    cwd: ROOT,
    stderr: 'pipe',
  });
  let err = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  await client.connect(transport);
  const pid = transport.pid;
  return {
    client,
    stderr: () => err,
    // Resolves once the process is gone (the SDK stops waiting after a SIGKILL), so what it held is released.
    close: async () => {
      await client.close();
      if (pid !== null) await processGone(pid, 10_000);
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits (bounded) until no process has the id. */
async function processGone(pid: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (alive(pid)) {
    if (Date.now() > until)
      throw new Error(`cloudtally mcp (pid ${pid}) still runs ${timeoutMs} ms after close`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The text of a tool result (all text parts joined). */
export function textOf(result: unknown): string {
  const r = result as CallToolResult;
  return r.content
    .filter((c): c is { type: 'text'; text: string } => c.type === 'text')
    .map((c) => c.text)
    .join('\n');
}

/** `Total: 1,234.56 USD` → 1234.56 */
export function totalOf(text: string): number {
  const m = /Total: (-?[\d,]+\.\d+) ([A-Z]{3})/.exec(text);
  if (!m) throw new Error(`no total in: ${text.slice(0, 200)}`);
  return Number(m[1].replace(/,/g, ''));
}
