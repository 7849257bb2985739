import { useState, type ReactNode } from 'react';
import { api } from '../../api';
import { ActionButton } from '../../components/Allowed';
import { Empty, ErrorNotice } from '../../components/Feedback';
import { DiagnosticList, ValidationResult } from '../../components/ValidationResult';
import type { CloudAccount, ValidationReport } from '../../types';

/** The latest validation report and the status diagnostics, with a button to validate again. */
export function Diagnostics(props: { account: CloudAccount; onChanged: () => void }): ReactNode {
  const { account } = props;
  const [report, setReport] = useState<ValidationReport | null>(account.validation);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>();
  const validate = async () => {
    setPending(true);
    setError(undefined);
    try {
      const r = await api.post<{ validation: ValidationReport }>(
        `/api/v1/cloud-accounts/${account.id}/validate`,
      );
      setReport(r.validation);
      props.onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  };
  const statusDiagnostics = account.status.diagnostics ?? [];
  const failedStages = account.status.failedStages ?? [];
  return (
    <section className="panel" aria-labelledby="diag-title">
      <div className="panel-head">
        <h2 id="diag-title">Diagnostics</h2>
        <ActionButton action="sync:trigger" disabled={pending} onClick={() => void validate()}>
          {pending ? 'Validating…' : 'Validate now'}
        </ActionButton>
      </div>
      <ErrorNotice error={error} />
      {statusDiagnostics.length ? (
        <div>
          <h3>From the last sync</h3>
          <DiagnosticList diagnostics={statusDiagnostics} />
        </div>
      ) : null}
      {failedStages.map((f) => (
        <div key={f.stage}>
          <h3>Stage {f.stage} failed</h3>
          <DiagnosticList diagnostics={f.diagnostics} />
        </div>
      ))}
      {report ? <ValidationResult report={report} /> : <Empty title="Not validated yet" />}
    </section>
  );
}
