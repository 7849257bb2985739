/**
 * What a tool is (one file each under tools/), and the small formatting helpers that keep answers compact and
 * readable by a model: totals first, tables capped with a note on how to narrow.
 */
import { z } from 'zod';
import { ApiCallError, type ApiCaller } from './api-caller.js';

export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  /** True when the tool reaches outside Cloudtally (a sync calls AWS). */
  openWorldHint: boolean;
}

export interface McpTool {
  name: string;
  title: string;
  description: string;
  annotations: ToolAnnotations;
  args: z.ZodRawShape;
  /** The arguments as one strict object: what the MCP server validates and advertises (no extra keys). */
  schema: z.ZodObject;
  execute(args: Record<string, unknown>, api: ApiCaller): Promise<string>;
}

/**
 * An argument the tool does not know is an error, never silently dropped: an assistant that misspells
 * `groupBy` as `group_by` must hear so, not get an ungrouped answer it takes for the grouped one.
 */
export function strictArgs<S extends z.ZodRawShape>(toolName: string, shape: S): z.ZodObject<S> {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown argument${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}: ${toolName} takes ${known.length > 0 ? known.join(', ') : 'no arguments'}`
        : undefined,
  });
}

/** A tool whose `execute` gets its arguments typed and checked by its own strict zod shape. */
export function defineTool<S extends z.ZodRawShape>(def: {
  name: string;
  title: string;
  description: string;
  annotations: ToolAnnotations;
  args: S;
  execute(args: z.output<z.ZodObject<S>>, api: ApiCaller): Promise<string>;
}): McpTool {
  const schema = strictArgs(def.name, def.args);
  return { ...def, schema, execute: (args, api) => def.execute(schema.parse(args), api) };
}

export const READ_ONLY: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};

/** A user-facing problem with the arguments, reported as an isError result. */
export class ToolInputError extends Error {}

export function money(x: number | null | undefined, currency = 'USD'): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '-';
  const abs = Math.abs(x);
  const digits = abs !== 0 && abs < 1 ? 4 : 2;
  return `${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: digits })} ${currency}`;
}

export function pct(x: number | null | undefined): string {
  if (x === null || x === undefined) return 'n/a';
  return `${x > 0 ? '+' : ''}${x.toFixed(1)}%`;
}

function cell(v: unknown): string {
  if (v === null || v === undefined || v === '') return '-';
  return String(v).replace(/\|/g, '/').replace(/\s+/g, ' ');
}

/** A pipe table of at most `cap` rows, with a note on what was left out and how to narrow. */
export function table(headers: string[], rows: unknown[][], cap: number, narrow: string): string {
  const shown = rows.slice(0, cap);
  const lines = [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`];
  for (const r of shown) lines.push(`| ${r.map(cell).join(' | ')} |`);
  if (rows.length > cap) lines.push(`(${rows.length - cap} more rows not shown; ${narrow})`);
  return lines.join('\n');
}

const HINTS: Record<number, string> = {
  400: 'Change the argument named above and call the tool again.',
  401: 'The API token is missing, expired or revoked: configure a valid token (CLOUDTALLY_TOKEN, or the Authorization header of the MCP client).',
  403: "This token's role does not allow it. Ask an Organization Manager, or use the token of a user with the needed role.",
  404: 'Nothing with that ID in this organization: look the ID up with the matching list_ tool.',
  409: 'The object is not in a state that allows this; read it again (get_ or list_ tool) and act on what it says.',
  422: 'Fix the connection as the diagnostics say, then sync again.',
  429: 'Too many requests: wait a minute and try again.',
  503: 'Cloudtally is not available right now; try again shortly.',
  0: 'Cloudtally did not answer; check that it is running and try again shortly.',
};

/** The text of an isError result: what went wrong and what to change. */
export function errorText(err: unknown): string {
  if (err instanceof ApiCallError) {
    const parts = [`Error (${err.status} ${err.code}): ${err.message}`];
    if (err.field) parts.push(`Argument: ${err.field}.`);
    for (const d of err.diagnostics) {
      parts.push(
        `- ${d.code ?? 'diagnostic'}: ${d.message ?? ''}${d.remediation ? ` Fix: ${d.remediation}` : ''}`,
      );
    }
    parts.push(
      HINTS[err.status] ??
        `Cloudtally failed${err.requestId ? ` (request ID ${err.requestId})` : ''}; try again or check the server log.`,
    );
    return parts.join('\n');
  }
  if (err instanceof z.ZodError) {
    const issues = err.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; ');
    return `Error: invalid arguments: ${issues}. Change them and call the tool again.`;
  }
  if (err instanceof ToolInputError) return `Error: ${err.message}`;
  return 'Error: the tool failed unexpectedly; try again, and check the Cloudtally log if it persists.';
}

/** A date-time to the minute (UTC), for tables. */
export function when(iso: string | null | undefined): string {
  if (!iso) return 'never';
  return iso.replace('T', ' ').slice(0, 16) + (iso.length > 16 ? 'Z' : '');
}
