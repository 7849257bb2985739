import type { ReactNode } from 'react';
import { dateTime, dateTimeUtc, day, relative } from '../format';
import type { AccountStatus } from '../types';
import { StatusBadge } from './StatusBadge';

const STAGE_LABELS: Record<string, string> = {
  validate: 'Checking access',
  billing: 'Loading billing data',
  inventory: 'Scanning resources',
  metrics: 'Reading utilization',
  recommendations: 'Computing recommendations',
};

export function stageLabel(stage: string | null | undefined): string {
  return stage ? (STAGE_LABELS[stage] ?? stage) : '';
}

export function progressRatio(status: Pick<AccountStatus, 'progress'>): number | null {
  const p = status.progress;
  if (!p || typeof p.done !== 'number' || typeof p.total !== 'number' || p.total <= 0) return null;
  return Math.min(1, Math.max(0, p.done / p.total));
}

/** The badge, and under it what is happening (syncing) or what is wrong (failed/degraded). */
export function AccountStatusCell(props: { status: AccountStatus }): ReactNode {
  const s = props.status;
  const ratio = progressRatio(s);
  const headline = s.diagnostics?.[0];
  return (
    <div className="status-cell">
      <StatusBadge state={s.state} progress={ratio} title={s.message ?? undefined} />
      {s.state === 'syncing' ? (
        <div className="status-detail">
          <div
            className="progress"
            role="progressbar"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={ratio === null ? undefined : Math.round(ratio * 100)}
            aria-label="Sync progress"
          >
            <div style={{ width: `${Math.round((ratio ?? 0.05) * 100)}%` }} />
          </div>
          <div className="muted small">
            {stageLabel(s.stage)}
            {s.progress?.message ? ` · ${String(s.progress.message)}` : ''}
          </div>
        </div>
      ) : null}
      {(s.state === 'failed' || s.state === 'degraded' || s.state === 'pending') &&
      (s.message || headline) ? (
        <div className="muted small status-detail">{s.message ?? headline?.message}</div>
      ) : null}
    </div>
  );
}

export function When(props: { iso: string | null | undefined; empty?: string }): ReactNode {
  if (!props.iso) return <span className="muted">{props.empty ?? '—'}</span>;
  return (
    <time dateTime={props.iso} title={`${dateTime(props.iso)} (${dateTimeUtc(props.iso)})`}>
      {relative(props.iso)}
    </time>
  );
}

/** Billing data freshness: the newest UTC billing day loaded. */
export function Freshness(props: { day: string | null | undefined }): ReactNode {
  if (!props.day) return <span className="muted">no data yet</span>;
  return <span title="Newest billing day loaded (UTC)">through {day(props.day, true)}</span>;
}
