import { useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { api, ApiError } from '../api';
import { Notice, PageHeader } from '../components/Feedback';
import { useSession } from '../session';
import type { CloudAccount, Diagnostic, ValidationReport } from '../types';
import { AZURE_EMPTY, AzureForm, azureValuesOf, type AzureValues } from './connect/AzureForm';
import { AzureSetupStep } from './connect/AzureSetupStep';
import { Stepper } from './connect/Stepper';
import { FirstSyncPanel, StepHeading, useWizard, ValidationPanel } from './connect/WizardShell';

type Step = 'setup' | 'form' | 'validate' | 'sync';

const STEPS: { id: Step; label: string }[] = [
  { id: 'setup', label: 'Prepare Azure' },
  { id: 'form', label: 'Connection details' },
  { id: 'validate', label: 'Validation' },
  { id: 'sync', label: 'First sync' },
];

interface Outcome {
  account?: CloudAccount;
  report?: ValidationReport | null;
  /** A connection the API refused to save (422: the service principal could not sign in), with what to fix. */
  refused?: { diagnostics: Diagnostic[]; body: Record<string, unknown> };
}

/**
 * Connect an Azure Cost Management export: the role assignments to create (az commands or Bicep), the scope, the
 * service principal and where the export is, then the checks (sign-in, container, export run, manifest) each with
 * its fix, then the first sync.
 */
export default function ConnectAzurePage(): ReactNode {
  const session = useSession();
  const { step, go, heading } = useWizard<Step>('setup');
  const [values, setValues] = useState<AzureValues>(AZURE_EMPTY);
  const [outcome, setOutcome] = useState<Outcome>({});
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>();

  if (!session.can('accounts:write')) {
    return (
      <div className="page">
        <PageHeader title="Connect Azure" />
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

  return (
    <div className="page">
      <div className="breadcrumb">
        <Link to="/accounts">Accounts</Link> › Connect cloud account › Azure
      </div>
      <PageHeader
        title="Connect Azure"
        subtitle="A Cost Management export (FOCUS, actual or amortized cost) of a subscription, management group or billing account, read by a service principal."
      />
      <Stepper steps={STEPS} current={step} />
      {step === 'setup' ? (
        <AzureSetupStep heading={heading} values={values} onNext={() => go('form')} />
      ) : null}
      {step === 'form' ? (
        <section className="panel" aria-labelledby="form-title">
          <StepHeading id="form-title" heading={heading}>
            Connection details
          </StepHeading>
          <AzureForm
            key={outcome.account?.id ?? 'new'}
            initial={outcome.account ? azureValuesOf(outcome.account) : values}
            saved={Boolean(outcome.account)}
            submitLabel={outcome.account ? 'Save and validate' : 'Connect and validate'}
            onBack={() => go('setup')}
            onSubmit={async (body, v) => {
              setValues({ ...v, clientSecret: '' });
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
          refusedTitle="The service principal could not sign in, so the connection was not saved yet."
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
          Loading the export runs’ files into the cost tables. You can leave this page; the sync continues.
        </FirstSyncPanel>
      ) : null}
    </div>
  );
}
