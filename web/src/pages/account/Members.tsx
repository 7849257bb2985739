import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { IfAllowed } from '../../components/Allowed';
import { StatusBadge } from '../../components/StatusBadge';
import { dateTime } from '../../format';
import type { CloudAccount } from '../../types';
import { connectMemberPath } from '../accounts/MemberRows';
import { memberCostsText, notImportedText } from '../accounts/member-costs';

/** A payer's member accounts as AWS Organizations lists them, connected or not, and what is not imported. */
export function Members(props: { payer: CloudAccount }): ReactNode {
  const { payer } = props;
  const members = payer.members ?? [];
  if (!members.length && !payer.notImported) return null;
  const ni = payer.notImported;
  return (
    <section className="panel" aria-labelledby="members-title">
      <div className="panel-head">
        <h2 id="members-title">Member accounts</h2>
        <span className="muted small">
          {payer.memberImport === 'all'
            ? 'The costs of every member account are imported.'
            : 'Only connected member accounts are imported.'}
        </span>
      </div>
      {ni && ni.accounts > 0 ? (
        <p className="muted" data-not-imported={ni.accounts}>
          {notImportedText(ni)}
        </p>
      ) : null}
      <table className="table">
        <thead>
          <tr>
            <th>Account</th>
            <th>In Cloudtally</th>
            <th>Costs</th>
            <th>AWS status</th>
            <th>Joined</th>
            <th>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.awsAccountId}>
              <td>
                <div>{m.name ?? m.awsAccountId}</div>
                <div className="muted small">
                  {m.awsAccountId}
                  {m.email ? ` · ${m.email}` : ''}
                </div>
              </td>
              <td>
                {m.connected && m.cloudAccountId ? (
                  <Link to={`/accounts/${m.cloudAccountId}`}>Connected</Link>
                ) : (
                  <StatusBadge state="discovered" />
                )}
              </td>
              <td className="muted small">{memberCostsText(payer, m)}</td>
              <td className="muted">{m.awsStatus ?? '—'}</td>
              <td className="muted">{m.joinedAt ? dateTime(m.joinedAt) : '—'}</td>
              <td className="actions">
                {!m.connected ? (
                  <IfAllowed action="accounts:write">
                    <Link className="btn btn-small" to={connectMemberPath(payer, m.awsAccountId, m.name)}>
                      Connect
                    </Link>
                  </IfAllowed>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
