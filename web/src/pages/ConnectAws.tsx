import { useState, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api, ApiError } from '../api';
import { CopyButton } from '../components/CopyButton';
import { Notice, PageHeader } from '../components/Feedback';
import { useApi } from '../hooks';
import { useSession } from '../session';
import type { CloudAccount, ConnectionType, Diagnostic, ValidationReport } from '../types';
import { AccountForm } from './connect/AccountForm';
import { EMPTY, valuesOf, type FormValues } from './connect/account-form-model';
import { RoleSetupStep } from './connect/RoleSetupStep';
import { Stepper } from './connect/Stepper';
import { FirstSyncPanel, StepHeading, useWizard, ValidationPanel } from './connect/WizardShell';
import { CONNECTION_TYPES, TypeStep } from './connect/TypeStep';

type Step = 'type' | 'setup' | 'form' | 'validate' | 'sync';

const STEPS: { id: Step; label: string }[] = [
  { id: 'type', label: 'Connection type' },
  { id: 'setup', label: 'Prepare AWS' },
  { id: 'form', label: 'Account details' },
  { id: 'validate', label: 'Validation' },
  { id: 'sync', label: 'First sync' },
];

/** The created account, or what the API answered for a connection it refused to create (422 with diagnostics). */
interface Outcome {
  account?: CloudAccount;
  report?: ValidationReport | null;
  refused?: { diagnostics: Diagnostic[]; message: string; body: Record<string, unknown> };
}

function isType(v: string | null): v is ConnectionType {
  return CONNECTION_TYPES.some((t) => t.id === v);
}

export default function ConnectAwsPage(): ReactNode {
  const session = useSession();
  const [params] = useSearchParams();
  const preset = params.get('type');
  const memberConnect = preset === 'linked' && params.has('payerAccountId');
  const [type, setType] = useState<ConnectionType>(isType(preset) ? preset : 'assumed_role');
  const { step, go, heading } = useWizard<Step>(memberConnect ? 'form' : 'type');
  const [initial, setInitial] = useState<FormValues>(() => ({
    ...EMPTY,
    name: params.get('name') ?? '',
    awsAccountId: params.get('awsAccountId') ?? '',
    payerAccountId: params.get('payerAccountId') ?? '',
    credentials: memberConnect ? 'none' : EMPTY.credentials,
  }));
  const [outcome, setOutcome] = useState<Outcome>({});
  // The external ID, to show next to a trust failure (the role step shows it with the policies).
  const setup = useApi<{ externalId: string }>(session.can('accounts:read') ? '/api/v1/setup/aws' : null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>();

  if (!session.can('accounts:write')) {
    return (
      <div className="page">
        <PageHeader title="Connect an AWS account" />
        <Notice>{session.reason('accounts:write')}</Notice>
      </div>
    );
  }

  const create = async (body: Record<string, unknown>) => {
    try {
      const account = await api.post<CloudAccount>('/api/v1/cloud-accounts', body);
      setOutcome({ account, report: account.validation });
      go('validate');
    } catch (err) {
      if (err instanceof ApiError && err.status === 422 && err.diagnostics.length) {
        setOutcome({ refused: { diagnostics: err.diagnostics, message: err.message, body } });
        go('validate');
        return;
      }
      throw err;
    }
  };

  const update = async (body: Record<string, unknown>) => {
    const id = outcome.account?.id;
    if (!id) return create(body);
    const account = await api.patch<CloudAccount>(`/api/v1/cloud-accounts/${id}`, body);
    setOutcome({ account, report: account.validation });
    await revalidate(account.id);
  };

  const revalidate = async (id = outcome.account?.id) => {
    setPending(true);
    setError(undefined);
    try {
      if (id) {
        const r = await api.post<{ account: CloudAccount; validation: ValidationReport }>(
          `/api/v1/cloud-accounts/${id}/validate`,
        );
        setOutcome({ account: r.account, report: r.validation });
      } else if (outcome.refused) {
        await create(outcome.refused.body);
      }
      go('validate');
    } catch (err) {
      if (err instanceof ApiError && err.status === 422 && err.diagnostics.length && outcome.refused) {
        setOutcome({ refused: { ...outcome.refused, diagnostics: err.diagnostics, message: err.message } });
      } else setError(err);
    } finally {
      setPending(false);
    }
  };

  const typeInfo = CONNECTION_TYPES.find((t) => t.id === type);

  return (
    <div className="page">
      <div className="breadcrumb">
        <Link to="/accounts">Accounts</Link> › Connect cloud account › AWS
      </div>
      <PageHeader
        title={memberConnect ? `Connect member account ${initial.awsAccountId}` : 'Connect an AWS account'}
        subtitle={
          step !== 'type' && typeInfo
            ? typeInfo.title
            : 'Read-only access to billing data, resources and utilization.'
        }
      />
      <Stepper steps={STEPS} current={step} />
      {step === 'type' ? <TypeStep value={type} onChange={setType} onNext={() => go('setup')} /> : null}
      {step === 'setup' ? (
        <RoleSetupStep
          type={type}
          bucket={initial.bucket}
          prefix={initial.prefix}
          onBucket={(bucket, prefix) => setInitial((v) => ({ ...v, bucket, prefix }))}
          onBack={() => go('type')}
          onNext={() => go('form')}
        />
      ) : null}
      {step === 'form' ? (
        <section className="panel" aria-labelledby="form-title">
          <StepHeading id="form-title" heading={heading}>
            Account details
          </StepHeading>
          {memberConnect ? (
            <Notice>
              Listed by AWS Organizations under the payer. Connecting it imports its costs from the payer’s
              export, including the retained history. Add keys or a role to also see its resources and
              utilization.
            </Notice>
          ) : null}
          <AccountForm
            key={outcome.account?.id ?? 'new'}
            type={type}
            mode={outcome.account ? 'edit' : 'create'}
            hasStoredKey={Boolean(outcome.account?.accessKeyId)}
            initial={outcome.account ? valuesOf(outcome.account) : initial}
            submitLabel={outcome.account ? 'Save and validate' : 'Connect and validate'}
            onBack={memberConnect ? undefined : () => go('setup')}
            onSubmit={async (body, values) => {
              if (!outcome.account) setInitial(values);
              if (outcome.account) await update(body);
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
          refusedTitle="Cloudtally could not reach the account, so it was not connected yet."
          refusedHint="Fix what the step below says in AWS, then validate again."
          refusedExtra={
            type !== 'root' && setup.data ? (
              <div className="external-id">
                <span className="muted">This organization’s external ID</span>
                <code className="secret">{setup.data.externalId}</code>
                <CopyButton text={setup.data.externalId} label="Copy external ID" />
              </div>
            ) : null
          }
          saved={Boolean(outcome.account)}
          savedWithoutReport={<Notice>The account was saved; validate it to check the connection.</Notice>}
          error={error}
          pending={pending}
          onChange={() => go('form')}
          onContinue={() => go('sync')}
          onAgain={() => void revalidate()}
        />
      ) : null}
      {step === 'sync' && outcome.account ? (
        <FirstSyncPanel heading={heading} account={outcome.account}>
          Loading the billing history, scanning resources in every enabled region, reading utilization, then
          computing recommendations. You can leave this page; the sync continues.
        </FirstSyncPanel>
      ) : null}
    </div>
  );
}
