import { Fragment, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Freshness, AccountStatusCell, When } from '../components/AccountStatus';
import { Empty, ErrorNotice, Loading, Notice, PageHeader } from '../components/Feedback';
import { useApi } from '../hooks';
import { useSession } from '../session';
import { TYPE_LABELS } from '../labels';
import type { CloudAccount, Page } from '../types';
import { MemberRows } from './accounts/MemberRows';
import { SyncButton } from './accounts/SyncButton';

const COLUMNS = 6;

/** The providers in the order their groups are shown; a provider the page does not know follows by its id. */
const PROVIDERS: { id: string; title: string }[] = [
  { id: 'aws', title: 'Amazon Web Services' },
  { id: 'azure', title: 'Microsoft Azure' },
  { id: 'focus', title: 'FOCUS exports' },
];

function subtitleOf(a: CloudAccount): string {
  if (a.provider === 'focus')
    return `FOCUS export · s3://${a.bucket ?? ''}/${a.prefix ?? ''}${a.billingAccountId ? ` · ${a.billingAccountId}` : ''}`;
  return `${TYPE_LABELS[a.type] ?? a.type}${a.awsAccountId ? ` · ${a.awsAccountId}` : ''}`;
}

function AccountRow(props: { account: CloudAccount; child?: boolean; onChanged: () => void }): ReactNode {
  const a = props.account;
  return (
    <tr className={props.child ? 'sub-row' : undefined} data-account={a.id}>
      <td>
        <Link className="account-name" to={`/accounts/${a.id}`}>
          {a.name}
        </Link>
        <div className="muted small">{subtitleOf(a)}</div>
      </td>
      <td>
        <AccountStatusCell status={a.status} />
      </td>
      <td>
        <When iso={a.status.lastSyncAt} empty="never" />
      </td>
      <td>{a.enabled ? <When iso={a.status.nextSyncAt} /> : <span className="muted">—</span>}</td>
      <td className="small nowrap">
        <Freshness day={a.status.dataFreshness} />
      </td>
      <td className="actions">
        <SyncButton account={a} onStarted={props.onChanged} />
      </td>
    </tr>
  );
}

export default function AccountsPage(): ReactNode {
  const session = useSession();
  const navigate = useNavigate();
  const list = useApi<Page<CloudAccount>>('/api/v1/cloud-accounts', undefined, { pollMs: 4000 });
  const accounts = list.data?.items ?? [];
  const ids = new Set(accounts.map((a) => a.id));
  const top = accounts.filter((a) => !a.parentId || !ids.has(a.parentId));
  const childrenOf = (id: string) => accounts.filter((a) => a.parentId === id);
  const known = [
    ...PROVIDERS,
    ...[...new Set(top.map((a) => a.provider as string))]
      .filter((p) => !PROVIDERS.some((k) => k.id === p))
      .map((id) => ({ id, title: id })),
  ];
  const groups = known
    .map((p) => ({ ...p, accounts: top.filter((a) => a.provider === p.id) }))
    .filter((g) => g.accounts.length > 0);
  return (
    <div className="page">
      <PageHeader
        title="Accounts"
        subtitle="Cloud accounts, their sync status and how fresh their billing data is."
        actions={
          session.can('accounts:write') ? (
            <>
              <Link className="btn" to="/accounts/connect/azure">
                Connect Azure
              </Link>
              <Link className="btn" to="/accounts/connect/focus">
                Connect a FOCUS export
              </Link>
              <Link className="btn btn-primary" to="/accounts/connect/aws">
                Connect cloud account
              </Link>
            </>
          ) : null
        }
      />
      {!session.can('accounts:write') ? <Notice>{session.reason('accounts:write')}</Notice> : null}
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.loading && !list.data ? <Loading what="accounts" /> : null}
      {list.data && accounts.length === 0 ? (
        <Empty title="No cloud accounts yet">
          {session.can('accounts:write') ? (
            <div className="row">
              <Link className="btn btn-primary" to="/accounts/connect/aws">
                Connect an AWS account
              </Link>
              <Link className="btn" to="/accounts/connect/azure">
                Connect Azure
              </Link>
              <Link className="btn" to="/accounts/connect/focus">
                Connect a FOCUS export
              </Link>
            </div>
          ) : (
            'Ask an Organization Manager to connect your cloud accounts.'
          )}
        </Empty>
      ) : null}
      {groups.map((g) => (
        <section className="panel" key={g.id} aria-labelledby={`provider-${g.id}`} data-provider={g.id}>
          <h2 id={`provider-${g.id}`}>
            {g.title} <span className="muted small">({g.accounts.length})</span>
          </h2>
          <div className="table-wrap" tabIndex={0} role="region" aria-label={`${g.title} accounts`}>
            <table className="table">
              <thead>
                <tr>
                  <th>Account</th>
                  <th>Status</th>
                  <th>Last successful sync</th>
                  <th>Next sync</th>
                  <th>Billing data</th>
                  <th>
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {g.accounts.map((a) => (
                  <Fragment key={a.id}>
                    <AccountRow account={a} onChanged={list.reload} />
                    {childrenOf(a.id).map((c) => (
                      <AccountRow key={c.id} account={c} child onChanged={list.reload} />
                    ))}
                    {a.members || a.notImported ? (
                      <MemberRows payer={a} columns={COLUMNS} navigate={(to) => void navigate(to)} />
                    ) : null}
                  </Fragment>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </div>
  );
}
