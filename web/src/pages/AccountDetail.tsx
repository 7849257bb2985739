import type { ReactNode } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { AccountStatusCell, Freshness, When } from '../components/AccountStatus';
import { ErrorNotice, Loading, PageHeader } from '../components/Feedback';
import { TabPanel, Tabs } from '../components/Tabs';
import { useApi } from '../hooks';
import { TYPE_LABELS } from '../labels';
import type { CloudAccount } from '../types';
import { AccountSettings } from './account/AccountSettings';
import { Diagnostics } from './account/Diagnostics';
import { Members } from './account/Members';
import { SyncHistory } from './account/SyncHistory';
import { SyncButton } from './accounts/SyncButton';

const TABS = [
  { id: 'status', label: 'Status & diagnostics' },
  { id: 'history', label: 'Sync history' },
  { id: 'settings', label: 'Settings' },
];

function Summary(props: { account: CloudAccount }): ReactNode {
  const a = props.account;
  return (
    <section className="panel">
      <div className="grid grid-4 summary-grid">
        <div>
          <div className="kpi-label">Status</div>
          <AccountStatusCell status={a.status} />
        </div>
        <div>
          <div className="kpi-label">Last successful sync</div>
          <When iso={a.status.lastSyncAt} empty="never" />
        </div>
        <div>
          <div className="kpi-label">Next sync</div>
          {a.enabled ? <When iso={a.status.nextSyncAt} /> : <span className="muted">disabled</span>}
        </div>
        <div>
          <div className="kpi-label">Billing data</div>
          <Freshness day={a.status.dataFreshness} />
        </div>
      </div>
      <dl className="dl">
        <dt>Connection</dt>
        <dd>{TYPE_LABELS[a.type] ?? a.type}</dd>
        {a.awsAccountId ? (
          <>
            <dt>AWS account</dt>
            <dd>{a.awsAccountId}</dd>
          </>
        ) : null}
        {a.roleArn || a.roleName ? (
          <>
            <dt>Role</dt>
            <dd>
              <code>{a.roleArn ?? a.roleName}</code>
            </dd>
          </>
        ) : null}
        {a.accessKeyId ? (
          <>
            <dt>Access key</dt>
            <dd>
              <code>{a.accessKeyId}</code>
            </dd>
          </>
        ) : null}
        {a.exportName ? (
          <>
            <dt>Billing export</dt>
            <dd>
              {a.exportType === 'legacy' ? 'Legacy CUR' : 'CUR 2.0'} <code>{a.exportName}</code> in{' '}
              <code>
                s3://{a.bucket}/{a.prefix ? `${a.prefix}/` : ''}
              </code>{' '}
              ({a.exportRegion})
            </dd>
          </>
        ) : null}
        {a.payerAccountId ? (
          <>
            <dt>Payer</dt>
            <dd>
              {a.parentId ? <Link to={`/accounts/${a.parentId}`}>{a.payerAccountId}</Link> : a.payerAccountId}
            </dd>
          </>
        ) : null}
        {a.type === 'root' || a.type === 'assumed_role' ? (
          <>
            <dt>Member accounts</dt>
            <dd>{a.memberImport === 'all' ? 'All imported' : 'Only connected ones imported'}</dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}

export default function AccountDetailPage(): ReactNode {
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const tab = TABS.some((t) => t.id === params.get('tab')) ? (params.get('tab') as string) : 'status';
  const account = useApi<CloudAccount>(`/api/v1/cloud-accounts/${id}`, undefined, { pollMs: 4000 });
  const a = account.data;
  return (
    <div className="page">
      <div className="breadcrumb">
        <Link to="/accounts">Accounts</Link> › {a?.name ?? id}
      </div>
      <PageHeader
        title={a?.name ?? 'Account'}
        subtitle={
          a ? `${TYPE_LABELS[a.type] ?? a.type}${a.awsAccountId ? ` · ${a.awsAccountId}` : ''}` : undefined
        }
        actions={a ? <SyncButton account={a} onStarted={account.reload} /> : null}
      />
      <ErrorNotice error={account.error} onRetry={account.reload} />
      {!a && account.loading ? <Loading what="the account" /> : null}
      {a ? (
        <>
          <Summary account={a} />
          <Tabs
            tabs={TABS}
            active={tab}
            label="Account"
            onChange={(t) => setParams({ tab: t }, { replace: true })}
          />
          <TabPanel id={tab}>
            {tab === 'status' ? (
              <div className="stack">
                <Diagnostics key={a.validation?.checkedAt ?? 'none'} account={a} onChanged={account.reload} />
                <Members payer={a} />
              </div>
            ) : null}
            {tab === 'history' ? (
              <SyncHistory accountId={a.id} syncing={a.status.state === 'syncing'} />
            ) : null}
            {tab === 'settings' ? <AccountSettings account={a} onChanged={account.reload} /> : null}
          </TabPanel>
        </>
      ) : null}
    </div>
  );
}
