import { useEffect, type ReactNode } from 'react';
import { useApi } from '../hooks';
import type { AccountStatus, StageRecord, SyncRun } from '../types';
import { AccountStatusCell, stageLabel, When } from './AccountStatus';
import { ErrorNotice } from './Feedback';
import { StatusBadge } from './StatusBadge';

const STAGE_STATE: Record<string, string> = {
  waiting: 'pending',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  skipped: 'skipped',
  not_ready: 'partial',
  cancelled: 'cancelled',
  interrupted: 'failed',
};

function duration(ms: number | null): string {
  if (ms === null) return '';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function counts(c: Record<string, number> | undefined): string {
  if (!c) return '';
  return Object.entries(c)
    .filter(([, v]) => v)
    .map(([k, v]) => `${v.toLocaleString()} ${k.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}`)
    .join(', ');
}

/** The stages of one run with their state, duration, counts and diagnostics. */
export function StageList(props: { stages: StageRecord[] }): ReactNode {
  return (
    <ol className="validation-steps stage-list">
      {props.stages.map((s) => (
        <li key={s.name} data-stage={s.name} data-state={s.state}>
          <StatusBadge state={STAGE_STATE[s.state] ?? s.state} />
          <div>
            <div>
              <strong>{stageLabel(s.name)}</strong>{' '}
              <span className="muted small">
                {duration(s.durationMs)}
                {s.progress?.message && s.state === 'running' ? ` · ${s.progress.message}` : ''}
              </span>
            </div>
            {counts(s.counts) ? <div className="muted small">{counts(s.counts)}</div> : null}
            {s.note ? <div className="muted small">{s.note}</div> : null}
            {(s.diagnostics ?? []).map((d) => (
              <div key={`${d.code}:${d.key ?? ''}`} className="small">
                {d.message}
                {d.remediation ? <div className="remediation">{d.remediation}</div> : null}
              </div>
            ))}
          </div>
        </li>
      ))}
    </ol>
  );
}

/** Follows an account's sync until it settles: its status, then the stages of the run. */
export function SyncProgress(props: { accountId: string; runId?: string }): ReactNode {
  const status = useApi<AccountStatus>(`/api/v1/cloud-accounts/${props.accountId}/sync-status`, undefined, {
    pollMs: 1500,
  });
  const s = status.data;
  const runId = props.runId ?? s?.runId ?? undefined;
  const settled = s && s.state !== 'syncing' && s.state !== 'pending';
  const run = useApi<SyncRun>(runId ? `/api/v1/sync-runs/${runId}` : null, undefined, {
    pollMs: settled ? undefined : 1500,
  });
  const { reload } = run;
  // Once the account settles, fetch the run once more so that its last stages show their outcome.
  useEffect(() => {
    if (settled) reload();
  }, [settled, reload]);
  return (
    <div className="stack" aria-live="polite">
      <ErrorNotice error={status.error} />
      {s ? (
        <div className="row" data-testid="sync-status">
          <AccountStatusCell status={s} />
          <span className="spacer" />
          <span className="muted small">
            Last successful sync: <When iso={s.lastSyncAt} empty="not yet" />
          </span>
        </div>
      ) : null}
      {run.data ? <StageList stages={run.data.stages} /> : null}
    </div>
  );
}
