import { useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../../api';
import { ActionButton } from '../../components/Allowed';
import { ErrorNotice, Notice } from '../../components/Feedback';
import { ConfirmDialog } from '../../components/Modal';
import { useSession } from '../../session';
import type { CloudAccount } from '../../types';
import { AccountForm } from '../connect/AccountForm';
import { valuesOf } from '../connect/account-form-model';
import { SyncSchedule } from './SyncSchedule';

/** Edit the connection, disable or enable it, or remove it with its data (after a typed confirmation). */
export function AccountSettings(props: { account: CloudAccount; onChanged: () => void }): ReactNode {
  const { account } = props;
  const session = useSession();
  const navigate = useNavigate();
  const [saved, setSaved] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [toggleError, setToggleError] = useState<unknown>();
  const editable = session.can('accounts:write');
  const toggle = async () => {
    setToggleError(undefined);
    try {
      await api.patch(`/api/v1/cloud-accounts/${account.id}`, { enabled: !account.enabled });
      props.onChanged();
    } catch (err) {
      setToggleError(err);
    }
  };
  return (
    <div className="stack">
      <section className="panel" aria-labelledby="settings-title">
        <h2 id="settings-title">Connection settings</h2>
        {!editable ? <Notice>{session.reason('accounts:write')}</Notice> : null}
        {saved ? (
          <Notice kind="success">Saved. Validate the connection to check the new settings.</Notice>
        ) : null}
        <fieldset disabled={!editable} className="plain-fieldset">
          <AccountForm
            key={account.updatedAt}
            type={account.type}
            mode="edit"
            hasStoredKey={Boolean(account.accessKeyId)}
            initial={valuesOf(account)}
            submitLabel="Save changes"
            onSubmit={async (body) => {
              setSaved(false);
              await api.patch(`/api/v1/cloud-accounts/${account.id}`, body);
              setSaved(true);
              props.onChanged();
            }}
          />
        </fieldset>
      </section>
      <SyncSchedule account={account} onChanged={props.onChanged} />
      <section className="panel danger-zone" aria-labelledby="danger-title">
        <h2 id="danger-title">Disable or remove</h2>
        <div className="row">
          <div>
            <strong>{account.enabled ? 'Disable syncing' : 'Enable syncing'}</strong>
            <div className="muted small">
              {account.enabled
                ? 'Stops scheduled and manual syncs; the data already loaded stays.'
                : 'The account is disabled: nothing syncs until it is enabled again.'}
            </div>
          </div>
          <span className="spacer" />
          <ActionButton action="accounts:write" onClick={() => void toggle()}>
            {account.enabled ? 'Disable' : 'Enable'}
          </ActionButton>
        </div>
        <ErrorNotice error={toggleError} />
        <div className="row">
          <div>
            <strong>Remove the account</strong>
            <div className="muted small">
              Deletes the connection, its stored credentials, and its costs, resources and recommendations.
            </div>
          </div>
          <span className="spacer" />
          <ActionButton action="accounts:write" variant="danger" onClick={() => setRemoving(true)}>
            Remove…
          </ActionButton>
        </div>
      </section>
      {removing ? (
        <ConfirmDialog
          title={`Remove ${account.name}`}
          confirmLabel="Remove account and its data"
          danger
          typeToConfirm={account.name}
          onClose={() => setRemoving(false)}
          onConfirm={async () => {
            await api.del(`/api/v1/cloud-accounts/${account.id}?confirm=true`);
            void navigate('/accounts');
          }}
        >
          <p>
            This removes <strong>{account.name}</strong>
            {account.awsAccountId ? ` (${account.awsAccountId})` : ''} from Cloudtally with all the data
            loaded for it. The AWS account itself is not touched. This cannot be undone.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
