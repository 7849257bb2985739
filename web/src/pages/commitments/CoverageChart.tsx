import type { ReactNode } from 'react';
import { money } from '../../format';
import type { CoverageRow } from './types';

/** The group's name; usage without an instance type (Fargate, Lambda) has no family. */
const label = (r: CoverageRow) =>
  [r.service, r.awsAccountId, r.region, r.instanceFamily || (r.awsAccountId ? 'no instance family' : '')]
    .filter(Boolean)
    .join(' · ') || 'All eligible usage';

/** Covered and on-demand (the gap) eligible spend per group, largest first. */
export function CoverageChart(props: { rows: CoverageRow[] }): ReactNode {
  const top = Math.max(...props.rows.map((r) => r.total), 1e-9);
  const w = (v: number) => `${Math.max(0, (v / top) * 100).toFixed(2)}%`;
  return (
    <div>
      <div className="commit-legend" aria-hidden="true">
        <span>
          <i className="commit-covered" />
          Covered
        </span>
        <span>
          <i className="commit-gap" />
          On demand (gap)
        </span>
      </div>
      <div className="commit-bars" data-testid="coverage-chart">
        {props.rows.map((r) => (
          <div
            className="commit-bar-row"
            key={`${r.period}|${label(r)}`}
            role="img"
            aria-label={`${label(r)}: ${r.coverage}% covered, ${money(r.onDemand, r.currency)} on demand`}
          >
            <span className="wrap">{label(r)}</span>
            <div className="commit-track">
              <div className="commit-covered" style={{ width: w(r.covered) }} />
              <div className="commit-gap" style={{ width: w(r.onDemand) }} />
            </div>
            <span className="num">
              {r.coverage.toFixed(1)} % · {money(r.onDemand, r.currency)} gap
            </span>
          </div>
        ))}
      </div>
    </div>
  );
}
