import type { ReactNode } from 'react';
import { Empty, ErrorNotice, Loading, PageHeader } from '../components/Feedback';
import { dateTime, relative } from '../format';
import { useApi, type Loaded } from '../hooks';
import { notificationsApi, type AlertRule, type Channel, type Delivery } from '../notifications-api';
import { ChannelsPanel } from './notifications/ChannelsPanel';
import { DIGESTS_PATH, DigestsPanel, type Digest } from './notifications/DigestsPanel';
import { RulesPanel } from './notifications/RulesPanel';
import './notifications/notifications.css';

const STATE_LABEL: Record<Delivery['state'], string> = {
  pending: 'Queued',
  sending: 'Sending',
  sent: 'Sent',
  failed: 'Gave up',
};

/** The outbox's newest deliveries: what was sent where, and what is waiting or failed. */
function DeliveriesPanel(props: {
  deliveries: Loaded<{ items: Delivery[] }>;
  channels: Channel[];
}): ReactNode {
  const { deliveries } = props;
  const channelName = (id: string) => props.channels.find((c) => c.id === id)?.name ?? 'removed channel';
  const items = deliveries.data?.items ?? [];
  return (
    <section className="panel" aria-labelledby="deliveries-title">
      <div className="panel-head">
        <h2 id="deliveries-title">Delivery history</h2>
        <button type="button" className="btn btn-small" onClick={deliveries.reload}>
          Refresh
        </button>
      </div>
      <p className="muted">
        The newest 50 deliveries of the outbox. Failed sends are retried with backoff; a delivery that gave up
        shows its last error.
      </p>
      <ErrorNotice error={deliveries.error} onRetry={deliveries.reload} />
      {deliveries.loading && !deliveries.data ? <Loading what="deliveries" /> : null}
      {deliveries.data && items.length === 0 ? <Empty title="Nothing delivered yet" /> : null}
      {items.length > 0 ? (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Delivery history">
          <table className="table">
            <thead>
              <tr>
                <th>Queued</th>
                <th>Event</th>
                <th>Channel</th>
                <th>State</th>
                <th className="num">Attempts</th>
                <th>Last error</th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.id} data-delivery={d.id}>
                  <td title={dateTime(d.createdAt)}>{relative(d.createdAt)}</td>
                  <td className="wrap">{d.title || d.eventType}</td>
                  <td>{channelName(d.channelId)}</td>
                  <td>
                    {STATE_LABEL[d.state]}
                    {d.state === 'pending' && d.attempts > 0 ? ` (retry ${relative(d.nextAttemptAt)})` : ''}
                  </td>
                  <td className="num">{d.attempts}</td>
                  <td className="wrap">{d.lastError ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

export default function NotificationsPage(): ReactNode {
  const channels = useApi<{ items: Channel[] }>(notificationsApi.channelsPath);
  const rules = useApi<{ items: AlertRule[] }>(notificationsApi.rulesPath);
  const deliveries = useApi<{ items: Delivery[] }>(notificationsApi.deliveriesPath, { limit: 50 });
  const digests = useApi<{ items: Digest[] }>(DIGESTS_PATH);
  const channelList = channels.data?.items ?? [];
  return (
    <div className="page">
      <PageHeader
        title="Notifications"
        subtitle="Channels that alerts go to, the rules that route events to them, digests, and what was delivered"
      />
      <ChannelsPanel
        channels={{
          ...channels,
          reload: () => {
            channels.reload();
            rules.reload();
            deliveries.reload();
            digests.reload();
          },
        }}
      />
      <RulesPanel rules={rules} channels={channelList} />
      <DigestsPanel digests={digests} channels={channelList} />
      <DeliveriesPanel deliveries={deliveries} channels={channelList} />
    </div>
  );
}
