import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Empty, ErrorNotice, Loading, PageHeader } from '../components/Feedback';
import { UtilizationSparkline } from '../components/UtilizationSparkline';
import { money, relative } from '../format';
import { useApi, useDebounced } from '../hooks';
import { RESOURCE_TYPE_LABELS } from '../labels';
import type { CloudAccount, Page, Resource, ResourceList } from '../types';

const PAGE = 50;
const WITH_METRICS = new Set(['ec2_instance', 'load_balancer', 'azure_vm']);

function keyFacts(r: Resource): string {
  const d = r.details;
  const parts: string[] = [];
  for (const k of ['instanceType', 'volumeType', 'lbType', 'publicIp']) {
    const v = d[k];
    if (typeof v === 'string') parts.push(v);
  }
  if (typeof d.sizeGiB === 'number') parts.push(`${d.sizeGiB} GiB`);
  if (typeof d.volumeSizeGiB === 'number') parts.push(`${d.volumeSizeGiB} GiB`);
  return parts.join(' · ');
}

export default function ResourcesPage(): ReactNode {
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState(params.get('search') ?? '');
  const q = useDebounced(search.trim(), 250);
  const get = (k: string) => params.get(k) ?? '';
  const offset = Number(params.get('offset') ?? 0) || 0;
  const update = (patch: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (!('offset' in patch)) next.delete('offset');
    setParams(next, { replace: true });
  };
  useEffect(() => {
    if (get('search') !== q) update({ search: q });
    // Only the debounced text goes to the URL (and the API).
    // eslint-disable-next-line react-hooks/exhaustive-deps -- runs when the debounced text changes, not the URL
  }, [q]);
  const accounts = useApi<Page<CloudAccount>>('/api/v1/cloud-accounts');
  const res = useApi<ResourceList>('/api/v1/resources', {
    search: get('search') || undefined,
    type: get('type') || undefined,
    region: get('region') || undefined,
    awsAccountId: get('account') || undefined,
    state: get('state') || undefined,
    includeGone: get('gone') === '1' ? 'true' : undefined,
    sort: get('sort') || undefined,
    limit: PAGE,
    offset,
  });
  const data = res.data;
  const items = data?.items ?? [];
  const regions = useMemo(
    () =>
      [...new Set([params.get('region') ?? '', ...(data?.items ?? []).map((r) => r.region)])]
        .filter(Boolean)
        .sort(),
    [data, params],
  );
  const accountNames = useMemo(() => {
    const m = new Map<string, string>();
    for (const a of accounts.data?.items ?? []) if (a.awsAccountId) m.set(a.awsAccountId, a.name);
    return m;
  }, [accounts.data]);
  const currency = items.find((r) => r.cost)?.cost?.currency ?? 'USD';
  const filtered = Boolean(get('search') || get('type') || get('region') || get('account') || get('state'));

  return (
    <div className="page">
      <PageHeader
        title="Resources"
        subtitle="The inventory of every enabled region of the connected accounts, with what each resource cost in the bill."
      />
      <div className="panel">
        <div className="filters">
          <label className="field" style={{ flex: '1 1 240px' }}>
            <span>Search</span>
            <input
              type="search"
              value={search}
              placeholder="ID, name or ARN"
              onChange={(e) => setSearch(e.target.value)}
            />
          </label>
          <label className="field">
            <span>Type</span>
            <select value={get('type')} onChange={(e) => update({ type: e.target.value })}>
              <option value="">All types</option>
              {Object.entries(RESOURCE_TYPE_LABELS).map(([id, label]) => (
                <option key={id} value={id}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Account</span>
            <select value={get('account')} onChange={(e) => update({ account: e.target.value })}>
              <option value="">All accounts</option>
              {[...accountNames.entries()].map(([id, name]) => (
                <option key={id} value={id}>
                  {name} ({id})
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Region</span>
            <select value={get('region')} onChange={(e) => update({ region: e.target.value })}>
              <option value="">All regions</option>
              {regions.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>State</span>
            <input
              value={get('state')}
              list="resource-states"
              size={12}
              placeholder="any"
              onChange={(e) => update({ state: e.target.value })}
            />
            <datalist id="resource-states">
              {['running', 'stopped', 'available', 'in-use', 'completed', 'active'].map((s) => (
                <option key={s} value={s} />
              ))}
            </datalist>
          </label>
          <label className="field">
            <span>Sort by</span>
            <select
              value={get('sort') || 'cost'}
              onChange={(e) => update({ sort: e.target.value === 'cost' ? '' : e.target.value })}
            >
              <option value="cost">Cost</option>
              <option value="name">Name</option>
              <option value="type">Type</option>
            </select>
          </label>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={get('gone') === '1'}
              onChange={(e) => update({ gone: e.target.checked ? '1' : '' })}
            />
            <span>Include deleted</span>
          </label>
        </div>
      </div>
      <ErrorNotice error={res.error} onRetry={res.reload} />
      {res.loading && !data ? <Loading what="resources" /> : null}
      {data && items.length === 0 ? (
        <Empty title="No resources found">
          {filtered
            ? 'Nothing matches these filters.'
            : 'The inventory fills during the first sync of an account.'}
        </Empty>
      ) : null}
      {data && items.length > 0 ? (
        <section className="panel" aria-label="Inventory">
          <div className="panel-head">
            <span className="muted" data-testid="resource-count">
              {data.total.toLocaleString()} resource{data.total === 1 ? '' : 's'} ·{' '}
              {money(data.totalBilledCost, currency)} billed in the last 30 days
            </span>
            <div className="pager">
              <span className="muted small">
                {offset + 1}–{offset + items.length} of {data.total}
              </span>
              <button
                type="button"
                className="btn btn-small"
                disabled={offset === 0}
                onClick={() => update({ offset: String(Math.max(0, offset - PAGE)) })}
              >
                Previous
              </button>
              <button
                type="button"
                className="btn btn-small"
                disabled={offset + items.length >= data.total}
                onClick={() => update({ offset: String(offset + PAGE) })}
              >
                Next
              </button>
            </div>
          </div>
          <div className="table-wrap" tabIndex={0}>
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
                  <tr key={`${r.cloudAccountId}/${r.type}/${r.id}`} data-resource={r.id}>
                    <td>
                      <div className="wrap">
                        <Link
                          to={`/resources/detail?${new URLSearchParams({ id: r.id, account: r.cloudAccountId }).toString()}`}
                        >
                          <strong>{r.name ?? r.id}</strong>
                        </Link>
                      </div>
                      {r.name ? <div className="muted small wrap">{r.id}</div> : null}
                    </td>
                    <td>
                      <div>{RESOURCE_TYPE_LABELS[r.type] ?? r.type}</div>
                      <div className="muted small">{keyFacts(r)}</div>
                    </td>
                    <td>
                      <div>{accountNames.get(r.awsAccountId) ?? r.awsAccountId}</div>
                      <div className="muted small">{r.region}</div>
                    </td>
                    <td>
                      {r.goneAt ? (
                        <span className="tag" title={`Not found since ${relative(r.goneAt)}`}>
                          deleted
                        </span>
                      ) : r.state ? (
                        <span className="tag">{r.state}</span>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    <td
                      className="num"
                      title={
                        r.cost
                          ? `Billed ${r.cost.from} to ${r.cost.to} (UTC), amortized ${money(r.cost.effective, r.cost.currency)}`
                          : 'No line in the bill'
                      }
                    >
                      {r.cost ? money(r.cost.billed, r.cost.currency) : '—'}
                    </td>
                    <td>
                      {WITH_METRICS.has(r.type) && !r.goneAt ? (
                        <UtilizationSparkline resourceId={r.id} />
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
