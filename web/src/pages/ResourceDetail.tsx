import { useMemo, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { addDays } from '../../../src/lib/dates';
import { stackSeries } from '../components/chart-data';
import { Empty, ErrorNotice, Loading, Notice, PageHeader } from '../components/Feedback';
import { Kpi } from '../components/Kpi';
import { LazyCostChart } from '../components/LazyCostChart';
import { day, money, relative } from '../format';
import { useApi } from '../hooks';
import { RESOURCE_TYPE_LABELS } from '../labels';
import type { ResourceDetail } from '../types';
import { BillLines, ResourceRecommendations, UsageMetrics } from './resource/ResourceParts';
import { zeroReasonText } from './resource/zero-reason';

/**
 * The daily cost over the history window, every day present (a day without a line is zero): billed, or amortized
 * when a commitment paid for it all (its billed days are all zero).
 */
function historySeries(d: NonNullable<ResourceDetail['bill']>, amortized: boolean) {
  const periods: string[] = [];
  for (let p = d.historyFrom; p < d.to; p = addDays(p, 1)) periods.push(p);
  const group = amortized ? 'Amortized cost' : 'Billed cost';
  const points = d.history.map((h) => ({
    period: h.date,
    group,
    amount: amortized ? h.effective : h.billed,
  }));
  return stackSeries(points, periods, 1);
}

function Facts(props: { detail: ResourceDetail; account: string }): ReactNode {
  const r = props.detail.resource;
  const details = Object.entries(r.details).filter(
    ([, v]) => v !== null && v !== undefined && typeof v !== 'object',
  );
  const tags = Object.entries(r.tags).sort(([a], [b]) => a.localeCompare(b));
  return (
    <div className="grid grid-2">
      <section className="panel" aria-labelledby="facts-title">
        <h2 id="facts-title">Details</h2>
        <dl className="dl">
          <dt>ID</dt>
          <dd>{r.id}</dd>
          {r.arn && r.arn !== r.id ? (
            <>
              <dt>ARN</dt>
              <dd>{r.arn}</dd>
            </>
          ) : null}
          <dt>Account</dt>
          <dd>{props.account}</dd>
          <dt>Region</dt>
          <dd>{r.region}</dd>
          <dt>First seen</dt>
          <dd>{relative(r.firstSeenAt)}</dd>
          <dt>Last seen</dt>
          <dd>{r.goneAt ? `deleted (not found since ${relative(r.goneAt)})` : relative(r.lastSeenAt)}</dd>
          {details.map(([k, v]) => (
            <FactRow key={k} name={k} value={v} />
          ))}
        </dl>
      </section>
      <section className="panel" aria-labelledby="tags-title">
        <h2 id="tags-title">Tags</h2>
        {tags.length ? (
          <dl className="dl" data-testid="resource-tags">
            {tags.map(([k, v]) => (
              <FactRow key={k} name={k} value={v || '(empty)'} raw />
            ))}
          </dl>
        ) : (
          <Empty title="No tags">Untagged resources are not allocated by tag rules.</Empty>
        )}
      </section>
    </div>
  );
}

function FactRow(props: { name: string; value: unknown; raw?: boolean }): ReactNode {
  const label = props.raw
    ? props.name
    : props.name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
  return (
    <>
      <dt className="wrap">{label}</dt>
      <dd>{String(props.value)}</dd>
    </>
  );
}

/** One resource: what it cost day by day, why it cost nothing, how busy it is, its tags and recommendations. */
export default function ResourceDetailPage(): ReactNode {
  const [params] = useSearchParams();
  const id = params.get('id') ?? '';
  const account = params.get('account') ?? undefined;
  const res = useApi<ResourceDetail>(id ? '/api/v1/resources/detail' : null, {
    resourceId: id,
    cloudAccountId: account,
  });
  const accounts = useApi<{ items: { awsAccountId?: string | null; name: string }[] }>(
    '/api/v1/cloud-accounts',
  );
  const amortized = res.data?.zeroReason === 'covered_by_commitment';
  const chart = useMemo(
    () => (res.data?.bill ? historySeries(res.data.bill, amortized) : undefined),
    [res.data, amortized],
  );
  const back = (
    <Link className="btn" to="/resources">
      All resources
    </Link>
  );
  if (!id || (res.error && !res.data)) {
    return (
      <div className="page">
        <PageHeader title="Resource" actions={back} />
        {id ? (
          <ErrorNotice error={res.error} onRetry={res.reload} />
        ) : (
          <Empty title="No resource named">Open a resource from the Resources page.</Empty>
        )}
      </div>
    );
  }
  const d = res.data;
  if (!d) return <Loading what="the resource" />;
  const r = d.resource;
  const b = d.bill;
  const currency = b?.currency ?? 'USD';
  const accountName = accounts.data?.items.find((a) => a.awsAccountId === r.awsAccountId)?.name;
  const accountText = accountName ? `${accountName} (${r.awsAccountId})` : r.awsAccountId;
  const why = zeroReasonText(d);
  const typeLabel = RESOURCE_TYPE_LABELS[r.type] ?? r.type;
  const title = r.name ?? r.id;
  return (
    <div className="page">
      <PageHeader
        title={title}
        documentTitle={`${typeLabel} ${title}`}
        subtitle={
          <>
            {typeLabel} · {accountText} · {r.region}
            {r.goneAt ? (
              <span className="tag">deleted</span>
            ) : r.state ? (
              <>
                {' '}
                <span className="tag">{r.state}</span>
              </>
            ) : null}
          </>
        }
        actions={back}
      />
      <div className="grid grid-3">
        <Kpi
          label="Billed, last 30 days of the bill"
          value={b ? money(b.billed, currency) : '—'}
          testId="resource-billed"
          sub={b ? `${day(b.from, true)} – ${day(addDays(b.to, -1), true)} (UTC)` : 'no bill loaded'}
        />
        <Kpi
          label="Amortized, same days"
          value={b ? money(b.effective, currency) : '—'}
          testId="resource-amortized"
          sub="commitments spread over the usage they cover"
        />
        <Kpi
          label="Bill complete through"
          value={b ? day(b.newestDay, true) : '—'}
          sub="AWS bills usage a day or two late"
        />
      </div>
      {why ? (
        <div data-testid="zero-reason" data-reason={d.zeroReason ?? ''}>
          <Notice>
            <strong>
              Why {money(0, currency)}: {why.title}.
            </strong>{' '}
            {why.body}
          </Notice>
        </div>
      ) : null}
      {b && chart ? (
        <section className="panel" aria-labelledby="history-title">
          <div className="panel-head">
            <h2 id="history-title">{amortized ? 'Daily amortized cost' : 'Daily billed cost'}</h2>
            <span className="muted">
              {day(b.historyFrom, true)} – {day(addDays(b.to, -1), true)}, UTC billing days
            </span>
          </div>
          {b.history.length ? (
            <LazyCostChart
              data={chart}
              currency={currency}
              granularity="day"
              height={240}
              label={`Daily ${amortized ? 'amortized' : 'billed'} cost of ${title} from ${day(b.historyFrom, true)} to ${day(addDays(b.to, -1), true)}`}
            />
          ) : (
            <Empty title="No cost in these days">
              No line of the bill names this resource in these days.
            </Empty>
          )}
        </section>
      ) : null}
      <BillLines detail={d} />
      <UsageMetrics resourceId={r.id} />
      <Facts detail={d} account={accountText} />
      <ResourceRecommendations resourceId={r.id} />
    </div>
  );
}
