import type { ReactNode } from 'react';
import { CodeBlock, CopyButton } from '../../components/CopyButton';
import { ErrorNotice, Loading, Notice } from '../../components/Feedback';
import { useApi, useDebounced } from '../../hooks';
import { checkField } from './account-form-model';
import type { ConnectionType } from '../../types';

type Policy = { Version: string; Statement: Record<string, unknown>[] };

export interface AwsSetup {
  principal: { arn: string | null; accountId: string | null; source: string | null; note?: string };
  externalId: string;
  externalIdRotatedAt: string | null;
  trustPolicy: Policy;
  permissionPolicies: Record<ConnectionType, Policy>;
  cloudFormation: Partial<Record<ConnectionType, Record<string, unknown>>>;
  notes: string[];
}

const json = (v: unknown) => JSON.stringify(v, null, 2);

export function downloadText(body: string, filename: string, type: string): void {
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
 * (or the CloudFormation template that creates all of it); for keys, the policy of the read-only IAM user.
 */
export function RoleSetupStep(props: {
  type: ConnectionType;
  bucket: string;
  prefix: string;
  onBucket: (bucket: string, prefix: string) => void;
  onBack: () => void;
  onNext: () => void;
}): ReactNode {
  // The policies name the billing bucket once it is known; only a valid name is sent.
  const bucket = useDebounced(props.bucket.trim(), 400);
  const prefix = useDebounced(props.prefix.trim(), 400);
  const bucketOk = bucket !== '' && !checkField('bucket', bucket);
  const prefixOk = prefix !== '' && !checkField('prefix', prefix);
  const setup = useApi<AwsSetup>(
    '/api/v1/setup/aws',
    { bucket: bucketOk ? bucket : undefined, prefix: bucketOk && prefixOk ? prefix : undefined },
    { keepPrevious: true },
  );
  const { type } = props;
  const usesRole = type !== 'root';
  const s = setup.data;
  const template = s?.cloudFormation[type];
  return (
    <section className="panel" aria-labelledby="setup-title">
      <h2 id="setup-title">
        {type === 'root' ? 'Create a read-only IAM user in AWS' : 'Create the IAM role in AWS'}
      </h2>
      <ErrorNotice error={setup.error} onRetry={setup.reload} />
      {setup.loading && !s ? <Loading what="the policies" /> : null}
      {s ? (
        <div className="stack">
          {usesRole ? (
            <>
              <p>
                {type === 'linked'
                  ? 'A linked account can use a role (recommended) or the access key of a read-only IAM user. For a role: '
                  : ''}
                Create a role that trusts Cloudtally with your organization’s <strong>external ID</strong> and
                attach the permission policy; the CloudFormation template does both in one stack.
              </p>
              <div className="external-id">
                <span className="muted">External ID</span>
                <code className="secret" data-testid="external-id">
                  {s.externalId}
                </code>
                <CopyButton text={s.externalId} label="Copy external ID" />
              </div>
              {s.principal.arn ? (
                <p className="muted small">
                  Cloudtally signs in to AWS as <code>{s.principal.arn}</code>; the trust policy allows only
                  it, and only with the external ID.
                </p>
              ) : null}
              {s.principal.note ? <Notice kind="warning">{s.principal.note}</Notice> : null}
              <CodeBlock title="Trust policy" text={json(s.trustPolicy)} />
            </>
          ) : (
            <p>
              Create an IAM user with an access key and attach this read-only policy. Enter the key on the
              next step; the secret is stored encrypted and never shown again.
            </p>
          )}
          {type !== 'cost_explorer' ? (
            <div className="inline-form">
              <label className="field">
                <span>Billing bucket (optional)</span>
                <input
                  value={props.bucket}
                  placeholder="my-billing-bucket"
                  spellCheck={false}
                  onChange={(e) => props.onBucket(e.target.value, props.prefix)}
                />
              </label>
              <label className="field">
                <span>Export prefix</span>
                <input
                  value={props.prefix}
                  placeholder="cur"
                  spellCheck={false}
                  onChange={(e) => props.onBucket(props.bucket, e.target.value)}
                />
              </label>
              <span className="field-help">Fills the bucket into the policy instead of a placeholder.</span>
            </div>
          ) : null}
          <CodeBlock title="Permission policy" text={json(s.permissionPolicies[type])} />
          {template ? (
            <div className="row">
              <button
                type="button"
                className="btn"
                onClick={() =>
                  downloadText(
                    json(template),
                    `cloudtally-${type.replace('_', '-')}.template.json`,
                    'application/json',
                  )
                }
              >
                Download CloudFormation template
              </button>
              <CopyButton text={json(template)} label="Copy template" />
              <span className="muted small">Deploy it as a stack in the account to connect.</span>
            </div>
          ) : null}
          {s.notes.length ? (
            <ul className="muted small notes">
              {s.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <div className="row">
        <button type="button" className="btn" onClick={props.onBack}>
          Back
        </button>
        <span className="spacer" />
        <button type="button" className="btn btn-primary" onClick={props.onNext}>
          {usesRole ? 'I have created the role' : 'I have created the user'}
        </button>
      </div>
    </section>
  );
}
