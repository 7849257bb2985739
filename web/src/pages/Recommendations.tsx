import { useMemo, useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Empty, ErrorNotice, Loading, PageHeader } from '../components/Feedback';
import { Kpi } from '../components/Kpi';
import { StatusBadge } from '../components/StatusBadge';
import { dateTime, money, titleCase } from '../format';
import { useApi } from '../hooks';
import { RESOURCE_TYPE_LABELS, RULE_TITLES } from '../labels';
import type { Recommendation, RecommendationList, RecommendationState } from '../types';
import { RecommendationActions } from './recommendations/RecommendationActions';
import { RuleThresholds } from './recommendations/RuleThresholds';
import { SavingsRealized } from './recommendations/SavingsRealized';

const STATES: { id: RecommendationState; label: string }[] = [
  { id: 'open', label: 'Open' },
  { id: 'snoozed', label: 'Snoozed' },
  { id: 'dismissed', label: 'Dismissed' },
  { id: 'closed', label: 'Resolved' },
];

interface RuleGroup {
  rule: string;
  title: string;
  items: Recommendation[];
  savings: number;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const ACRONYMS: Record<string, string> = { cpu: 'CPU', ip: 'IP', id: 'ID', p99: 'p99', gib: 'GiB', az: 'AZ' };

function evidenceText(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? value.toLocaleString() : value.toFixed(2);
  if (typeof value === 'string') return ISO_TIME.test(value) ? dateTime(value) : value;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return JSON.stringify(value);
}

/** `avgCpuPercent` → `Avg CPU percent`, `sizeGiB` → `Size GiB`. */
function evidenceLabel(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z][a-z])/g, '$1 $2')
    .replace(/([a-z])([A-Z]{2,})/g, '$1 $2')
    .split(/[\s_]+/)
    .map((w) => ACRONYMS[w.toLowerCase()] ?? w.toLowerCase());
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function Evidence(props: { evidence: Record<string, unknown> }): ReactNode {
  const entries = Object.entries(props.evidence).filter(
    ([, v]) => v !== null && v !== undefined && typeof v !== 'object',
  );
  if (!entries.length) return null;
  return (
    <dl className="evidence" aria-label="Evidence">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt className="sr-only">{k}</dt>
          <dd>
            {evidenceLabel(k)}: <strong>{evidenceText(v)}</strong>
          </dd>
        </div>
      ))}
    </dl>
  );
}

function RecommendationRow(props: { rec: Recommendation; onChanged: () => void }): ReactNode {
  const { rec } = props;
  return (
    <tr data-recommendation={rec.id}>
      <td>
        <div className="wrap">
          <strong>{rec.title}</strong>
        </div>
        <div className="muted small wrap">
          {rec.resourceType ? `${RESOURCE_TYPE_LABELS[rec.resourceType] ?? rec.resourceType} ` : ''}
          {rec.resourceId}
        </div>
        <div className="muted small">
          {rec.awsAccountId}
          {rec.region ? ` · ${rec.region}` : ''}
        </div>
      </td>
      <td>
        <div>{rec.reason}</div>
        <Evidence evidence={rec.evidence} />
      </td>
      <td>
        <div>{rec.action}</div>
        {rec.state !== 'open' ? (
          <div className="muted small">
            <StatusBadge state={rec.state} />
            {(rec.stateReason ?? rec.closedReason) ? ` ${rec.stateReason ?? rec.closedReason}` : ''}
            {rec.snoozedUntil ? ` until ${dateTime(rec.snoozedUntil)}` : ''}
          </div>
        ) : null}
      </td>
      <td className="num">
        <span className="savings">{money(rec.monthlySavings, rec.currency)}</span>
        <div
          className="muted small"
          title={
            rec.savingsBasis === 'bill'
              ? 'From what the resource cost in the bill over the last 30 days'
              : 'Estimated from list prices'
          }
        >
          per month{rec.savingsBasis === 'estimate' ? ' (estimate)' : ''}
        </div>
      </td>
      <td className="actions">
        <RecommendationActions rec={rec} onChanged={props.onChanged} />
      </td>
    </tr>
  );
}

export default function RecommendationsPage(): ReactNode {
  const [params, setParams] = useSearchParams();
  const state = (STATES.find((s) => s.id === params.get('state'))?.id ?? 'open') as RecommendationState;
  const [search, setSearch] = useState('');
  const recs = useApi<RecommendationList>('/api/v1/recommendations', { state, limit: 1000 });
  const items = useMemo(() => {
    const q = search.trim().toLowerCase();
    const all = recs.data?.items ?? [];
    if (!q) return all;
    return all.filter((r) =>
      [r.resourceId, r.resourceName, r.awsAccountId, r.region, r.title, r.rule]
        .filter(Boolean)
        .some((v) => String(v).toLowerCase().includes(q)),
    );
  }, [recs.data, search]);
  const groups = useMemo(() => {
    const by = new Map<string, RuleGroup>();
    for (const r of items) {
      let g = by.get(r.rule);
      if (!g) {
        g = { rule: r.rule, title: RULE_TITLES[r.rule] ?? titleCase(r.rule), items: [], savings: 0 };
        by.set(r.rule, g);
      }
      g.items.push(r);
      g.savings += r.monthlySavings;
    }
    for (const g of by.values()) g.items.sort((a, b) => b.monthlySavings - a.monthlySavings);
    return [...by.values()].sort((a, b) => b.savings - a.savings);
  }, [items]);
  const total = groups.reduce((s, g) => s + g.savings, 0);
  const currency = items[0]?.currency ?? 'USD';

  return (
    <div className="page">
      <PageHeader
        title="Recommendations"
        subtitle="Savings are monthly, computed from what each resource cost in the bill."
      />
      <div className="grid grid-3">
        <Kpi
          label={state === 'open' ? 'Open savings per month' : `${titleCase(state)} savings per month`}
          testId="recommendations-total"
          value={<span className="savings">{money(total, currency)}</span>}
        />
        <Kpi label="Recommendations" value={items.length} />
        <Kpi label="Rules with findings" value={groups.length} />
      </div>
      <div className="toolbar">
        <div className="segmented" role="group" aria-label="State">
          {STATES.map((s) => (
            <button
              key={s.id}
              type="button"
              aria-pressed={state === s.id}
              onClick={() => setParams(s.id === 'open' ? {} : { state: s.id }, { replace: true })}
            >
              {s.label}
            </button>
          ))}
        </div>
        <label className="field">
          <span className="sr-only">Search</span>
          <input
            type="search"
            placeholder="Search resource, account, region…"
            value={search}
            size={32}
            onChange={(e) => setSearch(e.target.value)}
          />
        </label>
      </div>
      <ErrorNotice error={recs.error} onRetry={recs.reload} />
      {recs.loading && !recs.data ? <Loading what="recommendations" /> : null}
      {recs.data && groups.length === 0 ? (
        <Empty title={state === 'open' ? 'Nothing to do' : `No ${state} recommendations`}>
          {state === 'open'
            ? 'No open recommendations. They are computed after each sync from the inventory, utilization and bill.'
            : null}
        </Empty>
      ) : null}
      {groups.map((g, i) => (
        <details key={g.rule} className="panel rec-group" open={i < 3} data-rule={g.rule}>
          <summary>
            <span className="rec-group-title">
              <h2>{g.title}</h2>
              <span className="muted small">
                {g.items.length} resource{g.items.length === 1 ? '' : 's'}
              </span>
            </span>
            <span className="savings" data-testid={`rule-savings-${g.rule}`}>
              {money(g.savings, currency)}
              <span className="muted small"> / month</span>
            </span>
          </summary>
          <div className="table-wrap" tabIndex={0}>
            <table className="table rec-table">
              <colgroup>
                <col style={{ width: '24%' }} />
                <col style={{ width: '36%' }} />
                <col style={{ width: '22%' }} />
                <col style={{ width: '9%' }} />
                <col style={{ width: '9%' }} />
              </colgroup>
              <thead>
                <tr>
                  <th>Resource</th>
                  <th>Evidence</th>
                  <th>Action</th>
                  <th className="num">Saving</th>
                  <th>
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {g.items.map((r) => (
                  <RecommendationRow key={r.id} rec={r} onChanged={recs.reload} />
                ))}
              </tbody>
            </table>
          </div>
        </details>
      ))}
      <SavingsRealized />
      <RuleThresholds />
    </div>
  );
}
