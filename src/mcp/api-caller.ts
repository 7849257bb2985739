/**
 * How MCP tools reach Cloudtally: always through the REST API with the caller's bearer token, so that the
 * token's organization and role bound every tool exactly as they bound any other client. The fetch function
 * is either the network (stdio against a running server) or the Hono app in-process (`app.request`).
 */

export type QueryParams = Record<string, string | number | boolean | readonly string[] | undefined>;

export interface ApiCaller {
  get<T>(path: string, query?: QueryParams): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
}

export type FetchLike = (path: string, init: RequestInit) => Response | Promise<Response>;

interface ErrorDiagnostic {
  code?: string;
  message?: string;
  remediation?: string;
}

/** An answer of the API other than 2xx, with what the client needs to say what to change. */
export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly diagnostics: ErrorDiagnostic[] = [],
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

export function pathWithQuery(path: string, query?: QueryParams): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const item of v as readonly string[]) params.append(k, item);
    else params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function errorOf(res: Response): Promise<ApiCallError> {
  const text = await res.text();
  let body: {
    error?: {
      code?: string;
      message?: string;
      field?: string;
      diagnostic?: ErrorDiagnostic;
      diagnostics?: ErrorDiagnostic[];
    };
    requestId?: string;
  } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    body = {};
  }
  const e = body.error ?? {};
  const diagnostics = e.diagnostics ?? (e.diagnostic ? [e.diagnostic] : []);
  return new ApiCallError(
    res.status,
    e.code ?? `http_${res.status}`,
    e.message ?? (text.slice(0, 300) || res.statusText),
    e.field,
    diagnostics,
    body.requestId,
  );
}

export function createApiCaller(fetchFn: FetchLike, token: string): ApiCaller {
  async function send<T>(method: string, path: string, body?: unknown, query?: QueryParams): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetchFn(pathWithQuery(path, query), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new ApiCallError(
        503,
        'unreachable',
        `Cloudtally could not be reached: ${(err as Error).message}`,
      );
    }
    if (!res.ok) throw await errorOf(res);
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }
  return {
    get: (path, query) => send('GET', path, undefined, query),
    post: (path, body) => send('POST', path, body ?? {}),
  };
}

/** The network form: a Cloudtally server at `baseUrl`. */
export function httpFetch(baseUrl: string): FetchLike {
  const base = baseUrl.replace(/\/+$/, '');
  return (path, init) => fetch(base + path, init);
}
