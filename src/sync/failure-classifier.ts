/**
 * How the sync engine tells a failure that passes by itself from one that needs a change. The engine knows no
 * cloud: each provider gives its stages a classifier of its own failures (AWS: src/providers/aws/sdk/
 * aws-failures.ts); a provider without one gets {@link CONNECTION_FAILURES}, which knows dropped connections only.
 */
import type { Diagnostic } from '../lib/errors.js';
import { networkCodeOf } from '../lib/network-errors.js';

/** A failure that passes by itself: the provider asked to slow down, or failed on its side or on the way. */
export interface TransientFailure {
  kind: 'throttled' | 'unavailable';
  /** The failure's name as the provider gives it (`ThrottlingException`, `ECONNRESET`). */
  name: string;
}

export interface FailureClassifier {
  /** The failure as transient, or undefined when trying again does not help (denied, not found, a bug). */
  transient(err: unknown): TransientFailure | undefined;
  /** Codes of the provider's own diagnostics (a ConnectionError's) that describe a passing condition. */
  transientCodes: ReadonlySet<string>;
  /** What a stage (named) shows that gave up on a transient failure; `attempts` says how often it was tried. */
  gaveUp(failure: TransientFailure, stage: string, attempts: string): Diagnostic;
}

/** For a provider without a classifier of its own: a connection that failed or dropped passes. */
export const CONNECTION_FAILURES: FailureClassifier = {
  transient(err) {
    const code = networkCodeOf(err);
    return code === undefined ? undefined : { kind: 'unavailable', name: code };
  },
  transientCodes: new Set(),
  gaveUp: (f, stage, attempts) => ({
    code: 'connection_unavailable',
    step: stage,
    message: `The connection kept failing during ${stage} (${f.name}) after ${attempts}.`,
    remediation:
      'Nothing to change in the connection: the next scheduled sync tries again. If it persists, check that the service is reachable from this server.',
  }),
};
