import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { ErrorNotice, Loading } from '../../components/Feedback';
import { money } from '../../format';
import { useApi } from '../../hooks';
import type { Values } from './types';

function CategoryValues(props: { name: string; from: string; to: string }): ReactNode {
  const dim = `costCategory:${props.name}`;
  const v = useApi<Values>(`/api/v1/costs/dimensions/${encodeURIComponent(dim)}/values`, {
    from: props.from,
    to: props.to,
    limit: 20,
  });
  const explore = new URLSearchParams({ from: props.from, to: props.to, groupBy: dim });
  return (
    <li>
      <Link to={`/costs?${explore.toString()}`}>{props.name}</Link>
      {v.data ? (
        <span className="muted small">
          {' '}
          — {v.data.values.map((x) => `${x.label} ${money(x.cost, v.data?.currency)}`).join(' · ')}
        </span>
      ) : null}
    </li>
  );
}

/** The AWS cost categories in the bill (CUR, Cost Explorer or FOCUS), their values with spend, and the explorer. */
export function CategoriesPanel(props: { from: string; to: string }): ReactNode {
  const names = useApi<Values>('/api/v1/costs/dimensions/costCategories/values', {
    from: props.from,
    to: props.to,
  });
  const list = (names.data?.values ?? []).flatMap((v) => (v.value === null ? [] : [v.value]));
  return (
    <section className="panel" aria-labelledby="categories-title">
      <div className="panel-head">
        <h2 id="categories-title">AWS cost categories</h2>
      </div>
      <ErrorNotice error={names.error} onRetry={names.reload} />
      {!names.data ? (
        names.error ? null : (
          <Loading what="cost categories" />
        )
      ) : list.length === 0 ? (
        <p className="muted">
          No cost categories in the bill for these months. AWS writes them into CUR exports and Cost Explorer
          once they are defined in the Billing console; rules can also match them (field costCategory).
        </p>
      ) : (
        <ul data-testid="cost-categories">
          {list.map((n) => (
            <CategoryValues key={n} name={n} from={props.from} to={props.to} />
          ))}
        </ul>
      )}
    </section>
  );
}
