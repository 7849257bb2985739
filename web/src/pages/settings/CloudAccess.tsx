import { useState, type ReactNode } from 'react';
import { api } from '../../api';
import { ActionButton } from '../../components/Allowed';
import { CopyButton } from '../../components/CopyButton';
import { ErrorNotice, Loading } from '../../components/Feedback';
import { ConfirmDialog } from '../../components/Modal';
import { useApi } from '../../hooks';
import { useSession } from '../../session';
import { SyncSchedule } from './SyncSchedule';

interface ExternalIdAnswer {
  externalId: string;
}

function ExternalId(): ReactNode {
  const session = useSession();
  const setup = useApi<ExternalIdAnswer>('/api/v1/setup/aws');
  const [rotating, setRotating] = useState(false);
  return (
    <section className="panel" aria-labelledby="external-id-title">
      <h2 id="external-id-title">External ID</h2>
      <p className="muted">
        Every role Cloudtally assumes must name this external ID in its trust policy, so that no one else can
        make Cloudtally assume your roles (the “confused deputy” problem).
      </p>
      <ErrorNotice error={setup.error} onRetry={setup.reload} />
      {!setup.data && setup.loading ? <Loading /> : null}
      {setup.data ? (
        <div className="external-id">
          <code className="secret" data-testid="external-id">
            {setup.data.externalId}
          </code>
          <CopyButton text={setup.data.externalId} label="Copy external ID" />
          <span className="spacer" />
          <ActionButton action="org:manage" variant="danger" onClick={() => setRotating(true)}>
            Rotate…
          </ActionButton>
        </div>
      ) : null}
      {!session.can('org:manage') ? <p className="muted small">{session.reason('org:manage')}</p> : null}
      {rotating ? (
        <ConfirmDialog
          title="Rotate the external ID"
          confirmLabel="Rotate external ID"
          danger
          onClose={() => setRotating(false)}
          onConfirm={async () => {
            await api.post('/api/v1/setup/aws/external-id/rotate');
            setup.reload();
          }}
        >
          <p>
            Cloudtally starts using a new external ID at once. Every assumed-role account fails to sync until
            its role’s trust policy names the new ID: update the trust policies (or the CloudFormation stacks)
            right after rotating.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

export function CloudAccessPanel(): ReactNode {
  return (
    <div className="stack">
      <ExternalId />
      <SyncSchedule />
    </div>
  );
}
