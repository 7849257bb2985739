import { useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { api, ApiError } from '../api';
import { Notice, PageHeader } from '../components/Feedback';
import { useSession } from '../session';
import type { CloudAccount, Diagnostic, ValidationReport } from '../types';
import { FocusForm } from './connect/FocusForm';
import {
  FOCUS_EMPTY,
  focusValuesOf,
  serviceOf,
  type FocusValues,
  type Service,
} from './connect/focus-form-model';
import { Stepper } from './connect/Stepper';
import { FirstSyncPanel, StepHeading, useWizard, ValidationPanel } from './connect/WizardShell';

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
  const { step, go, heading } = useWizard<Step>('form');
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
    go('validate');
  };

  const update = async (id: string, body: Record<string, unknown>) => {
    if (Object.keys(body).length) await api.patch<CloudAccount>(`/api/v1/cloud-accounts/${id}`, body);
    const r = await api.post<{ account: CloudAccount; validation: ValidationReport }>(
      `/api/v1/cloud-accounts/${id}/validate`,
    );
    setOutcome({ account: r.account, report: r.validation });
    go('validate');
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
          <StepHeading id="form-title" heading={heading}>
            Where the export is
          </StepHeading>
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
        <ValidationPanel
          heading={heading}
          report={outcome.report}
          refused={outcome.refused}
          refusedTitle="Cloudtally could not list the export with this key, so it was not connected yet."
          refusedHint="Fix what the step below says, then validate again."
          saved={Boolean(outcome.account)}
          error={error}
          pending={pending}
          onChange={() => go('form')}
          onContinue={() => go('sync')}
          onAgain={() => void again()}
        />
      ) : null}
      {step === 'sync' && outcome.account ? (
        <FirstSyncPanel heading={heading} account={outcome.account}>
          Loading the export’s files into the cost tables. A FOCUS export has no resources to scan, so
          inventory, metrics and recommendations are skipped. You can leave this page; the sync continues.
        </FirstSyncPanel>
      ) : null}
    </div>
  );
}
