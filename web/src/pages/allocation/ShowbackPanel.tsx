import { useState, type ReactNode } from 'react';
import { download, errorMessage } from '../../api';
import { Empty, ErrorNotice, Loading } from '../../components/Feedback';
import { dateTime, money } from '../../format';
import { useApi } from '../../hooks';
import type { CostBasis } from '../../types';
import type { Showback } from './types';

const pct = (n: number | null) => (n === null ? '–' : `${n.toFixed(1)} %`);

/** Per month, each value's direct and shared cost, share and change; exported as the API's CSV. */
export function ShowbackPanel(props: { dimension: string; basis: CostBasis }): ReactNode {
  const path = `/api/v1/allocation/dimensions/${encodeURIComponent(props.dimension)}/showback`;
  const s = useApi<Showback>(path, { basis: props.basis });
  const [exportError, setExportError] = useState<string>();
  const d = s.data;
  const exportCsv = () => {
    setExportError(undefined);
    download(
      path,
      { basis: props.basis, format: 'csv' },
      `cloudtally-showback-${props.dimension}-${d?.from ?? ''}-${d?.to ?? ''}.csv`,
    ).catch((err: unknown) => setExportError(errorMessage(err)));
  };
  return (
    <section className="panel" aria-labelledby="showback-title">
      <div className="panel-head">
        <h2 id="showback-title">Showback: {props.dimension}</h2>
        <button type="button" className="btn" onClick={exportCsv} disabled={!d || d.rows.length === 0}>
          Export CSV
        </button>
      </div>
      {exportError ? <p role="alert">{exportError}</p> : null}
      <ErrorNotice error={s.error} onRetry={s.reload} />
      {!d ? (
        s.error ? null : (
          <Loading what="showback" />
        )
      ) : d.rows.length === 0 ? (
        <Empty title="No allocated cost in these months">
          {d.version === null ? 'The rules are still being applied.' : 'Check that accounts have synced.'}
        </Empty>
      ) : (
        <>
          <p className="muted small">
            {d.from} to {d.to}, {d.basis} cost in {d.currency}, rules version {d.version} as of{' '}
            {dateTime(d.asOf)}.
          </p>
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Showback table">
            <table className="table" data-testid="showback-table">
              <thead>
                <tr>
                  <th>Month</th>
                  <th>{props.dimension}</th>
                  <th className="num">Direct</th>
                  <th className="num">Shared</th>
                  <th className="num">Total</th>
                  <th className="num">Share</th>
                  <th className="num">Change</th>
                </tr>
              </thead>
              <tbody>
                {d.rows.map((r) => (
                  <tr key={`${r.month}|${r.value}`}>
                    <td>{r.month}</td>
                    <td className="wrap">{r.value}</td>
                    <td className="num">{money(r.direct, d.currency)}</td>
                    <td className="num">{money(r.shared, d.currency)}</td>
                    <td className="num">{money(r.total, d.currency)}</td>
                    <td className="num">{pct(r.share)}</td>
                    <td className="num nowrap">
                      {money(r.change, d.currency)}{' '}
                      <span className="muted small">{pct(r.changePercent)}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
