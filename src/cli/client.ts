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

/** Talks to a running Cloudtally server: CLOUDTALLY_URL and CLOUDTALLY_TOKEN (or flags). */
export interface ApiClient {
  readonly url: string;
  get<T>(path: string, query?: Record<string, string | number | boolean | undefined>): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  patch<T>(path: string, body?: unknown): Promise<T>;
  delete(path: string): Promise<void>;
  /** The raw response (for CSV and other non-JSON answers). */
  raw(path: string, query?: Record<string, string | number | boolean | undefined>): Promise<Response>;
}

type ErrorBody = {
  error?: {
    code?: string;
    message?: string;
    field?: string;
    diagnostic?: Diagnostic;
    diagnostics?: Diagnostic[];
  };
};

/** A "not found" whose message is already a sentence (NotFoundError would add "was not found" a second time). */
export class MessageNotFoundError extends NotFoundError {
  constructor(message: string) {
    super('');
    this.message = message;
  }
}

function toError(status: number, body: ErrorBody, fallback: string): AppError {
  const e = body.error ?? {};
  const message = e.message ?? fallback;
  if (e.diagnostic) return new ConnectionError(e.diagnostic, e.diagnostics);
  switch (status) {
    case 400:
    case 413:
      return new InputError(e.field ?? 'request', message);
    case 401:
      return new UnauthenticatedError(message);
    case 403:
      return new PermissionError(message);
    case 404:
      return new MessageNotFoundError(message);
    case 409:
      return new ConflictError(message);
    case 429:
      return new RateLimitError(message, 60);
    default:
      return new UnavailableError(`${message} (HTTP ${status})`);
  }
}

export function clientFromEnv(flags: { url?: string; token?: string } = {}): ApiClient | undefined {
  const url = flags.url ?? process.env.CLOUDTALLY_URL;
  const token = flags.token ?? process.env.CLOUDTALLY_TOKEN;
  if (!url) return undefined;
  if (!token)
    throw new UnauthenticatedError(
      'CLOUDTALLY_URL is set but CLOUDTALLY_TOKEN is not: create one with `cloudtally tokens create` and set CLOUDTALLY_TOKEN (or pass --token)',
    );
  return createApiClient(url, token);
}

export function requireClient(flags: { url?: string; token?: string } = {}): ApiClient {
  const client = clientFromEnv(flags);
  if (!client) {
    throw new InputError(
      'CLOUDTALLY_URL',
      'This command talks to a running server: set CLOUDTALLY_URL and CLOUDTALLY_TOKEN (or --url and --token)',
    );
  }
  return client;
}

export function createApiClient(baseUrl: string, token: string): ApiClient {
  const base = baseUrl.replace(/\/+$/, '');
  const href = (path: string, query?: Record<string, string | number | boolean | undefined>) => {
    const u = new URL(base + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  };
  async function send(
    method: string,
    path: string,
    body?: unknown,
    query?: Record<string, string | number | boolean | undefined>,
  ): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(href(path, query), {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new UnavailableError(`Cannot reach Cloudtally at ${base}: ${(err as Error).message}`);
    }
    if (!res.ok) {
      const text = await res.text();
      let parsed: ErrorBody = {};
      try {
        parsed = JSON.parse(text) as ErrorBody;
      } catch {
        parsed = {};
      }
      throw toError(res.status, parsed, text || res.statusText);
    }
    return res;
  }
  const json = async <T>(res: Response): Promise<T> =>
    res.status === 204 ? (undefined as T) : ((await res.json()) as T);
  return {
    url: base,
    get: async (path, query) => json(await send('GET', path, undefined, query)),
    post: async (path, body) => json(await send('POST', path, body ?? {})),
    patch: async (path, body) => json(await send('PATCH', path, body ?? {})),
    delete: async (path) => {
      await send('DELETE', path);
    },
    raw: (path, query) => send('GET', path, undefined, query),
  };
}
