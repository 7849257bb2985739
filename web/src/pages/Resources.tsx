import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Empty, ErrorNotice, Loading, PageHeader } from '../components/Feedback';
import { Sparkline } from '../components/Sparkline';
import { StatusBadge } from '../components/StatusBadge';
import { money, titleCase } from '../format';
import { useApi } from '../hooks';
import type { Page, Resource } from '../types';

const TYPES = [
  { id: 'ec2_instance', label: 'EC2 instances' },
  { id: 'ebs_volume', label: 'EBS volumes' },
  { id: 'ebs_snapshot', label: 'EBS snapshots' },
  { id: 'ami', label: 'AMIs' },
  { id: 'elastic_ip', label: 'Elastic IPs' },
  { id: 'load_balancer', label: 'Load balancers' },
];

function typeLabel(t: string): string {
  return TYPES.find((x) => x.id === t)?.label.replace(/s$/, '') ?? titleCase(t);
}

function keyFacts(r: Resource): string {
  const d = r.details ?? {};
  const parts: string[] = [];
  for (const k of ['instanceType', 'volumeType', 'lbType', 'publicIp'])
    if (typeof d[k] === 'string') parts.push(d[k]);
  if (typeof d.sizeGiB === 'number') parts.push(`${d.sizeGiB} GiB`);
  if (typeof d.volumeSizeGiB === 'number') parts.push(`${d.volumeSizeGiB} GiB`);
  return parts.join(' · ');
}

/** Debounces the search box so that typing does not send a request per key. */
function useDebounced(value: string, ms: number): string {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

export default function ResourcesPage(): ReactNode {
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState(params.get('search') ?? '');
  const q = useDebounced(search, 250);
  const type = params.get('type') ?? '';
  const region = params.get('region') ?? '';
  const account = params.get('account') ?? '';
  const setParam = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  useEffect(() => {
    if ((params.get('search') ?? '') !== q) setParam('search', q);
    // Only the debounced value is written back to the URL.
  }, [q]);
  const res = useApi<Page<Resource>>('/api/v1/resources', {
    search: q || undefined,
    type: type || undefined,
    region: region || undefined,
    account: account || undefined,
    limit: 200,
  });
  const items = res.data?.items ?? [];
  const regions = useMemo(() => [...new Set(items.map((r) => r.region))].sort(), [items]);
  const accounts = useMemo(() => [...new Set(items.map((r) => r.awsAccountId))].sort(), [items]);
  const totalCost = items.reduce((s, r) => s + (r.cost ?? 0), 0);
  const currency = items.find((r) => r.currency)?.currency ?? 'USD';

  return (
    <div className="page">
      <PageHeader
        title="Resources"
        subtitle="The inventory found in every region of the connected accounts, with what each cost in the bill."
      />
      <div className="panel">
        <div className="filters">
          <label className="field" style={{ flex: '1 1 240px' }}>
            <span>Search</span>
            <input
              type="search"
              value={search}
              placeholder="ID, name, tag value…"
              onChange={(e) => setSearch(e.target.value)}
            />
          </label>
          <label className="field">
            <span>Type</span>
            <select value={type} onChange={(e) => setParam('type', e.target.value)}>
              <option value="">All types</option>
              {TYPES.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.label}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Region</span>
            <select value={region} onChange={(e) => setParam('region', e.target.value)}>
              <option value="">All regions</option>
              {(region && !regions.includes(region) ? [region, ...regions] : regions).map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Account</span>
            <select value={account} onChange={(e) => setParam('account', e.target.value)}>
              <option value="">All accounts</option>
              {(account && !accounts.includes(account) ? [account, ...accounts] : accounts).map((a) => (
                <option key={a}>{a}</option>
              ))}
            </select>
          </label>
        </div>
      </div>
      <ErrorNotice error={res.error} onRetry={res.reload} />
      {res.loading && !res.data ? <Loading what="resources" /> : null}
      {res.data && items.length === 0 ? (
        <Empty title="No resources found">
          {q || type || region || account
            ? 'Nothing matches these filters.'
            : 'The inventory fills after the first sync.'}
        </Empty>
      ) : null}
      {items.length > 0 ? (
        <section className="panel" aria-label="Inventory">
          <div className="panel-head">
            <span className="muted">
              {items.length}
              {res.data?.total && res.data.total > items.length ? ` of ${res.data.total}` : ''} resources ·{' '}
              {money(totalCost, currency)} in the last 30 days
            </span>
          </div>
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>Resource</th>
                  <th>Type</th>
                  <th>Account / region</th>
                  <th>State</th>
                  <th className="num">Cost, 30 days</th>
                  <th>Utilization, 14 days</th>
                </tr>
              </thead>
              <tbody>
                {items.map((r) => (
                  <tr key={`${r.awsAccountId}/${r.type}/${r.id}`}>
                    <td>
                      <div className="wrap">
                        <strong>{r.name ?? r.id}</strong>
                      </div>
                      {r.name ? <div className="muted small wrap">{r.id}</div> : null}
                    </td>
                    <td>
                      <div>{typeLabel(r.type)}</div>
                      <div className="muted small">{keyFacts(r)}</div>
                    </td>
                    <td>
                      <div>{r.accountName ?? r.awsAccountId}</div>
                      <div className="muted small">{r.region}</div>
                    </td>
                    <td>
                      {r.state ? <span className="tag">{r.state}</span> : <StatusBadge state="pending" />}
                    </td>
                    <td className="num">
                      {r.cost === null || r.cost === undefined ? '—' : money(r.cost, r.currency ?? currency)}
                    </td>
                    <td>
                      {r.utilization ? (
                        <div className="row" style={{ gap: 8 }}>
                          <Sparkline
                            values={r.utilization.values}
                            max={r.utilization.unit === 'Percent' ? 100 : undefined}
                            label={`${r.utilization.metric} of ${r.id}`}
                          />
                          <span className="muted small">
                            {r.utilization.values.length
                              ? `${r.utilization.values[r.utilization.values.length - 1].toFixed(1)}${r.utilization.unit === 'Percent' ? '%' : ''}`
                              : ''}
                          </span>
                        </div>
                      ) : (
                        <span className="muted small">—</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </div>
  );
}
