import { useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { client, ok } from '../api';
import { Empty, ErrorNotice, PageHeader, Skeleton } from '../components/Feedback';
import { ConfirmDialog } from '../components/Modal';
import { dimensionLabel, today } from '../cost-view';
import { day } from '../format';
import { useApi } from '../hooks';
import { explorerHref, rangeLabel, type SavedView } from './saved-views/saved-view-query';
import './saved-views/saved-views.css';

function queryText(v: SavedView): string {
  const q = v.query;
  const by = q.groupBy.length ? `by ${q.groupBy.map(dimensionLabel).join(' and ')}` : 'total';
  const filters = [...q.filter, ...q.exclude.map((f) => `not ${f}`)];
  return [by, filters.length ? `where ${filters.join(', ')}` : '', `${q.basis.replace('_', ' ')} cost`]
    .filter(Boolean)
    .join('; ');
}

/** Every saved view the member sees: open it in the explorer, share, pin to the Overview, delete. */
export default function SavedViewsPage(): ReactNode {
  const list = useApi<{ items: SavedView[] }>('/api/v1/saved-views');
  const [error, setError] = useState<unknown>();
  const [removing, setRemoving] = useState<SavedView>();
  const t = today();

  const change = async (v: SavedView, body: { pinned?: boolean; visibility?: SavedView['visibility'] }) => {
    setError(undefined);
    try {
      await ok(client.PATCH('/api/v1/saved-views/{id}', { params: { path: { id: v.id } }, body }));
      list.reload();
    } catch (err) {
      setError(err);
    }
  };

  const items = list.data?.items;
  return (
    <div className="page">
      <PageHeader
        title="Saved views"
        subtitle="Cost explorer queries kept under a name. Save one from the cost explorer."
        actions={
          <Link className="btn" to="/costs">
            Open cost explorer
          </Link>
        }
      />
      <ErrorNotice error={list.error} onRetry={list.reload} />
      <ErrorNotice error={error} />
      {!items && list.loading ? <Skeleton height={200} /> : null}
      {items && items.length === 0 ? (
        <Empty title="No saved views yet">
          In the <Link to="/costs">cost explorer</Link>, choose the dates, grouping and filters, then{' '}
          <strong>Save view</strong>.
        </Empty>
      ) : null}
      {items && items.length > 0 ? (
        <section className="panel" aria-label="Saved views">
          <ul className="list-plain saved-view-list">
            {items.map((v) => (
              <li key={v.id} className="saved-view" data-testid="saved-view">
                <div className="saved-view-main">
                  <Link className="saved-view-name" to={explorerHref(v.query, t)}>
                    {v.name}
                  </Link>
                  <span
                    className={`badge ${v.visibility === 'organization' ? 'badge-info' : 'badge-neutral'}`}
                  >
                    {v.visibility === 'organization' ? 'Shared' : 'Private'}
                  </span>
                  {v.pinned ? <span className="badge badge-info">Pinned</span> : null}
                  {v.mine ? null : <span className="muted small">shared by a colleague</span>}
                  {v.description ? <p className="muted small">{v.description}</p> : null}
                  <p className="small">
                    {rangeLabel(v.query.range, (d) => day(d, true))} · {queryText(v)}
                  </p>
                </div>
                {v.canEdit ? (
                  <div className="row saved-view-actions">
                    <button
                      type="button"
                      className="btn btn-small"
                      aria-label={v.pinned ? `Unpin ${v.name}` : `Pin ${v.name} to the Overview`}
                      onClick={() => void change(v, { pinned: !v.pinned })}
                    >
                      {v.pinned ? 'Unpin' : 'Pin to the Overview'}
                    </button>
                    <button
                      type="button"
                      className="btn btn-small"
                      aria-label={
                        v.visibility === 'organization' ? `Make ${v.name} private` : `Share ${v.name}`
                      }
                      onClick={() =>
                        void change(v, {
                          visibility: v.visibility === 'organization' ? 'private' : 'organization',
                        })
                      }
                    >
                      {v.visibility === 'organization' ? 'Make private' : 'Share'}
                    </button>
                    <button
                      type="button"
                      className="btn btn-small btn-danger"
                      aria-label={`Delete ${v.name}`}
                      onClick={() => setRemoving(v)}
                    >
                      Delete
                    </button>
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {removing ? (
        <ConfirmDialog
          title={`Delete ${removing.name}?`}
          confirmLabel="Delete"
          danger
          onClose={() => setRemoving(undefined)}
          onConfirm={async () => {
            await ok(client.DELETE('/api/v1/saved-views/{id}', { params: { path: { id: removing.id } } }));
            list.reload();
          }}
        >
          <p>
            {removing.visibility === 'organization'
              ? 'It is shared: it disappears for everyone in the organization.'
              : 'Only you see it.'}
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
