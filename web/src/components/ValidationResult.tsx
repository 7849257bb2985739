import type { ReactNode } from 'react';
import { dateTime } from '../format';
import type { Diagnostic, ValidationReport, ValidationStep } from '../types';

const STEP_LABELS: Record<string, string> = {
  credentials: 'Credentials: sign in or assume the role',
  identity: 'The AWS account is the one named',
  bucket: 'Read the billing bucket',
  export: 'Find the billing export',
  discovery: 'Permissions to discover resources',
  organizations: 'AWS Organizations member accounts',
  cost_explorer: 'Cost Explorer access',
  access: 'The key lists the export’s folder',
  files: 'Export files are there',
  header: 'The files have the FOCUS columns',
};

export function stepTitle(step: string): string {
  return STEP_LABELS[step] ?? step;
}

const ICON: Record<string, { icon: string; cls: string; label: string }> = {
  pass: { icon: '✓', cls: 'step-ok', label: 'Passed' },
  fail: { icon: '✕', cls: 'step-failed', label: 'Failed' },
  skipped: { icon: '–', cls: 'step-skipped', label: 'Skipped' },
};

function DiagnosticDetail(props: { d: Diagnostic }): ReactNode {
  return (
    <div className="diagnostic">
      <div>
        {props.d.message} <code className="muted small">{props.d.code}</code>
      </div>
      {props.d.remediation ? (
        <div className="remediation">
          <strong>How to fix: </strong>
          {props.d.remediation}
        </div>
      ) : null}
    </div>
  );
}

function StepItem(props: { step: ValidationStep }): ReactNode {
  const s = props.step;
  const i = ICON[s.state] ?? ICON.skipped;
  const extra = (s.diagnostics ?? []).filter((d) => d.message !== s.message);
  return (
    <li data-step={s.step} data-state={s.state}>
      <span className={`step-icon ${i.cls}`} role="img" aria-label={i.label}>
        {i.icon}
      </span>
      <div>
        <div>
          <strong>{stepTitle(s.step)}</strong>
        </div>
        <div className={s.state === 'fail' ? '' : 'muted'}>{s.message}</div>
        {s.remediation ? (
          <div className={s.state === 'fail' ? 'remediation' : 'muted small'}>
            {s.state === 'fail' ? <strong>How to fix: </strong> : null}
            {s.remediation}
          </div>
        ) : null}
        {extra.map((d) => (
          <DiagnosticDetail key={`${d.code}:${d.key ?? ''}:${d.message}`} d={d} />
        ))}
      </div>
    </li>
  );
}

/** Each validation step with its outcome; a failed step says what to fix. */
export function ValidationResult(props: { report: ValidationReport }): ReactNode {
  const { report } = props;
  return (
    <div className="stack" aria-label="Validation result">
      <div className={`notice ${report.ok ? 'notice-success' : 'notice-error'}`} role="status">
        <strong>{report.ok ? 'The connection works.' : 'The connection does not work yet.'}</strong>{' '}
        <span className="small">Checked {dateTime(report.checkedAt)}.</span>
      </div>
      <ol className="validation-steps">
        {report.steps.map((s) => (
          <StepItem key={s.step} step={s} />
        ))}
      </ol>
    </div>
  );
}

/** Diagnostics without a step report (e.g. a 422 answer), shown the same way. */
export function DiagnosticList(props: { diagnostics: Diagnostic[] }): ReactNode {
  return (
    <ol className="validation-steps">
      {props.diagnostics.map((d) => (
        <li key={`${d.code}:${d.step ?? ''}:${d.key ?? ''}`} data-step={d.step} data-state="fail">
          <span className="step-icon step-failed" role="img" aria-label="Failed">
            ✕
          </span>
          <div>
            {d.step ? (
              <div>
                <strong>{stepTitle(d.step)}</strong>
              </div>
            ) : null}
            <DiagnosticDetail d={d} />
          </div>
        </li>
      ))}
    </ol>
  );
}
