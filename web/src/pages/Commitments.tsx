import type { ReactNode } from 'react';
import { Empty, ErrorNotice, Loading, PageHeader } from '../components/Feedback';
import { Kpi } from '../components/Kpi';
import { money } from '../format';
import { useApi } from '../hooks';
import { CommitmentTable } from './commitments/CommitmentTable';
import { CoverageChart } from './commitments/CoverageChart';
import { PurchaseList } from './commitments/PurchaseList';
import type { CommitmentList, Coverage, Purchases, Utilization } from './commitments/types';
import { UtilizationChart } from './commitments/UtilizationChart';
import './commitments/commitments.css';

export default function CommitmentsPage(): ReactNode {
  const list = useApi<CommitmentList>('/api/v1/commitments');
  const use = useApi<Utilization>('/api/v1/commitments/utilization');
  const cover = useApi<Coverage>('/api/v1/commitments/coverage', { groupBy: 'account,family' });
  const buy = useApi<Purchases>('/api/v1/commitments/purchases');
  const items = list.data?.items ?? [];
  const month = use.data?.totals.find((t) => t.period === list.data?.period);
  const total = cover.data?.totals[0];
  const expiring = items.filter((c) => c.state === 'expiring');
  return (
    <>
      <PageHeader
        title="Commitments"
        subtitle="Reserved instances and savings plans: how much of each is used, what they cover, what ends soon"
      />
      <ErrorNotice error={list.error ?? use.error ?? cover.error ?? buy.error} onRetry={list.reload} />
      {list.loading && !list.data ? <Loading what="commitments" /> : null}
      {list.data && items.length === 0 ? (
        <Empty title="No reserved instances or savings plans in the bills">
          They appear once an account with a CUR export has synced.
        </Empty>
      ) : null}
      {items.length > 0 ? (
        <>
          <div className="grid grid-4">
            <Kpi
              label={`Utilization, ${list.data?.period ?? ''}`}
              value={month ? `${month.utilization.toFixed(1)} %` : '—'}
              testId="kpi-utilization"
            />
            <Kpi
              label="Unused commitment"
              value={month ? money(month.unused, month.currency) : '—'}
              sub="the waste"
            />
            <Kpi
              label="Coverage"
              value={total ? `${total.coverage.toFixed(1)} %` : '—'}
              sub={total ? `${money(total.onDemand, total.currency)} on demand` : undefined}
              testId="kpi-coverage"
            />
            <Kpi
              label="Ending within 90 days"
              value={String(expiring.length)}
              sub={expiring[0] ? `first in ${expiring[0].daysLeft} days` : undefined}
              testId="kpi-expiring"
            />
          </div>
          <section className="panel" aria-labelledby="commit-list">
            <h2 id="commit-list">Commitments, figures of {list.data?.period}</h2>
            <CommitmentTable items={items} />
          </section>
          <div className="grid grid-2">
            <section className="panel" aria-labelledby="commit-use">
              <h2 id="commit-use">Utilization by month</h2>
              {use.data ? <UtilizationChart totals={use.data.totals} /> : <Loading what="utilization" />}
            </section>
            <section className="panel" aria-labelledby="commit-cover">
              <h2 id="commit-cover">Coverage by account and family, {cover.data?.to}</h2>
              {cover.data ? (
                <CoverageChart rows={cover.data.items.slice(0, 12)} />
              ) : (
                <Loading what="coverage" />
              )}
            </section>
          </div>
        </>
      ) : null}
      <section className="panel" aria-labelledby="commit-buy">
        <h2 id="commit-buy">What to buy</h2>
        {buy.data ? <PurchaseList data={buy.data} /> : <Loading what="suggestions" />}
      </section>
    </>
  );
}
