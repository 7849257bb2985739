/**
 * The dashboard's only way to the server: the REST API under /api/v1, with the session cookie and the CSRF
 * header on every mutating request.
 */

import {
  ApiCallError,
  apiCallError,
  createCloudtallyClient,
  type CloudtallyClient,
  type ErrorDiagnostic,
} from '../../src/api-client/client.js';

export type Diagnostic = ErrorDiagnostic;

/** An answer other than 2xx, or none at all (status 0): the generated client's error, under the dashboard's name. */
export { ApiCallError as ApiError };

let csrfToken: string | undefined;
let onUnauthenticated: (() => void) | undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called when a request answers 401 (the session expired or was revoked), so the app can show sign-in. */
export function setUnauthenticatedHandler(handler: (() => void) | undefined): void {
  onUnauthenticated = handler;
}

/**
 * The typed client of the API (openapi-fetch over the generated `src/api-client/schema.ts`), on the dashboard's
 * origin with the session cookie, the CSRF header on every mutating request and sign-in shown on a 401:
 * `ok(client.GET('/api/v1/budgets'))` names a path the server has and gets its declared answer type.
 */
export const client: CloudtallyClient = createCloudtallyClient({
  baseUrl: '',
  unreachable: 'Cloudtally did not answer. Check that the server is running',
});
client.use({
  onRequest({ request }) {
    request.headers.set('accept', 'application/json');
    if (request.method !== 'GET' && csrfToken) request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
  onResponse({ response, request }) {
    if (response.status === 401 && !new URL(request.url).pathname.startsWith('/api/v1/auth/')) {
      onUnauthenticated?.();
    }
    return undefined;
  },
});

export { ok } from '../../src/api-client/client.js';

export type Query = Record<string, string | number | boolean | undefined | null | readonly string[]>;

/** The query without empty values; arrays repeat the parameter (filter=a&filter=b), as the API's lists expect. */
function queryParams(query: Query | undefined): Record<string, string | readonly string[]> | undefined {
  if (!query) return undefined;
  const out: Record<string, string | readonly string[]> = {};
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    out[key] = Array.isArray(value)
      ? (value as readonly string[])
      : String(value as string | number | boolean);
  }
  return out;
}

export function withQuery(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(queryParams(query) ?? {})) {
    if (typeof value === 'string') params.set(key, value);
    else for (const v of value) params.append(key, v);
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** The error of an answer; an HTML page (a proxy, a crashed server) says only its status. */
function toError(response: Response, body: unknown): ApiCallError {
  return apiCallError(response, typeof body === 'string' ? undefined : body);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  query?: Query;
  signal?: AbortSignal;
}

/** Paths the pages build at run time (`/api/v1/accounts/${id}`) go through the same client, untyped. */
type DynamicRequest = (
  method: string,
  path: string,
  init: { params?: { query?: object }; body?: unknown; signal?: AbortSignal; parseAs: 'text' | 'blob' },
) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
const dynamicRequest = client.request.bind(client) as unknown as DynamicRequest;

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { data, error, response } = await dynamicRequest(options.method ?? 'GET', path, {
    params: { query: queryParams(options.query) },
    body: options.body,
    signal: options.signal,
    // Read as text and parsed by content type below: a few answers (CSV) are not JSON.
    parseAs: 'text',
  });
  if (!response.ok) throw toError(response, error);
  if (response.status === 204 || data === undefined) return undefined as T;
  const text = data as string;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('application/json')) return (text ? JSON.parse(text) : undefined) as T;
  return text as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>(path, { query, signal }),
  post: <T>(path: string, body?: unknown) => request<T>(path, { method: 'POST', body: body ?? {} }),
  patch: <T>(path: string, body: unknown) => request<T>(path, { method: 'PATCH', body }),
  put: <T>(path: string, body: unknown) => request<T>(path, { method: 'PUT', body }),
  del: <T = void>(path: string, body?: unknown) => request<T>(path, { method: 'DELETE', body }),
};

/** Downloads a server response (e.g. the CSV export) as a file, keeping the session cookie. */
export async function download(path: string, query: Query | undefined, filename: string): Promise<void> {
  const { data, error, response } = await dynamicRequest('GET', path, {
    params: { query: queryParams(query) },
    parseAs: 'blob',
  });
  if (!response.ok) throw toError(response, error);
  const blob = data as Blob;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiCallError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
