import type { ReactNode } from 'react';

export type AccountState = 'healthy' | 'syncing' | 'degraded' | 'failed' | 'pending' | 'disabled';

const LABELS: Record<string, string> = {
  healthy: 'Healthy',
  syncing: 'Syncing',
  degraded: 'Degraded',
  failed: 'Failed',
  pending: 'Pending',
  disabled: 'Disabled',
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  partial: 'Partial',
  cancelled: 'Cancelled',
  skipped: 'Skipped',
  open: 'Open',
  dismissed: 'Dismissed',
  snoozed: 'Snoozed',
  resolved: 'Resolved',
  closed: 'Resolved',
  discovered: 'Discovered, not connected',
};

const TONE: Record<string, string> = {
  healthy: 'good',
  succeeded: 'good',
  resolved: 'good',
  closed: 'good',
  syncing: 'busy',
  running: 'busy',
  queued: 'busy',
  degraded: 'warn',
  partial: 'warn',
  snoozed: 'warn',
  failed: 'bad',
  pending: 'neutral',
  disabled: 'off',
  cancelled: 'off',
  skipped: 'off',
  dismissed: 'off',
  discovered: 'neutral',
  open: 'info',
};

/** A state as a coloured pill; a running state may carry its progress (0–1). */
export function StatusBadge(props: { state: string; progress?: number | null; title?: string }): ReactNode {
  const { state, progress } = props;
  const pct =
    progress !== undefined && progress !== null && (state === 'syncing' || state === 'running')
      ? ` ${Math.round(progress * 100)}%`
      : '';
  return (
    <span
      className={`badge badge-${TONE[state] ?? 'neutral'}`}
      title={props.title}
      data-state={state}
      aria-label={`Status: ${LABELS[state] ?? state}${pct}`}
    >
      <span className="badge-dot" aria-hidden="true" />
      {LABELS[state] ?? state}
      {pct}
    </span>
  );
}
