import { useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { api, ApiError } from '../api';
import { ErrorNotice, Notice, PageHeader } from '../components/Feedback';
import { SyncProgress } from '../components/SyncProgress';
import { DiagnosticList, ValidationResult } from '../components/ValidationResult';
import { useSession } from '../session';
import type { CloudAccount, Diagnostic, ValidationReport } from '../types';
import { SyncButton } from './accounts/SyncButton';
import { FocusForm } from './connect/FocusForm';
import {
  FOCUS_EMPTY,
  focusValuesOf,
  serviceOf,
  type FocusValues,
  type Service,
} from './connect/focus-form-model';
import { Stepper } from './connect/Stepper';

type Step = 'form' | 'validate' | 'sync';

const STEPS: { id: Step; label: string }[] = [
  { id: 'form', label: 'Export location' },
  { id: 'validate', label: 'Validation' },
  { id: 'sync', label: 'First sync' },
];

interface Outcome {
  account?: CloudAccount;
  report?: ValidationReport | null;
  /** A connection the API refused to save (422: the key may not list the prefix), with what to fix. */
  refused?: { diagnostics: Diagnostic[]; body: Record<string, unknown> };
}

/**
 * Connect any FOCUS 1.0–1.2 export in an S3-compatible bucket: where the files are and a key that reads them,
 * then the checks (access, files, header) each with its fix, then the first sync.
 */
export default function ConnectFocusPage(): ReactNode {
  const session = useSession();
  const [step, setStep] = useState<Step>('form');
  const [values, setValues] = useState<FocusValues>(FOCUS_EMPTY);
  const [service, setService] = useState<Service>('aws');
  const [outcome, setOutcome] = useState<Outcome>({});
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>();

  if (!session.can('accounts:write')) {
    return (
      <div className="page">
        <PageHeader title="Connect a FOCUS export" />
        <Notice>{session.reason('accounts:write')}</Notice>
      </div>
    );
  }

  const create = async (body: Record<string, unknown>) => {
    try {
      const account = await api.post<CloudAccount>('/api/v1/cloud-accounts', body);
      setOutcome({ account, report: account.validation });
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 422 && err.diagnostics.length)) throw err;
      setOutcome({ refused: { diagnostics: err.diagnostics, body } });
    }
    setStep('validate');
  };

  const update = async (id: string, body: Record<string, unknown>) => {
    if (Object.keys(body).length) await api.patch<CloudAccount>(`/api/v1/cloud-accounts/${id}`, body);
    const r = await api.post<{ account: CloudAccount; validation: ValidationReport }>(
      `/api/v1/cloud-accounts/${id}/validate`,
    );
    setOutcome({ account: r.account, report: r.validation });
    setStep('validate');
  };

  const again = async () => {
    setPending(true);
    setError(undefined);
    try {
      if (outcome.account) await update(outcome.account.id, {});
      else if (outcome.refused) await create(outcome.refused.body);
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  };

  const ok = outcome.report?.ok === true;
  const stored = outcome.account ? focusValuesOf(outcome.account) : undefined;

  return (
    <div className="page">
      <div className="breadcrumb">
        <Link to="/accounts">Accounts</Link> › Connect cloud account › FOCUS export
      </div>
      <PageHeader
        title="Connect a FOCUS export"
        subtitle="Any FOCUS 1.0–1.2 export in an S3-compatible bucket: AWS, Google Cloud, Oracle Cloud, R2, MinIO or Ceph."
      />
      <Stepper steps={STEPS} current={step} />
      {step === 'form' ? (
        <section className="panel" aria-labelledby="form-title">
          <h2 id="form-title">Where the export is</h2>
          <p className="muted">
            Columns are read one to one; <code>x_</code> columns are kept; each row’s provider comes from its{' '}
            <code>ProviderName</code>, so one export may hold several clouds and currencies.
          </p>
          <FocusForm
            key={outcome.account?.id ?? 'new'}
            initial={stored ?? values}
            service={stored ? serviceOf(outcome.account?.endpoint) : service}
            stored={stored}
            submitLabel={outcome.account ? 'Save and validate' : 'Connect and validate'}
            onSubmit={async (body, v, s) => {
              setValues({ ...v, secretAccessKey: '' });
              setService(s);
              if (outcome.account) await update(outcome.account.id, body);
              else await create(body);
            }}
          />
        </section>
      ) : null}
      {step === 'validate' ? (
        <section className="panel" aria-labelledby="validate-title">
          <h2 id="validate-title">Validation</h2>
          {outcome.report ? <ValidationResult report={outcome.report} /> : null}
          {outcome.refused ? (
            <>
              <div className="notice notice-error" role="alert">
                <strong>
                  Cloudtally could not list the export with this key, so it was not connected yet.
                </strong>{' '}
                Fix what the step below says, then validate again.
              </div>
              <DiagnosticList diagnostics={outcome.refused.diagnostics} />
            </>
          ) : null}
          <ErrorNotice error={error} />
          <div className="row">
            {!ok ? (
              <button type="button" className="btn" onClick={() => setStep('form')}>
                Change settings
              </button>
            ) : null}
            {!ok && outcome.account ? (
              <button
                type="button"
                className="btn btn-ghost"
                title="The export is connected; the sync reports what still fails"
                onClick={() => setStep('sync')}
              >
                Continue anyway
              </button>
            ) : null}
            <span className="spacer" />
            {!ok ? (
              <button
                type="button"
                className="btn btn-primary"
                disabled={pending}
                onClick={() => void again()}
              >
                {pending ? 'Validating…' : 'Validate again'}
              </button>
            ) : (
              <button type="button" className="btn btn-primary" onClick={() => setStep('sync')}>
                Continue to the first sync
              </button>
            )}
          </div>
        </section>
      ) : null}
      {step === 'sync' && outcome.account ? (
        <section className="panel" aria-labelledby="sync-title">
          <h2 id="sync-title">First sync</h2>
          <p className="muted">
            Loading the export’s files into the cost tables. A FOCUS export has no resources to scan, so
            inventory, metrics and recommendations are skipped. You can leave this page; the sync continues.
          </p>
          <SyncProgress accountId={outcome.account.id} />
          <div className="row">
            <SyncButton account={outcome.account} onStarted={() => undefined} />
            <span className="spacer" />
            <Link className="btn" to={`/accounts/${outcome.account.id}`}>
              Open the account
            </Link>
            <Link className="btn btn-primary" to="/accounts">
              Done
            </Link>
          </div>
        </section>
      ) : null}
    </div>
  );
}
