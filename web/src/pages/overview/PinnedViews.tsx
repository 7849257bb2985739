import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { Empty, ErrorNotice, Skeleton } from '../../components/Feedback';
import { RankList } from '../../components/Kpi';
import { today } from '../../cost-view';
import { day, money } from '../../format';
import { useApi } from '../../hooks';
import { explorerHref, rangeLabel, type SavedView, type SavedViewRun } from '../saved-views/saved-view-query';

/** One pinned view: its total over the dates its range stands for today, and its largest groups. */
function PinnedView(props: { view: SavedView }): ReactNode {
  const v = props.view;
  const run = useApi<SavedViewRun>(`/api/v1/saved-views/${encodeURIComponent(v.id)}/run`, { limit: 5 });
  const a = run.data?.answer;
  const titleId = `pinned-${v.id}`;
  return (
    <section className="panel" aria-labelledby={titleId} data-testid="pinned-view">
      <div className="panel-head">
        <h2 id={titleId}>{v.name}</h2>
        <Link to={explorerHref(v.query, today())} aria-label={`Open ${v.name} in the cost explorer`}>
          Open
        </Link>
      </div>
      <p className="muted small">{rangeLabel(v.query.range, (d) => day(d, true))}</p>
      <ErrorNotice error={run.error} onRetry={run.reload} />
      {!a && run.loading ? <Skeleton /> : null}
      {a ? (
        <>
          <div className="kpi-value" data-testid="pinned-view-total">
            {money(a.total, a.currency)}
          </div>
          {a.groups.length ? (
            <RankList
              items={a.groups.map((g) => ({
                label: g.label,
                value: g.total,
                text: money(g.total, a.currency),
              }))}
            />
          ) : a.total === 0 ? (
            <Empty title="No cost in this range" />
          ) : null}
        </>
      ) : null}
    </section>
  );
}

/** The saved views pinned to the Overview; nothing at all when none is. */
export function PinnedViews(): ReactNode {
  const pinned = useApi<{ items: SavedView[] }>('/api/v1/saved-views', { pinned: 'true' });
  const items = pinned.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <div className="grid grid-3" aria-label="Pinned views" role="region">
      {items.map((v) => (
        <PinnedView key={v.id} view={v} />
      ))}
    </div>
  );
}
