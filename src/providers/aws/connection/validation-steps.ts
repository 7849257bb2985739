/**
 * The validation steps of an AWS connection and how each step's result is made. The checks behind steps 3 to 7,
 * each one AWS read at a time and each failure a diagnostic, are in export-checks.ts (bucket, export) and
 * access-checks.ts (discovery, organizations, Cost Explorer).
 */
import { awsErrorInfo } from '../sdk/diagnostics.js';
import type { Diagnostic } from '../../../lib/errors.js';
import type { ExportType } from './aws-schemas.js';
import type { ValidationStep } from '../../../accounts/account-types.js';
import type { ExportLocation } from './export-locator.js';

/** The validation steps of an AWS connection, in the order they run. */
export const VALIDATION_STEPS = [
  'credentials',
  'identity',
  'bucket',
  'export',
  'discovery',
  'organizations',
  'cost_explorer',
] as const;
export type ValidationStepName = (typeof VALIDATION_STEPS)[number];

/** The billing export a connection names. */
export type ExportTarget = ExportLocation & { exportType: ExportType; region: string };

export const DAY_MS = 24 * 3600_000;

export type StepFail = { diagnostics: Diagnostic[]; details?: Record<string, unknown> };

export function pass(
  step: ValidationStepName,
  code: string,
  message: string,
  extra: Partial<ValidationStep> = {},
): ValidationStep {
  return { step, state: 'pass', code, message, ...extra };
}
export function skip(step: ValidationStepName, code: string, message: string): ValidationStep {
  return { step, state: 'skipped', code, message };
}
export function fail(step: ValidationStepName, f: StepFail): ValidationStep {
  const diagnostics = f.diagnostics.map((d) => ({ ...d, step }));
  const d = diagnostics[0];
  return {
    step,
    state: 'fail',
    code: d.code,
    message: d.message,
    remediation: d.remediation,
    diagnostics,
    details: f.details,
  };
}

export const isDenied = (err: unknown) => {
  const e = awsErrorInfo(err);
  return ['AccessDenied', 'AccessDeniedException'].includes(e.name) || e.status === 403;
};
