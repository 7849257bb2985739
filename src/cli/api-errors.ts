// The API's errors as the CLI's own, whose kind sets the exit code. Kept apart from client.ts so that the
// command helpers (common.ts) can map errors without importing the connection code.
import type { ApiCallError } from '../api-client/client.js';
import {
  type AppError,
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

/** A "not found" whose message is already a sentence (NotFoundError would add "was not found" a second time). */
export class MessageNotFoundError extends NotFoundError {
  constructor(message: string) {
    super('');
    this.message = message;
  }
}

/** The API's answer as the CLI's error, whose kind sets the exit code. */
export function toAppError(e: ApiCallError): AppError {
  if (e.status === 0) return new UnavailableError(e.message);
  if (e.diagnostics.length)
    return new ConnectionError(e.diagnostics[0] as Diagnostic, e.diagnostics as Diagnostic[]);
  switch (e.status) {
    case 400:
    case 413:
      return new InputError(e.field ?? 'request', e.message);
    case 401:
      return new UnauthenticatedError(e.message);
    case 403:
      return new PermissionError(e.message);
    case 404:
      return new MessageNotFoundError(e.message);
    case 409:
      return new ConflictError(e.message);
    case 429:
      return new RateLimitError(e.message, 60);
    default:
      return new UnavailableError(`${e.message} (HTTP ${e.status})`);
  }
}
