/**
 * The one client of the REST API, for the CLI, the MCP tools and the dashboard: openapi-fetch over the types that
 * `npm run gen:api` generates from the app's OpenAPI document (schema.ts), so a call names a path the server has,
 * with the parameters and body it takes, and gets the answer's declared type. Free of Node imports (the dashboard
 * bundles it). Where requests go is the caller's choice: the network, or the Hono app in-process (`app.request`).
 */
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './schema.js';

export type { components, paths };
/** The answer shapes the API declares (`Schemas['CostAnswer']`, …). */
export type Schemas = components['schemas'];
/** JSON answers: routes that can also answer CSV are typed by their JSON form (ask `parseAs: 'text'` for CSV). */
export type CloudtallyClient = Client<paths, 'application/json'>;

export interface ErrorDiagnostic {
  code: string;
  message: string;
  remediation: string;
  step?: string;
  key?: string;
}

/** An answer other than 2xx (or no answer at all: status 0), with what a client needs to say what to change. */
export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly issues: { field: string; message: string }[] = [],
    readonly diagnostics: ErrorDiagnostic[] = [],
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

interface ErrorBody {
  error?: {
    code?: string;
    message?: string;
    field?: string;
    issues?: { field: string; message: string }[];
    diagnostic?: ErrorDiagnostic;
    diagnostics?: ErrorDiagnostic[];
  };
  requestId?: string;
}

/** The error an answer stands for; `body` is what openapi-fetch parsed (JSON, or the text when it is not JSON). */
export function apiCallError(response: Response, body: unknown): ApiCallError {
  const parsed: ErrorBody = typeof body === 'object' && body !== null ? (body as ErrorBody) : {};
  const e = parsed.error ?? {};
  const text = typeof body === 'string' ? body.slice(0, 300) : '';
  return new ApiCallError(
    response.status,
    e.code ?? `http_${response.status}`,
    e.message ?? (text || `The server answered ${response.status} ${response.statusText}`.trim()),
    e.field,
    e.issues ?? [],
    e.diagnostics ?? (e.diagnostic ? [e.diagnostic] : []),
    parsed.requestId,
  );
}

export interface ClientOptions {
  /** Where the server is; `http://cloudtally.local` for the app in-process, '' for the dashboard's own origin. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`. */
  token?: string;
  /** Instead of the network, e.g. `(req) => app.request(req)`. */
  fetch?: (request: Request) => Promise<Response>;
  /** Said in the error when the server cannot be reached. */
  unreachable?: string;
}

export function createCloudtallyClient(options: ClientOptions): CloudtallyClient {
  const client = createClient<paths, 'application/json'>({
    baseUrl: options.baseUrl,
    headers: options.token ? { authorization: `Bearer ${options.token}` } : undefined,
    // Late-bound, so that a test (or the dashboard) swapping globalThis.fetch is honoured.
    fetch: options.fetch ?? ((request) => globalThis.fetch(request)),
  });
  client.use({
    onError({ error }) {
      // fetch fails with a TypeError when there is no answer; anything else (an abort, an error of an in-process
      // fetch) goes to the caller as it is.
      if (!(error instanceof TypeError)) return error instanceof Error ? error : new Error(String(error));
      const reason = error instanceof Error ? error.message : String(error);
      return new ApiCallError(
        0,
        'unreachable',
        `${options.unreachable ?? 'Cloudtally did not answer'}: ${reason}`,
      );
    },
  });
  return client;
}

/** The JSON body a route takes: `JsonBody<'/api/v1/budgets', 'post'>`. */
export type JsonBody<
  P extends keyof paths,
  M extends 'post' | 'put' | 'patch' | 'delete',
> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

/** The JSON a route answers with 200: `JsonAnswer<'/api/v1/sync-runs/{id}', 'get'>`. */
export type JsonAnswer<
  P extends keyof paths,
  M extends 'get' | 'post' | 'put' | 'patch' | 'delete',
> = paths[P][M] extends {
  responses: { 200: { content: { 'application/json': infer A } } };
}
  ? A
  : never;

type Answer<D> = { data?: D; error?: unknown; response: Response };

/** The data of a call, or its ApiCallError thrown: `const a = await ok(api.GET('/api/v1/costs', …))`. */
export async function ok<D>(call: Promise<Answer<D>>): Promise<D> {
  const { data, error, response } = await call;
  if (!response.ok) throw apiCallError(response, error);
  return data as D;
}
