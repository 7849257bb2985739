import { useState, type ReactNode } from 'react';
import { ActionButton } from '../../components/Allowed';
import { Empty, ErrorNotice, Loading } from '../../components/Feedback';
import { ConfirmDialog } from '../../components/Modal';
import type { Loaded } from '../../hooks';
import { EVENT_LABEL, notificationsApi, type AlertRule, type Channel } from '../../notifications-api';
import { RuleDialog } from './RuleDialog';

/** A rule's filters in words (ids of budgets and accounts are counted, not listed). */
function filters(r: AlertRule): string {
  const p = r.params;
  const parts: string[] = [];
  if (Array.isArray(p.kinds)) parts.push(`on ${(p.kinds as string[]).join(' and ')}`);
  if (typeof p.minPercent === 'number') parts.push(`≥ ${p.minPercent} %`);
  if (Array.isArray(p.budgetIds)) parts.push(`${p.budgetIds.length} budget(s)`);
  if (Array.isArray(p.accountIds)) parts.push(`${p.accountIds.length} account(s)`);
  if (typeof p.minImpact === 'number') parts.push(`impact ≥ ${p.minImpact}`);
  if (typeof p.hours === 'number') parts.push(`after ${p.hours} h`);
  if (typeof p.minMonthlySavings === 'number') parts.push(`saving ≥ ${p.minMonthlySavings}/month`);
  return parts.join(', ') || 'all';
}

export function RulesPanel(props: { rules: Loaded<{ items: AlertRule[] }>; channels: Channel[] }): ReactNode {
  const { rules, channels } = props;
  const [editing, setEditing] = useState<AlertRule | 'new'>();
  const [removing, setRemoving] = useState<AlertRule>();
  const channelName = (id: string) => channels.find((c) => c.id === id)?.name ?? id;
  const items = rules.data?.items ?? [];
  return (
    <section className="panel" aria-labelledby="rules-title">
      <div className="panel-head">
        <h2 id="rules-title">Alert rules</h2>
        <ActionButton
          action="alerts:write"
          variant="primary"
          disabled={channels.length === 0}
          title={channels.length === 0 ? 'Add a channel first' : undefined}
          onClick={() => setEditing('new')}
        >
          Add rule
        </ActionButton>
      </div>
      <p className="muted">
        Which events go to which channels. Each event is sent once per rule and channel.
      </p>
      <ErrorNotice error={rules.error} onRetry={rules.reload} />
      {rules.loading && !rules.data ? <Loading what="alert rules" /> : null}
      {rules.data && items.length === 0 ? <Empty title="No alert rules yet" /> : null}
      {items.length > 0 ? (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Alert rules">
          <table className="table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Event</th>
                <th>Filters</th>
                <th>Channels</th>
                <th>State</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id} data-rule={r.name}>
                  <td>{r.name}</td>
                  <td>{EVENT_LABEL[r.eventType]}</td>
                  <td>{filters(r)}</td>
                  <td className="wrap">{r.channelIds.map(channelName).join(', ')}</td>
                  <td>{r.enabled ? 'Enabled' : 'Disabled'}</td>
                  <td className="actions">
                    <ActionButton
                      action="alerts:write"
                      className="btn-small"
                      onClick={() => setEditing(r)}
                      aria-label={`Edit rule ${r.name}`}
                    >
                      Edit
                    </ActionButton>{' '}
                    <ActionButton
                      action="alerts:write"
                      variant="ghost-danger"
                      className="btn-small"
                      onClick={() => setRemoving(r)}
                      aria-label={`Delete rule ${r.name}`}
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
        <RuleDialog
          rule={editing === 'new' ? undefined : editing}
          channels={channels}
          onClose={() => setEditing(undefined)}
          onSaved={() => rules.reload()}
        />
      ) : null}
      {removing ? (
        <ConfirmDialog
          title="Delete alert rule"
          confirmLabel="Delete"
          danger
          onClose={() => setRemoving(undefined)}
          onConfirm={async () => {
            await notificationsApi.deleteRule(removing.id);
            rules.reload();
          }}
        >
          <p>Events of the rule “{removing.name}” are no longer sent.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
