import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { IfAllowed } from '../../components/Allowed';
import { StatusBadge } from '../../components/StatusBadge';
import type { CloudAccount } from '../../types';
import { memberCostsText, notImportedText } from './member-costs';

export function connectMemberPath(payer: CloudAccount, awsAccountId: string, name: string | null): string {
  const p = new URLSearchParams({
    type: 'linked',
    awsAccountId,
    payerAccountId: payer.awsAccountId ?? payer.id,
  });
  if (name) p.set('name', name);
  return `/accounts/connect/aws?${p.toString()}`;
}

/**
 * Under a payer: the member accounts AWS Organizations lists that are not connected ("discovered, not
 * connected", with a Connect action), and what the payer's bill holds for accounts that are not imported.
 */
export function MemberRows(props: {
  payer: CloudAccount;
  columns: number;
  navigate: (to: string) => void;
}): ReactNode {
  const { payer } = props;
  const discovered = (payer.members ?? []).filter((m) => !m.connected);
  const ni = payer.notImported;
  return (
    <>
      {discovered.map((m) => (
        <tr key={m.awsAccountId} className="sub-row" data-discovered={m.awsAccountId}>
          <td>
            <div>{m.name ?? m.awsAccountId}</div>
            <div className="muted small">
              {m.awsAccountId}
              {m.email ? ` · ${m.email}` : ''}
            </div>
          </td>
          <td>
            <StatusBadge state="discovered" />
            {m.awsStatus && m.awsStatus !== 'ACTIVE' ? (
              <div className="muted small">AWS: {m.awsStatus}</div>
            ) : null}
          </td>
          <td colSpan={props.columns - 3} className="muted small">
            Listed by AWS Organizations under {payer.name}. {memberCostsText(payer, m)}
          </td>
          <td className="actions">
            <IfAllowed action="accounts:write">
              <button
                type="button"
                className="btn btn-small"
                onClick={() => props.navigate(connectMemberPath(payer, m.awsAccountId, m.name))}
                aria-label={`Connect ${m.name ?? m.awsAccountId}`}
              >
                Connect
              </button>
            </IfAllowed>
          </td>
        </tr>
      ))}
      {ni && ni.accounts > 0 ? (
        <tr className="sub-row">
          <td colSpan={props.columns}>
            <span className="muted" data-not-imported={ni.accounts}>
              {notImportedText(ni)}{' '}
              {payer.memberImport === 'connected-only' ? (
                <>
                  Connect them, or set the payer to import all member accounts in its{' '}
                  <Link to={`/accounts/${payer.id}?tab=settings`}>settings</Link>.
                </>
              ) : null}
            </span>
          </td>
        </tr>
      ) : null}
    </>
  );
}
