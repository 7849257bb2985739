import type { ReactNode } from 'react';
import { ErrorNotice, Loading } from '../../components/Feedback';
import { money } from '../../format';
import { useApi } from '../../hooks';
import type { Coverage, Values } from './types';

const pct = (n: number | null | undefined) => (n === null || n === undefined ? '–' : `${n.toFixed(1)} %`);

/** Per account, the share of spend carrying each of the most used tag keys, and the largest untagged resources. */
export function CoveragePanel(props: { from: string; to: string; dimension?: string }): ReactNode {
  const keys = useApi<Values>('/api/v1/costs/dimensions/tagKeys/values', {
    from: props.from,
    to: props.to,
    limit: 3,
  });
  const top = (keys.data?.values ?? []).flatMap((v) => (v.value ? [v.value] : []));
  const c = useApi<Coverage>(top.length ? '/api/v1/allocation/coverage' : null, {
    from: props.from,
    to: props.to,
    keys: top.join(','),
    allocation: props.dimension,
    limit: 10,
  });
  const d = c.data;
  return (
    <section className="panel" aria-labelledby="coverage-title">
      <div className="panel-head">
        <h2 id="coverage-title">Tag coverage</h2>
      </div>
      <ErrorNotice error={keys.error ?? c.error} onRetry={keys.error ? keys.reload : c.reload} />
      {keys.data && top.length === 0 ? (
        <p className="muted">No tagged spend in these months.</p>
      ) : !d ? (
        keys.error || c.error ? null : (
          <Loading what="coverage" />
        )
      ) : (
        <>
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Tag coverage per account">
            <table className="table" data-testid="coverage-table">
              <thead>
                <tr>
                  <th>Account</th>
                  <th className="num">Spend</th>
                  {d.keys.map((k) => (
                    <th key={k} className="num">
                      {k}
                    </th>
                  ))}
                  {d.allocation ? <th className="num">Allocated ({d.allocation.dimension})</th> : null}
                </tr>
              </thead>
              <tbody>
                {d.rows.map((r) => (
                  <tr key={r.value ?? ''}>
                    <td className="wrap">{r.value ?? '(none)'}</td>
                    <td className="num">{money(r.total, d.currency)}</td>
                    {d.keys.map((k) => (
                      <td key={k} className="num">
                        {pct(r.tags[k]?.percent)}
                      </td>
                    ))}
                    {d.allocation ? <td className="num">{pct(r.allocated?.percent)}</td> : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h3>Largest untagged resources</h3>
          {d.untaggedResources.length === 0 ? (
            <p className="muted">Every resource carries these keys.</p>
          ) : (
            <div className="table-wrap" tabIndex={0} role="region" aria-label="Largest untagged resources">
              <table className="table">
                <thead>
                  <tr>
                    <th>Resource</th>
                    <th>Service</th>
                    <th>Missing</th>
                    <th className="num">Cost</th>
                  </tr>
                </thead>
                <tbody>
                  {d.untaggedResources.map((r) => (
                    <tr key={r.resource}>
                      <td className="wrap">{r.resource}</td>
                      <td className="wrap">{r.service ?? ''}</td>
                      <td className="wrap">{r.missing.join(', ')}</td>
                      <td className="num">{money(r.cost, d.currency)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
