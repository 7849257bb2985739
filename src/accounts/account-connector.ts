/**
 * The port through which the accounts service connects an account of any cloud. A provider's connector
 * (src/providers/<id>/connection/) parses the request with its own schema, checks the connection step by step and
 * says what to store; the accounts service stores it (row, connection document, vault secret, audit) in one
 * transaction and fires the events. Nothing is written before the connector has answered.
 */
import { ConnectionError, type Diagnostic } from '../lib/errors.js';
import type { Queryable } from '../store/store.js';
import type { AccountRecord, CloudAccount, MemberAccount, ValidationReport } from './account-types.js';

/** A secret to keep in the vault under the account (its name says what it is: `aws-access-key`, …). */
export interface SecretToStore {
  name: string;
  /** The secret itself, as text (JSON for several values); it goes to the vault only. */
  value: string;
}

/** Work a connector asks for inside the saving transaction; it answers the accounts that became members. */
export type AfterSave = (tx: Queryable, orgId: string, accountId: string, now: Date) => Promise<string[]>;

export interface PreparedCreate {
  type: string;
  name: string;
  /** The account's ID in its cloud (AWS account ID, Azure subscription ID); null when it has none. */
  nativeId: string | null;
  /** The provider's connection fields (the `connection` document); never a secret. */
  document: Record<string, unknown>;
  secret: SecretToStore | null;
  parentId: string | null;
  report: ValidationReport;
  afterSave?: AfterSave;
}

export interface PreparedUpdate {
  name?: string;
  enabled?: boolean;
  /** The document's fields to set (undefined ones stay). */
  document?: Record<string, unknown>;
  /** A new secret, `delete` to drop the stored one, undefined to keep it. */
  secret?: SecretToStore | 'delete';
  parentId?: string | null;
  /** The new report when the connection changed and was checked again. */
  report: ValidationReport | null;
  /** The request's fields that changed something (for the audit log; never their values). */
  changed: string[];
  afterSave?: AfterSave;
  /** After the commit (e.g. forget cached credentials). */
  afterCommit?: () => void;
}

export interface AccountConnector {
  /** Parses and validates a new connection; throws InputError (the field) or ConnectionError (what to fix). */
  prepareCreate(orgId: string, raw: unknown, signal?: AbortSignal): Promise<PreparedCreate>;
  prepareUpdate(cur: AccountRecord, raw: unknown, signal?: AbortSignal): Promise<PreparedUpdate>;
  /** Checks the stored connection; `routine` is the sync's own check (may spare paid or noisy calls). */
  validate(
    cur: AccountRecord,
    options: { signal?: AbortSignal; routine: boolean },
  ): Promise<{ report: ValidationReport; afterSave?: AfterSave }>;
  /** The provider's connection fields as every interface shows them (never a secret). */
  publicFields(a: AccountRecord): Record<string, unknown>;
  /** What a payer shows beside its fields (its members and what is not imported). */
  decorate?(a: AccountRecord): Promise<Pick<CloudAccount, 'members' | 'notImported'>>;
  members?(a: AccountRecord): Promise<MemberAccount[]>;
  /** After the account is removed (e.g. forget cached credentials). */
  removed?(a: AccountRecord): void;
}

/**
 * The failure of the steps that decide whether a connection can be saved at all (AWS: credentials and identity),
 * as one ConnectionError carrying every diagnostic; null when they passed.
 */
export function blockingFailure(report: ValidationReport, steps: readonly string[]): ConnectionError | null {
  const blocking = report.steps.filter((s) => steps.includes(s.step) && s.state === 'fail');
  if (blocking.length === 0) return null;
  const diagnostics: Diagnostic[] = blocking.flatMap(
    (s) =>
      s.diagnostics ?? [{ code: s.code, message: s.message, remediation: s.remediation ?? '', step: s.step }],
  );
  return new ConnectionError(diagnostics[0], diagnostics);
}
