/** Domain errors. They know nothing of HTTP; one table (ERROR_MAP) maps them to HTTP, CLI and MCP. */

export interface Diagnostic {
  /** Stable code, e.g. `role_not_trusted`; documented in the README's troubleshooting table. */
  code: string;
  message: string;
  remediation: string;
  /** The validation step, AWS region, S3 key or other place the diagnostic is about. */
  step?: string;
  key?: string;
}

export abstract class AppError extends Error {
  abstract readonly kind: ErrorKind;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

export type ErrorKind =
  | 'input'
  | 'unauthenticated'
  | 'permission'
  | 'not_found'
  | 'conflict'
  | 'connection'
  | 'rate_limited'
  | 'unavailable'
  | 'too_large';

/** Bad input; `field` names the field (dotted path) and the message says which rule it breaks. */
export class InputError extends AppError {
  readonly kind = 'input' as const;
  constructor(
    readonly field: string,
    message: string,
    readonly issues: { field: string; message: string }[] = [{ field, message }],
  ) {
    super(message);
  }
}

export class UnauthenticatedError extends AppError {
  readonly kind = 'unauthenticated' as const;
  constructor(message = 'Sign in or send an API token (Authorization: Bearer ...).') {
    super(message);
  }
}

export class PermissionError extends AppError {
  readonly kind = 'permission' as const;
}

export class NotFoundError extends AppError {
  readonly kind = 'not_found' as const;
  constructor(what: string, id?: string) {
    super(id ? `${what} ${id} was not found` : `${what} was not found`);
  }
}

export class ConflictError extends AppError {
  readonly kind = 'conflict' as const;
}

/** A cloud connection problem, with what to fix. */
export class ConnectionError extends AppError {
  readonly kind = 'connection' as const;
  constructor(
    readonly diagnostic: Diagnostic,
    readonly diagnostics: Diagnostic[] = [diagnostic],
    /** `cause`: the AWS error behind it, which tells the sync whether its retries were already spent. */
    options?: ErrorOptions,
  ) {
    super(diagnostic.message, options);
  }
}

export class RateLimitError extends AppError {
  readonly kind = 'rate_limited' as const;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

export class UnavailableError extends AppError {
  readonly kind = 'unavailable' as const;
}

/** A statement ran past the query time budget and was stopped; the server carries on. */
export class QueryTimeoutError extends UnavailableError {
  constructor(readonly budgetMs: number) {
    super(
      `The query took longer than this server allows (${budgetMs} ms, the setting queryTimeoutMs) and was stopped. ` +
        'Narrow the date range, the grouping or the filters, or ask the operator to raise queryTimeoutMs.',
    );
  }
}

export class TooLargeError extends AppError {
  readonly kind = 'too_large' as const;
}

/** The one mapping of error kinds to an HTTP status, a CLI exit code and whether MCP marks it isError. */
export const ERROR_MAP: Record<ErrorKind | 'internal', { http: number; exit: number; mcpIsError: boolean }> =
  {
    input: { http: 400, exit: 2, mcpIsError: true },
    unauthenticated: { http: 401, exit: 3, mcpIsError: true },
    permission: { http: 403, exit: 4, mcpIsError: true },
    not_found: { http: 404, exit: 5, mcpIsError: true },
    conflict: { http: 409, exit: 6, mcpIsError: true },
    too_large: { http: 413, exit: 2, mcpIsError: true },
    connection: { http: 422, exit: 7, mcpIsError: true },
    rate_limited: { http: 429, exit: 8, mcpIsError: true },
    unavailable: { http: 503, exit: 9, mcpIsError: true },
    internal: { http: 500, exit: 1, mcpIsError: true },
  };

export function errorKind(err: unknown): ErrorKind | 'internal' {
  return err instanceof AppError ? err.kind : 'internal';
}

/** The body clients see: never a stack trace or database text for internal errors. */
export function publicError(err: unknown): {
  code: string;
  message: string;
  field?: string;
  issues?: { field: string; message: string }[];
  diagnostic?: Diagnostic;
  diagnostics?: Diagnostic[];
} {
  if (err instanceof InputError) {
    return { code: 'invalid_input', message: err.message, field: err.field, issues: err.issues };
  }
  if (err instanceof ConnectionError) {
    return {
      code: err.diagnostic.code,
      message: err.message,
      diagnostic: err.diagnostic,
      diagnostics: err.diagnostics,
    };
  }
  if (err instanceof AppError) return { code: err.kind, message: err.message };
  return {
    code: 'internal',
    message: 'Internal error; the server log has the details under this request ID.',
  };
}
