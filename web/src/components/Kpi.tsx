import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';

export function Kpi(props: {
  label: string;
  value: ReactNode;
  sub?: ReactNode;
  testId?: string;
  title?: string;
}): ReactNode {
  return (
    <div className="kpi" title={props.title}>
      <div className="kpi-label">{props.label}</div>
      <div className="kpi-value" data-testid={props.testId}>
        {props.value}
      </div>
      {props.sub ? <div className="kpi-sub">{props.sub}</div> : null}
    </div>
  );
}

/** A ranked list with a proportional bar under each name (top services, top accounts). */
export function RankList(props: {
  items: { label: string; value: number; text: string; href?: string }[];
}): ReactNode {
  const max = Math.max(...props.items.map((i) => Math.abs(i.value)), 1e-9);
  return (
    <ol className="list-plain rank-list">
      {props.items.map((i) => (
        <li key={i.label}>
          <div>
            <div className="wrap">{i.href ? <Link to={i.href}>{i.label}</Link> : i.label}</div>
            <div className="rank-bar" aria-hidden="true">
              <div style={{ width: `${(Math.abs(i.value) / max) * 100}%` }} />
            </div>
          </div>
          <div className="num">{i.text}</div>
        </li>
      ))}
    </ol>
  );
}
