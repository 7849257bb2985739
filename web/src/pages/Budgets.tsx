import type { ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Empty, ErrorNotice, Loading, PageHeader } from '../components/Feedback';
import { dateTime, money } from '../format';
import { useApi } from '../hooks';

interface Threshold {
  kind: 'actual' | 'forecast';
  percent: number;
  at: number;
  reached: boolean;
  firedAt: string | null;
}

interface Budget {
  id: string;
  name: string;
  currency: string;
  period: string;
  status: {
    period: { start: string; end: string };
    asOf: string;
    amount: number;
    spent: number;
    remaining: number;
    percentUsed: number;
    forecast: { total: number; lower: number; upper: number; percent: number };
    state: 'ok' | 'at_risk' | 'over' | 'not_started' | 'ended';
    thresholds: Threshold[];
  };
}

const STATE_LABEL: Record<Budget['status']['state'], string> = {
  ok: 'On track',
  at_risk: 'At risk',
  over: 'Over budget',
  not_started: 'Not started',
  ended: 'Ended',
};

/** Actual and forecast as bars against the amount (the dashed line), on one scale. */
function BudgetChart(props: { b: Budget }): ReactNode {
  const s = props.b.status;
  const top = Math.max(s.amount, s.spent, s.forecast.upper) * 1.05 || 1;
  const pct = (v: number) => `${Math.min(100, (v / top) * 100).toFixed(2)}%`;
  const c = props.b.currency;
  return (
    <div
      className="budget-chart"
      role="img"
      aria-label={`Spent ${money(s.spent, c)}, forecast ${money(s.forecast.total, c)}, amount ${money(s.amount, c)}`}
    >
      <div className="budget-row">
        <span>Actual</span>
        <div className="budget-track">
          <div className={`budget-bar ${s.spent > s.amount ? 'over' : ''}`} style={{ width: pct(s.spent) }} />
          <div className="budget-amount" style={{ left: pct(s.amount) }} />
        </div>
        <span>{money(s.spent, c)}</span>
      </div>
      <div className="budget-row">
        <span>Forecast</span>
        <div className="budget-track">
          <div
            className={`budget-bar forecast ${s.forecast.total > s.amount ? 'over' : ''}`}
            style={{ width: pct(s.forecast.total) }}
          />
          <div className="budget-amount" style={{ left: pct(s.amount) }} />
        </div>
        <span>{money(s.forecast.total, c)}</span>
      </div>
    </div>
  );
}

function BudgetCard(props: { b: Budget; selected: boolean }): ReactNode {
  const { b, selected } = props;
  const s = b.status;
  return (
    <section
      className={`card budget-card${selected ? ' selected' : ''}`}
      data-budget={b.id}
      aria-label={b.name}
    >
      <header className="budget-head">
        <h2>{b.name}</h2>
        <span className={`badge badge-${s.state === 'ok' ? 'good' : s.state === 'over' ? 'bad' : 'warn'}`}>
          {STATE_LABEL[s.state]}
        </span>
      </header>
      <div className="muted small">
        {s.period.start} to {s.period.end} · data through {s.asOf} · {money(s.amount, b.currency)}
      </div>
      <div
        className="progress"
        role="progressbar"
        aria-label={`${b.name} used`}
        aria-valuenow={Math.round(s.percentUsed)}
        aria-valuemin={0}
        aria-valuemax={100}
      >
        <div style={{ width: `${Math.min(100, s.percentUsed)}%` }} />
      </div>
      <div className="small">
        {s.percentUsed.toFixed(1)} % used · {money(s.remaining, b.currency)} left · forecast{' '}
        {s.forecast.percent.toFixed(1)} %
      </div>
      <BudgetChart b={b} />
      <ul className="small budget-thresholds">
        {s.thresholds.map((t) => (
          <li key={`${t.kind}:${t.percent}`}>
            {t.percent} % of {t.kind === 'actual' ? 'actual spend' : 'forecast'} ({money(t.at, b.currency)}):{' '}
            {t.firedAt ? `alerted ${dateTime(t.firedAt)}` : t.reached ? 'reached' : 'not reached'}
          </li>
        ))}
      </ul>
    </section>
  );
}

export default function BudgetsPage(): ReactNode {
  const [params] = useSearchParams();
  const selected = params.get('budget');
  const { data, error, loading, reload } = useApi<{ items: Budget[] }>('/api/v1/budgets');
  return (
    <>
      <PageHeader title="Budgets" subtitle="Spend and forecast of this period against each budget's amount" />
      <ErrorNotice error={error} onRetry={reload} />
      {loading && !data ? <Loading what="budgets" /> : null}
      {data && data.items.length === 0 ? (
        <Empty title="No budgets yet">
          Create one with `cloudtally budgets create` or POST /api/v1/budgets.
        </Empty>
      ) : null}
      <div className="budget-list">
        {data?.items.map((b) => (
          <BudgetCard key={b.id} b={b} selected={b.id === selected} />
        ))}
      </div>
    </>
  );
}
