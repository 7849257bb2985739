import type { ReactNode } from 'react';
import type { ConnectionType } from '../../types';

export const CONNECTION_TYPES: { id: ConnectionType; title: string; recommended?: boolean; text: string }[] =
  [
    {
      id: 'assumed_role',
      title: 'Assumed role',
      recommended: true,
      text: 'Cloudtally assumes a read-only IAM role with your organization’s external ID. No long-lived keys are stored. Billing comes from the account’s CUR 2.0 or legacy CUR export in S3; a member account of a connected payer is billed through the payer instead (give no export, or the payer’s).',
    },
    {
      id: 'root',
      title: 'Root / payer account',
      text: 'The management account of AWS Organizations, with the access key of a read-only IAM user. Billing for the whole organization arrives through its export; member accounts are discovered.',
    },
    {
      id: 'linked',
      title: 'Linked (member) account',
      text: 'A member account of an organization, with keys or a role. It contributes resources and utilization; its billing comes through the payer connection.',
    },
    {
      id: 'cost_explorer',
      title: 'Cost Explorer source',
      text: 'A role ARN; billing comes from the Cost Explorer API instead of an S3 export. No export needed, less detail, and each request costs $0.01, so calls are kept few.',
    },
  ];

export function TypeStep(props: {
  value: ConnectionType;
  onChange: (t: ConnectionType) => void;
  onNext: () => void;
}): ReactNode {
  return (
    <section className="panel" aria-labelledby="type-title">
      <h2 id="type-title">How should Cloudtally connect?</h2>
      <div className="choice-grid" role="radiogroup" aria-label="Connection type">
        {CONNECTION_TYPES.map((t) => (
          <label key={t.id} className="choice">
            <input
              type="radio"
              name="connection-type"
              value={t.id}
              checked={props.value === t.id}
              onChange={() => props.onChange(t.id)}
            />
            <span>
              <span className="choice-title">
                {t.title}
                {t.recommended ? <span className="tag tag-recommended">Recommended</span> : null}
              </span>
              <span className="muted small">{t.text}</span>
            </span>
          </label>
        ))}
      </div>
      <div className="row">
        <span className="spacer" />
        <button type="button" className="btn btn-primary" onClick={props.onNext}>
          Continue
        </button>
      </div>
    </section>
  );
}
