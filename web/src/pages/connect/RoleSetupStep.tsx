import type { ReactNode } from 'react';
import { CodeBlock, CopyButton } from '../../components/CopyButton';
import { ErrorNotice, Loading } from '../../components/Feedback';
import { useApi } from '../../hooks';
import type { ConnectionType } from '../../types';

export interface AwsSetup {
  externalId: string;
  principalArn?: string | null;
  trustPolicy?: unknown;
  permissionPolicy?: unknown;
  cloudFormationTemplate?: string;
  suggestedRoleName?: string;
  [key: string]: unknown;
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v, null, 2);
}

function downloadText(body: string, filename: string, type: string): void {
  const url = URL.createObjectURL(new Blob([body], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * What to create in AWS before connecting: for a role, the external ID, trust policy and permission policy
 * (or the CloudFormation template that creates them); for keys, the policy of the read-only IAM user.
 */
export function RoleSetupStep(props: {
  type: ConnectionType;
  onBack: () => void;
  onNext: () => void;
}): ReactNode {
  const setup = useApi<AwsSetup>('/api/v1/setup/aws', { type: props.type });
  const usesRole = props.type === 'assumed_role' || props.type === 'cost_explorer';
  const s = setup.data;
  return (
    <section className="panel" aria-labelledby="setup-title">
      <h2 id="setup-title">
        {usesRole ? 'Create the IAM role in AWS' : 'Create a read-only IAM user in AWS'}
      </h2>
      <ErrorNotice error={setup.error} onRetry={setup.reload} />
      {setup.loading && !s ? <Loading what="the policies" /> : null}
      {s ? (
        <div className="stack">
          {usesRole ? (
            <>
              <p>
                Create a role that trusts Cloudtally with your organization’s <strong>external ID</strong>,
                attach the permission policy, and enter the role name on the next step. The CloudFormation
                template does all of it in one stack.
              </p>
              <div className="external-id">
                <span className="muted">External ID</span>
                <code className="secret" data-testid="external-id">
                  {s.externalId}
                </code>
                <CopyButton text={s.externalId} label="Copy external ID" />
              </div>
              {s.principalArn ? (
                <p className="muted small">
                  Cloudtally signs in to AWS as <code>{s.principalArn}</code>; the trust policy allows only
                  it, and only with the external ID.
                </p>
              ) : null}
              {s.trustPolicy ? <CodeBlock title="Trust policy" text={text(s.trustPolicy)} /> : null}
            </>
          ) : (
            <p>
              Create an IAM user with programmatic access and attach this read-only policy. Enter its access
              key on the next step; the secret is stored encrypted and never shown again.
            </p>
          )}
          {s.permissionPolicy ? (
            <CodeBlock title="Permission policy" text={text(s.permissionPolicy)} />
          ) : null}
          {usesRole && s.cloudFormationTemplate ? (
            <div className="row">
              <button
                type="button"
                className="btn"
                onClick={() =>
                  downloadText(s.cloudFormationTemplate ?? '', 'cloudtally-role.yaml', 'application/x-yaml')
                }
              >
                Download CloudFormation template
              </button>
              <span className="muted small">
                Creates the role with both policies; deploy it in the account to connect.
              </span>
            </div>
          ) : null}
        </div>
      ) : null}
      <div className="row">
        <button type="button" className="btn" onClick={props.onBack}>
          Back
        </button>
        <span className="spacer" />
        <button type="button" className="btn btn-primary" onClick={props.onNext}>
          {usesRole ? 'I have created the role' : 'Continue'}
        </button>
      </div>
    </section>
  );
}
