import { useState, type ReactNode } from 'react';
import { errorMessage } from '../../api';
import { ActionButton } from '../../components/Allowed';
import { Empty, ErrorNotice, Loading } from '../../components/Feedback';
import { ConfirmDialog } from '../../components/Modal';
import { dateTime, relative } from '../../format';
import type { Loaded } from '../../hooks';
import { CHANNEL_KIND_LABEL, notificationsApi, type Channel } from '../../notifications-api';
import { ChannelDialog } from './ChannelDialog';

/** Where a channel sends to, from its shown settings (never a secret). */
function target(c: Channel): string {
  const cfg = c.config;
  if (c.kind === 'email') {
    const to = Array.isArray(cfg.to) ? (cfg.to as string[]).join(', ') : '';
    return `${to} via ${String(cfg.host)}:${String(cfg.port)}`;
  }
  return typeof cfg.url === 'string' ? cfg.url : '';
}

type TestResult = { pending: true } | { pending: false; ok: boolean; error: string | null };

function TestOutcome(props: { result: TestResult | undefined }): ReactNode {
  const r = props.result;
  if (!r) return null;
  return (
    <div className={`small ${r.pending ? 'muted' : r.ok ? 'text-good' : 'text-bad'}`} role="status">
      {r.pending ? 'Sending test message…' : r.ok ? 'Test message sent' : `Test failed: ${r.error ?? ''}`}
    </div>
  );
}

function LastOutcome(props: { c: Channel }): ReactNode {
  const { c } = props;
  const errorNewer = c.lastErrorAt && (!c.lastSuccessAt || c.lastErrorAt > c.lastSuccessAt);
  if (errorNewer)
    return (
      <span className="text-bad" title={dateTime(c.lastErrorAt)}>
        Failed {relative(c.lastErrorAt)}: {c.lastError}
      </span>
    );
  if (c.lastSuccessAt)
    return <span title={dateTime(c.lastSuccessAt)}>Delivered {relative(c.lastSuccessAt)}</span>;
  return <span className="muted">Nothing sent yet</span>;
}

export function ChannelsPanel(props: { channels: Loaded<{ items: Channel[] }> }): ReactNode {
  const { channels } = props;
  const [editing, setEditing] = useState<Channel | 'new'>();
  const [removing, setRemoving] = useState<Channel>();
  const [tests, setTests] = useState<Record<string, TestResult>>({});
  const sendTest = async (c: Channel) => {
    setTests((t) => ({ ...t, [c.id]: { pending: true } }));
    let result: TestResult;
    try {
      result = { pending: false, ...(await notificationsApi.testChannel(c.id)) };
    } catch (err) {
      result = { pending: false, ok: false, error: errorMessage(err) };
    }
    setTests((t) => ({ ...t, [c.id]: result }));
    channels.reload();
  };
  const items = channels.data?.items ?? [];
  return (
    <section className="panel" aria-labelledby="channels-title">
      <div className="panel-head">
        <h2 id="channels-title">Channels</h2>
        <ActionButton action="alerts:write" variant="primary" onClick={() => setEditing('new')}>
          Add channel
        </ActionButton>
      </div>
      <p className="muted">
        Where alerts go: e-mail over SMTP, Slack, Microsoft Teams or a signed webhook. Passwords, webhook URLs
        and signing secrets are stored encrypted and never shown again.
      </p>
      <ErrorNotice error={channels.error} onRetry={channels.reload} />
      {channels.loading && !channels.data ? <Loading what="channels" /> : null}
      {channels.data && items.length === 0 ? <Empty title="No channels yet" /> : null}
      {items.length > 0 ? (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Channels">
          <table className="table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Kind</th>
                <th>Sends to</th>
                <th>Last delivery</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id} data-channel={c.name}>
                  <td>{c.name}</td>
                  <td>{CHANNEL_KIND_LABEL[c.kind]}</td>
                  <td className="wrap">{target(c)}</td>
                  <td>
                    <LastOutcome c={c} />
                    <TestOutcome result={tests[c.id]} />
                  </td>
                  <td className="actions">
                    <ActionButton
                      action="alerts:write"
                      className="btn-small"
                      disabled={tests[c.id]?.pending}
                      onClick={() => void sendTest(c)}
                      aria-label={`Send test message to ${c.name}`}
                    >
                      Send test
                    </ActionButton>{' '}
                    <ActionButton
                      action="alerts:write"
                      className="btn-small"
                      onClick={() => setEditing(c)}
                      aria-label={`Edit ${c.name}`}
                    >
                      Edit
                    </ActionButton>{' '}
                    <ActionButton
                      action="alerts:write"
                      variant="ghost-danger"
                      className="btn-small"
                      onClick={() => setRemoving(c)}
                      aria-label={`Delete ${c.name}`}
                    >
                      Delete
                    </ActionButton>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {editing ? (
        <ChannelDialog
          channel={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(undefined)}
          onSaved={() => channels.reload()}
        />
      ) : null}
      {removing ? (
        <ConfirmDialog
          title="Delete channel"
          confirmLabel="Delete"
          danger
          onClose={() => setRemoving(undefined)}
          onConfirm={async () => {
            await notificationsApi.deleteChannel(removing.id);
            channels.reload();
          }}
        >
          <p>
            Alerts stop going to “{removing.name}”: rules no longer route to it and its queued deliveries are
            dropped.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
