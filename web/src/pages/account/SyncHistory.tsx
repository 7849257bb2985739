import { Fragment, useState, type ReactNode } from 'react';
import { Empty, ErrorNotice, Loading } from '../../components/Feedback';
import { StageList } from '../../components/SyncProgress';
import { StatusBadge } from '../../components/StatusBadge';
import { dateTime, dateTimeUtc } from '../../format';
import { useApi } from '../../hooks';
import type { Page, SyncRun } from '../../types';

const TRIGGERS: Record<string, string> = {
  manual: 'Sync now',
  schedule: 'Schedule',
  connected: 'Connected',
  member_connected: 'Member connected',
  member_removed: 'Member removed',
};

function took(run: SyncRun): string {
  if (!run.startedAt || !run.finishedAt) return '';
  const s = (new Date(run.finishedAt).getTime() - new Date(run.startedAt).getTime()) / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** The account's runs, newest first; a run opens to show its stages. */
export function SyncHistory(props: { accountId: string; syncing: boolean }): ReactNode {
  const runs = useApi<Page<SyncRun>>(
    `/api/v1/cloud-accounts/${props.accountId}/sync-runs`,
    { limit: 25 },
    {
      pollMs: props.syncing ? 2000 : 15000,
    },
  );
  const [open, setOpen] = useState<string>();
  const items = runs.data?.items ?? [];
  return (
    <section className="panel" aria-labelledby="history-title">
      <div className="panel-head">
        <h2 id="history-title">Sync history</h2>
      </div>
      <ErrorNotice error={runs.error} onRetry={runs.reload} />
      {runs.loading && !runs.data ? <Loading what="sync history" /> : null}
      {runs.data && items.length === 0 ? <Empty title="No syncs yet" /> : null}
      {items.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th>Started</th>
              <th>Trigger</th>
              <th>State</th>
              <th>Took</th>
              <th>
                <span className="sr-only">Stages</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <Fragment key={r.id}>
                <tr data-run={r.id}>
                  <td title={dateTimeUtc(r.startedAt ?? r.queuedAt)}>
                    {dateTime(r.startedAt ?? r.queuedAt)}
                  </td>
                  <td>
                    {TRIGGERS[r.trigger] ?? r.trigger}
                    {r.requestedBy ? <div className="muted small">{r.requestedBy}</div> : null}
                  </td>
                  <td>
                    <StatusBadge state={r.state} />
                    {r.error ? <div className="small muted">{r.error.message}</div> : null}
                  </td>
                  <td className="muted">{took(r)}</td>
                  <td className="actions">
                    <button
                      type="button"
                      className="btn btn-small btn-ghost"
                      aria-expanded={open === r.id}
                      onClick={() => setOpen(open === r.id ? undefined : r.id)}
                    >
                      {open === r.id ? 'Hide stages' : 'Stages'}
                    </button>
                  </td>
                </tr>
                {open === r.id ? (
                  <tr className="sub-row">
                    <td colSpan={5}>
                      <StageList stages={r.stages} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
