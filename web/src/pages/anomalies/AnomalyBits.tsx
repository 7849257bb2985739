import type { ReactNode } from 'react';
import { ANOMALY_STATE_LABELS, type AnomalyState } from '../../anomaly-api';
import type { CostAnomaly } from '../../types';

const STATE_TONE: Record<AnomalyState, string> = { open: 'warn', acknowledged: 'info', expected: 'good' };

export function AnomalyStateBadge(props: { state: AnomalyState }): ReactNode {
  return (
    <span className={`badge badge-${STATE_TONE[props.state]}`} data-testid="anomaly-state">
      {ANOMALY_STATE_LABELS[props.state]}
    </span>
  );
}

/** `▲ 140%` in red for an increase, `▼ 35%` in green for a decrease, "new" when nothing was expected. */
export function AnomalyChange(props: {
  anomaly: Pick<CostAnomaly, 'direction' | 'changePercent'>;
}): ReactNode {
  const { direction, changePercent } = props.anomaly;
  const up = direction === 'increase';
  return (
    <span className={`badge ${up ? 'badge-bad' : 'badge-good'}`}>
      <span aria-hidden="true">{up ? '▲' : '▼'}</span>
      <span className="sr-only">{up ? 'up' : 'down'}</span>
      {changePercent === null ? 'new' : `${Math.abs(changePercent).toFixed(0)}%`}
    </span>
  );
}
