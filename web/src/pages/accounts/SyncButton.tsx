import { useState, type ReactNode } from 'react';
import { api } from '../../api';
import { ActionButton } from '../../components/Allowed';
import { ErrorNotice } from '../../components/Feedback';
import type { CloudAccount, SyncRun } from '../../types';

/** Starts a sync now; a sync already queued or running is joined by the API rather than doubled. */
export function SyncButton(props: { account: CloudAccount; onStarted: (run?: SyncRun) => void }): ReactNode {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>();
  const { account } = props;
  const busy = account.status.state === 'syncing';
  const start = async () => {
    setPending(true);
    setError(undefined);
    try {
      const run = await api.post<SyncRun | { run: SyncRun }>(`/api/v1/cloud-accounts/${account.id}/sync`);
      props.onStarted(run && 'run' in run ? run.run : run);
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  };
  return (
    <>
      <ActionButton
        action="sync:trigger"
        className="btn-small"
        disabled={pending || busy || !account.enabled}
        title={!account.enabled ? 'The account is disabled' : busy ? 'A sync is running' : undefined}
        onClick={() => void start()}
        aria-label={`Sync ${account.name} now`}
      >
        {pending ? 'Starting…' : 'Sync now'}
      </ActionButton>
      <ErrorNotice error={error} />
    </>
  );
}
