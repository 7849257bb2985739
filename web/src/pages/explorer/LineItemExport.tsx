import { useState, type ReactNode } from 'react';
import { download } from '../../api';
import { ErrorNotice } from '../../components/Feedback';
import { day } from '../../format';
import { viewToQuery, type CostView } from '../../cost-view';

/**
 * The bill's line items behind the view (its range and filters, not its grouping) in FOCUS column names, as CSV or
 * Parquet: GET /api/v1/costs/line-items/export, the file `cloudtally export line-items` writes.
 */
export function LineItemExport(props: { view: CostView }): ReactNode {
  const v = props.view;
  const [busy, setBusy] = useState<'csv' | 'parquet' | null>(null);
  const [error, setError] = useState<unknown>();
  const run = async (format: 'csv' | 'parquet') => {
    setBusy(format);
    setError(undefined);
    try {
      const { from, to, filter, exclude } = viewToQuery(v);
      await download(
        '/api/v1/costs/line-items/export',
        { from, to, filter, exclude, format },
        `cloudtally-line-items-${v.from}-to-${v.to}.${format}`,
      );
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  const filters = v.filters.length;
  return (
    <section className="panel" aria-labelledby="line-items-title">
      <div className="panel-head">
        <div>
          <h2 id="line-items-title">Line items (FOCUS)</h2>
          <div className="muted small">
            Every line of the bill from {day(v.from, true)} to {day(v.to, true)}
            {filters ? `, with the ${filters} filter${filters === 1 ? '' : 's'} above` : ''}, in FOCUS column
            names.
          </div>
        </div>
        <div className="row" style={{ gap: 8 }}>
          <button type="button" className="btn" disabled={busy !== null} onClick={() => void run('csv')}>
            {busy === 'csv' ? 'Preparing…' : 'Download CSV'}
          </button>
          <button type="button" className="btn" disabled={busy !== null} onClick={() => void run('parquet')}>
            {busy === 'parquet' ? 'Preparing…' : 'Download Parquet'}
          </button>
        </div>
      </div>
      <ErrorNotice error={error} />
    </section>
  );
}
