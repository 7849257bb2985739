import { useState, type FormEvent, type ReactNode } from 'react';
import type { components } from '../../../../src/api-client/schema';
import { api } from '../../api';
import { ActionButton } from '../../components/Allowed';
import { Empty, ErrorNotice, Loading } from '../../components/Feedback';
import { ConfirmDialog } from '../../components/Modal';
import { dateTime, relative } from '../../format';
import type { Loaded } from '../../hooks';
import type { Channel } from '../../notifications-api';
import { useSession } from '../../session';

export type Digest = components['schemas']['NotificationDigest'];
type Frequency = Digest['frequency'];

export const DIGESTS_PATH = '/api/v1/notifications/digests';

const FREQUENCY_LABEL: Record<Frequency, string> = {
  daily: 'Daily (yesterday)',
  weekly: 'Weekly (Monday to Sunday)',
};

/** One subscription form: a channel, a frequency and a button; `forMe` sends the digest to the caller only. */
function SubscribeForm(props: {
  id: string;
  legend: string;
  channels: Channel[];
  forMe: boolean;
  onSaved: () => void;
}): ReactNode {
  const [channel, setChannel] = useState('');
  const [frequency, setFrequency] = useState<Frequency>('weekly');
  const [error, setError] = useState<unknown>();
  const [pending, setPending] = useState(false);
  const chosen = channel || props.channels[0]?.id || '';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setPending(true);
    setError(undefined);
    try {
      await api.post<Digest>(DIGESTS_PATH, { channel: chosen, frequency, forMe: props.forMe });
      props.onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  };
  const button = props.forMe ? 'Subscribe me' : 'Subscribe channel';
  return (
    <>
      <form className="inline-form" aria-labelledby={`${props.id}-legend`} onSubmit={(e) => void submit(e)}>
        <h3 id={`${props.id}-legend`} className="form-legend">
          {props.legend}
        </h3>
        <label className="field">
          <span>{props.forMe ? 'Mail server (e-mail channel)' : 'Channel'}</span>
          <select value={chosen} onChange={(e) => setChannel(e.target.value)} required>
            {props.channels.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Frequency</span>
          <select value={frequency} onChange={(e) => setFrequency(e.target.value as Frequency)}>
            {(Object.keys(FREQUENCY_LABEL) as Frequency[]).map((f) => (
              <option key={f} value={f}>
                {FREQUENCY_LABEL[f]}
              </option>
            ))}
          </select>
        </label>
        {props.forMe ? (
          <button type="submit" className="btn btn-primary" disabled={pending || !chosen}>
            {button}
          </button>
        ) : (
          <ActionButton action="alerts:write" type="submit" variant="primary" disabled={pending || !chosen}>
            {button}
          </ActionButton>
        )}
      </form>
      <ErrorNotice error={error} />
    </>
  );
}

/**
 * Digests: anyone takes their own daily or weekly summary by e-mail; managers and engineers subscribe a channel.
 * Each subscription is listed with who gets it, and is removed by its person or by a manager or engineer.
 */
export function DigestsPanel(props: {
  digests: Loaded<{ items: Digest[] }>;
  channels: Channel[];
}): ReactNode {
  const { digests, channels } = props;
  const session = useSession();
  const [removing, setRemoving] = useState<Digest>();
  const me = session.me.user;
  const mailChannels = channels.filter((c) => c.kind === 'email');
  const channelName = (id: string) => channels.find((c) => c.id === id)?.name ?? 'removed channel';
  const items = digests.data?.items ?? [];
  const recipient = (d: Digest) =>
    d.userId === null
      ? `Channel ${channelName(d.channelId)}`
      : d.userId === me.id
        ? `You (${d.recipient ?? me.email})`
        : (d.recipient ?? 'a member');
  const mayRemove = (d: Digest) => d.userId === me.id || session.can('alerts:write');
  return (
    <section className="panel" aria-labelledby="digests-title">
      <div className="panel-head">
        <h2 id="digests-title">Digests</h2>
      </div>
      <p className="muted">
        A summary of the last day or week: spend against the period before, top movers, budgets at risk, new
        anomalies, open savings and failing syncs — the dashboard&apos;s numbers. Sent once per period.
      </p>
      {mailChannels.length === 0 ? (
        <p className="muted">A personal digest is sent by e-mail: it needs an e-mail channel first.</p>
      ) : (
        <SubscribeForm
          id="digest-me"
          legend={`Your own digest, to ${me.email}`}
          channels={mailChannels}
          forMe
          onSaved={digests.reload}
        />
      )}
      {channels.length > 0 && session.can('alerts:write') ? (
        <SubscribeForm
          id="digest-channel"
          legend="A channel's digest"
          channels={channels}
          forMe={false}
          onSaved={digests.reload}
        />
      ) : null}
      <ErrorNotice error={digests.error} onRetry={digests.reload} />
      {digests.loading && !digests.data ? <Loading what="digests" /> : null}
      {digests.data && items.length === 0 ? <Empty title="No digests yet" /> : null}
      {items.length > 0 ? (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Digests">
          <table className="table">
            <thead>
              <tr>
                <th>Sent to</th>
                <th>Through</th>
                <th>Frequency</th>
                <th>Since</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.id} data-digest={d.id}>
                  <td className="wrap">{recipient(d)}</td>
                  <td>{channelName(d.channelId)}</td>
                  <td>{d.frequency === 'daily' ? 'Daily' : 'Weekly'}</td>
                  <td title={dateTime(d.createdAt)}>{relative(d.createdAt)}</td>
                  <td className="actions">
                    {mayRemove(d) ? (
                      <button
                        type="button"
                        className="btn btn-ghost-danger btn-small"
                        onClick={() => setRemoving(d)}
                        aria-label={`Remove the ${d.frequency} digest to ${recipient(d)}`}
                      >
                        Remove
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {removing ? (
        <ConfirmDialog
          title="Remove digest"
          confirmLabel="Remove"
          danger
          onClose={() => setRemoving(undefined)}
          onConfirm={async () => {
            await api.del(`${DIGESTS_PATH}/${encodeURIComponent(removing.id)}`);
            digests.reload();
          }}
        >
          <p>
            The {removing.frequency} digest to {recipient(removing)} is no longer sent.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
