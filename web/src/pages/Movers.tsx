import type { ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { addDays, addMonths, isIsoDate, monthStart } from '../../../src/lib/dates';
import { ErrorNotice, Empty, Loading, PageHeader } from '../components/Feedback';
import { Kpi } from '../components/Kpi';
import { dimensionLabel, today, viewToParams } from '../cost-view';
import { change, day, money } from '../format';
import { useApi } from '../hooks';
import { BasisPicker, basisParam } from '../components/BasisPicker';
import type { CostBasis } from '../types';

interface Mover {
  key: string | null;
  label: string;
  current: number;
  previous: number;
  change: number;
  changePercent: number | null;
}

interface MoversAnswer {
  dataThrough: string | null;
  basis: CostBasis;
  currency: string;
  current: { from: string; to: string; total: number };
  previous: { from: string; to: string; total: number };
  dimensions: { dimension: string; increases: Mover[]; decreases: Mover[] }[];
}

interface Periods {
  from: string;
  to: string;
  compareFrom?: string;
  compareTo?: string;
}

const PERIODS: { id: string; label: string; range: (t: string) => Periods }[] = [
  {
    id: 'mtd',
    label: 'This month to date, against the same days of last month',
    range: (t) => ({ from: monthStart(t), to: t }),
  },
  {
    id: 'lm',
    label: 'Last month, against the month before',
    range: (t) => {
      const from = addMonths(monthStart(t), -1);
      return {
        from,
        to: addDays(monthStart(t), -1),
        compareFrom: addMonths(from, -1),
        compareTo: addDays(from, -1),
      };
    },
  },
  {
    id: '30d',
    label: 'Last 30 days, against the 30 before',
    range: (t) => ({ from: addDays(t, -29), to: t }),
  },
  { id: '7d', label: 'Last 7 days, against the 7 before', range: (t) => ({ from: addDays(t, -6), to: t }) },
];

const BY = ['service', 'account', 'region'];

function MoverTable(props: {
  title: string;
  items: Mover[];
  currency: string;
  dimension: string;
  current: Periods;
}): ReactNode {
  return (
    <div>
      <h3 className="movers-title">{props.title}</h3>
      {props.items.length ? (
        <div className="table-wrap" tabIndex={0}>
          <table className="table">
            <thead>
              <tr>
                <th>{dimensionLabel(props.dimension)}</th>
                <th className="num">Before</th>
                <th className="num">Now</th>
                <th className="num">Change</th>
              </tr>
            </thead>
            <tbody>
              {props.items.map((m) => {
                const explore =
                  m.key === null
                    ? null
                    : viewToParams({
                        from: props.current.from,
                        to: props.current.to,
                        granularity: 'day',
                        groupBy: [props.dimension === 'service' ? 'usageType' : 'service'],
                        filters: [{ dimension: props.dimension, value: m.key, exclude: false }],
                        basis: 'billed',
                      });
                const pct = change(m.current, m.previous);
                return (
                  <tr key={m.key ?? m.label}>
                    <td className="wrap">
                      {explore ? <Link to={`/costs?${explore.toString()}`}>{m.label}</Link> : m.label}
                    </td>
                    <td className="num">{money(m.previous, props.currency)}</td>
                    <td className="num">{money(m.current, props.currency)}</td>
                    <td className="num nowrap">
                      <span className={`delta-${m.change > 0 ? 'up' : 'down'}`}>
                        {money(m.change, props.currency)}
                      </span>
                      <div className="muted small">{m.previous ? pct.text : 'new'}</div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">None.</p>
      )}
    </div>
  );
}

/**
 * The biggest increases and decreases between two periods, by service, account, region or an allocation
 * dimension; each row opens the explorer on that value.
 */
export default function MoversPage(): ReactNode {
  const t = today();
  const [params, setParams] = useSearchParams();
  const period = PERIODS.find((p) => p.id === params.get('period')) ?? PERIODS[0];
  const basis = basisParam(params);
  const allocations = useApi<{ items: { name: string }[] }>('/api/v1/allocation/dimensions');
  const dims = [...BY, ...(allocations.data?.items ?? []).map((d) => `allocation:${d.name}`)];
  const byParam = params.get('by');
  const by = byParam && (BY.includes(byParam) || byParam.startsWith('allocation:')) ? byParam : 'service';
  const customFrom = params.get('from');
  const customTo = params.get('to');
  const range: Periods =
    isIsoDate(customFrom) && isIsoDate(customTo) && customFrom <= customTo
      ? { from: customFrom, to: customTo }
      : period.range(t);
  const movers = useApi<MoversAnswer>('/api/v1/costs/movers', { ...range, by, basis, limit: 10 });
  const m = movers.data;
  const dim = m?.dimensions.find((d) => d.dimension === by) ?? m?.dimensions[0];
  const set = (patch: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };
  const delta = m ? change(m.current.total, m.previous.total) : undefined;

  return (
    <div className="page">
      <PageHeader title="Movers" subtitle="What changed most between two periods (UTC billing days)." />
      <form className="panel filters" aria-label="Periods and grouping" onSubmit={(e) => e.preventDefault()}>
        <label className="field">
          <span>Periods</span>
          <select
            value={isIsoDate(customFrom) ? '' : period.id}
            onChange={(e) =>
              set({ period: e.target.value === 'mtd' ? '' : e.target.value, from: '', to: '' })
            }
          >
            {isIsoDate(customFrom) ? <option value="">Custom</option> : null}
            {PERIODS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>By</span>
          <select
            value={by}
            onChange={(e) => set({ by: e.target.value === 'service' ? '' : e.target.value })}
          >
            {dims.map((d) => (
              <option key={d} value={d}>
                {d.startsWith('allocation:')
                  ? `Allocation: ${d.slice('allocation:'.length)}`
                  : dimensionLabel(d)}
              </option>
            ))}
          </select>
        </label>
        <BasisPicker value={basis} onChange={(v) => set({ basis: v === 'billed' ? '' : v })} />
      </form>
      <ErrorNotice error={movers.error} onRetry={movers.reload} />
      {m ? (
        <div className="grid grid-3">
          <Kpi
            label="Now"
            testId="movers-current"
            value={money(m.current.total, m.currency)}
            sub={`${day(m.current.from, true)} – ${day(m.current.to, true)}`}
          />
          <Kpi
            label="Before"
            testId="movers-previous"
            value={money(m.previous.total, m.currency)}
            sub={`${day(m.previous.from, true)} – ${day(m.previous.to, true)}`}
          />
          <Kpi
            label="Change"
            value={money(m.current.total - m.previous.total, m.currency)}
            sub={delta ? <span className={`delta-${delta.direction}`}>{delta.text}</span> : null}
          />
        </div>
      ) : movers.loading ? (
        <Loading what="the movers" />
      ) : null}
      {m && dim ? (
        <section className="panel movers" aria-labelledby="movers-list-title" data-testid="movers">
          <div className="panel-head">
            <h2 id="movers-list-title">
              By{' '}
              {dim.dimension.startsWith('allocation:')
                ? dim.dimension.slice(11)
                : dimensionLabel(dim.dimension).toLowerCase()}
            </h2>
            {m.dataThrough ? <span className="muted small">data through {day(m.dataThrough)}</span> : null}
          </div>
          <div className="grid grid-2">
            <MoverTable
              title="Biggest increases"
              items={dim.increases}
              currency={m.currency}
              dimension={dim.dimension}
              current={range}
            />
            <MoverTable
              title="Biggest decreases"
              items={dim.decreases}
              currency={m.currency}
              dimension={dim.dimension}
              current={range}
            />
          </div>
        </section>
      ) : m ? (
        <Empty title="Nothing to compare">No cost in either period.</Empty>
      ) : null}
    </div>
  );
}
