import type { ReactNode } from 'react';
import { money } from '../../format';
import type { Utilization } from './types';

/** Each month's commitment as one bar: the used part and the unused part (the waste), with the utilization. */
export function UtilizationChart(props: { totals: Utilization['totals'] }): ReactNode {
  const top = Math.max(...props.totals.map((t) => t.committed), 1e-9);
  const w = (v: number) => `${Math.max(0, (v / top) * 100).toFixed(2)}%`;
  return (
    <div>
      <div className="commit-legend" aria-hidden="true">
        <span>
          <i className="commit-used" />
          Used
        </span>
        <span>
          <i className="commit-unused" />
          Unused
        </span>
      </div>
      <div className="commit-bars" data-testid="utilization-chart">
        {props.totals.map((t) => (
          <div
            className="commit-bar-row"
            key={`${t.period}-${t.currency}`}
            role="img"
            aria-label={`${t.period}: ${t.utilization}% used, ${money(t.unused, t.currency)} unused of ${money(t.committed, t.currency)}`}
          >
            <span>{t.period}</span>
            <div className="commit-track">
              <div className="commit-used" style={{ width: w(t.used) }} />
              <div className="commit-unused" style={{ width: w(t.unused) }} />
            </div>
            <span className="num">
              {t.utilization.toFixed(1)} % · {money(t.unused, t.currency)} unused
            </span>
          </div>
        ))}
      </div>
    </div>
  );
}
