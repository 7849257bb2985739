import { useMemo, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { addDays, isIsoDate } from '../../../src/lib/dates';
import {
  ANOMALIES_PATH,
  ANOMALY_STATE_LABELS,
  anomalyHref,
  anomalyListQuery,
  type AnomalyState,
} from '../anomaly-api';
import { Empty, ErrorNotice, Loading, PageHeader } from '../components/Feedback';
import { today } from '../cost-view';
import { day, money } from '../format';
import { useApi } from '../hooks';
import type { CostAnomaly, Page } from '../types';
import { AnomalyChange, AnomalyStateBadge } from './anomalies/AnomalyBits';
import { anomalyFilterValues, matchesAnomalyFilters, type AnomalyFilters } from './anomalies/anomaly-filters';

const STATES = Object.keys(ANOMALY_STATE_LABELS) as AnomalyState[];

function readFilters(params: URLSearchParams, t: string): AnomalyFilters {
  const from = params.get('from');
  const to = params.get('to');
  const state = params.get('state');
  const direction = params.get('direction');
  const impact = Number(params.get('impact'));
  return {
    from: isIsoDate(from) ? from : addDays(t, -89),
    to: isIsoDate(to) ? to : t,
    account: params.get('account') ?? '',
    service: params.get('service') ?? '',
    state: STATES.includes(state as AnomalyState) ? (state as AnomalyState) : undefined,
    direction: direction === 'increase' || direction === 'decrease' ? direction : undefined,
    minImpact: Number.isFinite(impact) && impact > 0 ? impact : 0,
  };
}

/**
 * Every cost anomaly of a period, newest first, with filters for the account, the service, the days, the
 * smallest impact worth seeing and what people decided; each links to its detail page. The filters live in the
 * address, so a filtered list can be shared.
 */
export default function AnomaliesPage(): ReactNode {
  const t = today();
  const [params, setParams] = useSearchParams();
  const f = useMemo(() => readFilters(params, t), [params, t]);
  const validRange = f.from <= f.to;
  const list = useApi<Page<CostAnomaly>>(
    validRange ? ANOMALIES_PATH : null,
    anomalyListQuery({ from: f.from, to: f.to, state: f.state, direction: f.direction }),
  );
  const all = list.data?.items;
  const values = useMemo(() => anomalyFilterValues(all ?? []), [all]);
  const items = useMemo(() => (all ?? []).filter((a) => matchesAnomalyFilters(a, f)), [all, f]);
  const impact = items.reduce((s, a) => s + a.change, 0);
  const currency = items[0]?.currency ?? 'USD';

  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  return (
    <div className="page">
      <PageHeader
        title="Anomalies"
        subtitle="Days where an account's or a service's amortized cost left its usual range (UTC billing days)."
      />
      <form className="panel filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <label className="field">
          <span>From</span>
          <input
            type="date"
            value={f.from}
            max={f.to}
            onChange={(e) => isIsoDate(e.target.value) && set('from', e.target.value)}
          />
        </label>
        <label className="field">
          <span>To</span>
          <input
            type="date"
            value={f.to}
            min={f.from}
            max={t}
            onChange={(e) => isIsoDate(e.target.value) && set('to', e.target.value)}
          />
        </label>
        <label className="field">
          <span>Account</span>
          <select value={f.account} onChange={(e) => set('account', e.target.value)}>
            <option value="">All accounts</option>
            {values.accounts.map((v) => (
              <option key={v.id} value={v.id}>
                {v.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Service</span>
          <select value={f.service} onChange={(e) => set('service', e.target.value)}>
            <option value="">All services</option>
            {values.services.map((v) => (
              <option key={v.id} value={v.id}>
                {v.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Impact at least</span>
          <select value={String(f.minImpact || '')} onChange={(e) => set('impact', e.target.value)}>
            <option value="">Any</option>
            {[10, 50, 100, 500, 1000].map((n) => (
              <option key={n} value={n}>
                {money(n, currency)} a day
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Direction</span>
          <select value={f.direction ?? ''} onChange={(e) => set('direction', e.target.value)}>
            <option value="">Up and down</option>
            <option value="increase">Increases</option>
            <option value="decrease">Decreases</option>
          </select>
        </label>
        <label className="field">
          <span>Status</span>
          <select value={f.state ?? ''} onChange={(e) => set('state', e.target.value)}>
            <option value="">Any status</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {ANOMALY_STATE_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
      </form>
      {!validRange ? (
        <div className="notice notice-error" role="alert">
          The first day ({day(f.from, true)}) is after the last ({day(f.to, true)}).
        </div>
      ) : null}
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.loading && !all ? <Loading what="anomalies" /> : null}
      {all && items.length === 0 ? (
        <Empty title="No anomalies">
          {all.length
            ? `None of the ${all.length} anomalies from ${day(f.from, true)} to ${day(f.to, true)} matches these filters.`
            : `Daily costs stayed within their usual range from ${day(f.from, true)} to ${day(f.to, true)}.`}
        </Empty>
      ) : null}
      {items.length ? (
        <section className="panel" aria-labelledby="anomaly-list-title">
          <div className="panel-head">
            <h2 id="anomaly-list-title">
              {items.length} anomal{items.length === 1 ? 'y' : 'ies'}
            </h2>
            <span className="muted small" data-testid="anomalies-impact">
              net {money(impact, currency)} against the expected cost
            </span>
          </div>
          <div className="table-wrap" tabIndex={0}>
            <table className="table" data-testid="anomaly-table">
              <thead>
                <tr>
                  <th>Day</th>
                  <th>Account or service</th>
                  <th>Change</th>
                  <th className="num">Actual</th>
                  <th className="num">Expected</th>
                  <th className="num">Impact</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {items.map((a) => (
                  <tr key={a.id} data-anomaly={a.id}>
                    <td className="nowrap">{day(a.date, true)}</td>
                    <td>
                      <Link to={anomalyHref(a)} className="wrap">
                        {a.label}
                      </Link>
                      <div className="muted small">{a.dimension === 'account' ? 'Account' : 'Service'}</div>
                    </td>
                    <td>
                      <AnomalyChange anomaly={a} />
                    </td>
                    <td className="num">{money(a.actual, a.currency)}</td>
                    <td className="num">{money(a.expected, a.currency)}</td>
                    <td className="num">{money(a.change, a.currency)}</td>
                    <td>
                      <AnomalyStateBadge state={a.state} />
                      {a.comment ? (
                        <div className="muted small wrap anomaly-comment" title={a.comment}>
                          {a.comment}
                        </div>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {all && all.length >= 500 ? (
            <p className="muted small">
              The first 500 anomalies of the range; narrow the days to see the rest.
            </p>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
