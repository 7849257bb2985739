import type { ReactNode } from 'react';
import { money } from '../../format';
import type { Commitment } from './types';

const STATE: Record<Commitment['state'], { text: string; badge: string }> = {
  active: { text: 'Active', badge: 'good' },
  expiring: { text: 'Expiring', badge: 'warn' },
  expired: { text: 'Expired', badge: 'neutral' },
};

function what(c: Commitment): string {
  if (c.kind === 'reservation')
    return `${c.type} reserved ${c.count ?? '?'} × ${c.instanceType ?? ''} ${c.region ?? ''}`.trim();
  return `${c.type}${c.hourlyCommitment === null ? '' : ` ${money(c.hourlyCommitment, c.currency)}/h`}`;
}

/** Every commitment with its terms and the month's figures. */
export function CommitmentTable(props: { items: Commitment[] }): ReactNode {
  return (
    <div className="table-wrap" tabIndex={0}>
      <table className="table" data-testid="commitment-table">
        <thead>
          <tr>
            <th scope="col">Commitment</th>
            <th scope="col">Account</th>
            <th scope="col">Term</th>
            <th scope="col">Ends</th>
            <th scope="col" className="num">
              Committed
            </th>
            <th scope="col" className="num">
              Utilization
            </th>
            <th scope="col" className="num">
              Unused
            </th>
            <th scope="col" className="num">
              Net savings
            </th>
          </tr>
        </thead>
        <tbody>
          {props.items.map((c) => (
            <tr key={c.id} data-commitment={c.id}>
              <td>
                <div>{what(c)}</div>
                <div className="muted small wrap">{c.id}</div>
              </td>
              <td>{c.awsAccountId ?? '—'}</td>
              <td>
                {c.termYears ?? '?'} yr · {c.paymentOption ?? 'payment unknown'}
              </td>
              <td>
                <div>{c.end?.slice(0, 10) ?? '—'}</div>
                <span className={`badge badge-${STATE[c.state].badge}`}>
                  {STATE[c.state].text}
                  {c.daysLeft !== null && c.daysLeft >= 0 ? ` · ${c.daysLeft} days` : ''}
                </span>
              </td>
              <td className="num">{c.month ? money(c.month.committed, c.currency) : '—'}</td>
              <td className="num">{c.month ? `${c.month.utilization.toFixed(1)} %` : '—'}</td>
              <td className="num">{c.month ? money(c.month.unused, c.currency) : '—'}</td>
              <td className="num">{c.month ? money(c.month.netSavings, c.currency) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
