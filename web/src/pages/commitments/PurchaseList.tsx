import type { ReactNode } from 'react';
import { money } from '../../format';
import type { Purchases } from './types';

/** What to buy, with the assumptions the figures rest on and the method in words. */
export function PurchaseList(props: { data: Purchases }): ReactNode {
  const { items, window } = props.data;
  if (items.length === 0)
    return (
      <p className="muted" data-testid="purchase-none">
        Nothing to buy: no account ran uncovered compute on demand every day
        {window ? ` from ${window.from} to ${window.to}` : ''}.
      </p>
    );
  const a = items[0].assumptions;
  return (
    <div data-testid="purchase-list">
      <p className="small">
        Assumed: {a.planType}, {a.term} {a.paymentOption}, {a.lookbackDays}-day lookback ({window?.from} to{' '}
        {window?.to}), {Math.round(a.savingsRate * 100)} % discount.
      </p>
      <ul className="list-plain">
        {items.map((p) => (
          <li key={p.awsAccountId}>
            Account {p.awsAccountId}: commit {money(p.hourlyCommitment, p.currency)}/hour, saving{' '}
            {money(p.monthlySavings, p.currency)} a month; coverage {p.coverageNow} % → {p.coverageAfter} %,
            utilization {p.utilizationAfter} %, break-even in month {p.breakEvenMonth}.
          </li>
        ))}
      </ul>
      <p className="muted small">{items[0].method}</p>
    </div>
  );
}
