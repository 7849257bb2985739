import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { Schemas } from '../../../../src/api-client/client.js';
import { Empty, ErrorNotice, Skeleton } from '../../components/Feedback';
import { dateTime, money } from '../../format';
import { useApi } from '../../hooks';
import { RULE_TITLES } from '../../labels';

type Realized = Schemas['RealizedSavings'];
type Item = Realized['items'][number];

function Observed(props: { item: Item }): ReactNode {
  const { item } = props;
  if (item.observedMonthlySavings === null) return <span className="muted">No billed day since yet</span>;
  return (
    <span className={item.observedMonthlySavings >= 0 ? 'delta-down' : 'delta-up'}>
      {money(item.observedMonthlySavings, item.currency)}
    </span>
  );
}

/**
 * The recommendations acted on (closed because the resource changed or is gone), each with the saving the bill
 * shows since: the resource's cost in the 30 days before against its cost per day since, per month.
 */
export function SavingsRealized(): ReactNode {
  const loaded = useApi<Realized>('/api/v1/recommendations/realized');
  const r = loaded.data;
  return (
    <section className="panel stack" aria-labelledby="realized-title" data-testid="savings-realized">
      <div className="panel-head">
        <h2 id="realized-title">Savings realized</h2>
        {r ? (
          <span className="small">
            <span className="muted">Observed per month: </span>
            <strong data-testid="realized-total">{money(r.totalObservedMonthlySavings, r.currency)}</strong>
            <span className="muted"> (estimated {money(r.totalEstimatedMonthlySavings, r.currency)})</span>
          </span>
        ) : null}
      </div>
      <p className="muted small">
        Recommendations acted on, with the saving seen in the bill since: the resource’s billed cost in the 30
        days before against its cost per day since (up to 30 days), per month.
      </p>
      <ErrorNotice error={loaded.error} onRetry={loaded.reload} />
      {!r && loaded.loading ? <Skeleton height={80} /> : null}
      {r && r.items.length === 0 ? (
        <Empty title="Nothing acted on yet">
          A recommendation shows here once a sync finds the resource changed or gone.
        </Empty>
      ) : null}
      {r && r.items.length > 0 ? (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Savings realized">
          <table className="table">
            <thead>
              <tr>
                <th>Recommendation</th>
                <th>Closed</th>
                <th className="num">Cost before / month</th>
                <th className="num">Cost since / month</th>
                <th className="num">Saving observed / month</th>
                <th className="num">Estimated</th>
              </tr>
            </thead>
            <tbody>
              {r.items.map((i) => (
                <tr key={i.id} data-realized={i.id}>
                  <td className="wrap">
                    <div>{RULE_TITLES[i.rule] ?? i.title}</div>
                    <Link
                      className="small"
                      to={`/resources/detail?${new URLSearchParams({ id: i.resourceId, account: i.cloudAccountId }).toString()}`}
                    >
                      {i.resourceId}
                    </Link>
                    <div className="muted small">{i.closedReason}</div>
                  </td>
                  <td className="nowrap">{dateTime(i.closedAt)}</td>
                  <td className="num">{money(i.monthlyCostBefore, i.currency)}</td>
                  <td className="num">
                    {i.monthlyCostAfter === null ? '—' : money(i.monthlyCostAfter, i.currency)}
                    <div className="muted small">
                      {i.daysObserved} {i.daysObserved === 1 ? 'day' : 'days'} billed
                    </div>
                  </td>
                  <td className="num">
                    <Observed item={i} />
                  </td>
                  <td className="num">{money(i.estimatedMonthlySavings, i.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
