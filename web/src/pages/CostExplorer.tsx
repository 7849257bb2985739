import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { download } from '../api';
import { CopyButton } from '../components/CopyButton';
import { stackSeries } from '../components/chart-data';
import { LazyCostChart, preloadChart } from '../components/LazyCostChart';
import { CostTable } from '../components/CostTable';
import { Empty, ErrorNotice, PageHeader, Skeleton } from '../components/Feedback';
import { DateRangeFields } from '../components/DateRangeFields';
import { FilterBar } from '../components/FilterBar';
import {
  DIMENSIONS,
  PRESETS,
  dimensionLabel,
  today,
  viewFromParams,
  viewToParams,
  viewToQuery,
  type CostView,
} from '../cost-view';
import { day, money } from '../format';
import { useApi } from '../hooks';
import { BasisPicker, basisLabel } from '../components/BasisPicker';
import { LineItemExport } from './explorer/LineItemExport';
import { SaveViewDialog } from './saved-views/SaveViewDialog';
import type { SavedView } from './saved-views/saved-view-query';
import type { CostAnswer, CostGroup } from '../types';

function GroupBySelect(props: {
  label: string;
  value: string;
  optional?: boolean;
  onChange: (v: string) => void;
}): ReactNode {
  const isTag = props.value.startsWith('tag:');
  const [tagKey, setTagKey] = useState(isTag ? props.value.slice(4) : '');
  return (
    <div className="row" style={{ gap: 6, alignItems: 'flex-end' }}>
      <label className="field">
        <span>{props.label}</span>
        <select
          value={isTag ? 'tag' : props.value}
          onChange={(e) =>
            props.onChange(e.target.value === 'tag' ? `tag:${tagKey || 'user:team'}` : e.target.value)
          }
        >
          {props.optional ? <option value="">None</option> : null}
          {DIMENSIONS.map((d) => (
            <option key={d.id} value={d.id}>
              {d.label}
            </option>
          ))}
          <option value="tag">Tag…</option>
        </select>
      </label>
      {isTag ? (
        <label className="field">
          <span>Tag key</span>
          <input
            value={tagKey}
            size={12}
            onChange={(e) => setTagKey(e.target.value)}
            onBlur={() => tagKey && props.onChange(`tag:${tagKey}`)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && tagKey) props.onChange(`tag:${tagKey}`);
            }}
          />
        </label>
      ) : null}
    </div>
  );
}

export default function CostExplorerPage(): ReactNode {
  const [params, setParams] = useSearchParams();
  const view = useMemo(() => viewFromParams(params), [params]);
  const set = (patch: Partial<CostView>) => setParams(viewToParams({ ...view, ...patch }));
  const query = useMemo(() => ({ ...viewToQuery(view), limit: 50 }), [view]);
  const costs = useApi<CostAnswer>('/api/v1/costs', query);
  const [exportError, setExportError] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<SavedView>();
  const answer = costs.data;
  useEffect(() => {
    void preloadChart();
  }, []);

  const chart = useMemo(() => {
    if (!answer) return undefined;
    const points = answer.groups.flatMap((g) =>
      g.series.map((p) => ({ period: p.period, group: g.label, amount: p.cost })),
    );
    return stackSeries(points, answer.periods, 10);
  }, [answer]);

  const suggestions = useMemo(() => {
    const out: Record<string, string[]> = {};
    if (!answer) return out;
    answer.groupBy.forEach((dim) => {
      out[dim] = [...new Set(answer.groups.filter((g) => !g.other).map((g) => g.key[dim] ?? ''))].filter(
        Boolean,
      );
    });
    return out;
  }, [answer]);

  const drill = (g: CostGroup) => {
    const added = Object.entries(g.key)
      .filter(([, v]) => v !== null)
      .map(([dimension, v]) => ({ dimension, value: v as string, exclude: false }));
    const rest = view.groupBy.length > 1 ? view.groupBy.slice(1) : view.groupBy;
    set({ filters: [...view.filters, ...added], groupBy: rest });
  };

  const preset = PRESETS.find((p) => {
    const r = p.range(today());
    return r.from === view.from && r.to === view.to;
  });

  const exportCsv = async () => {
    setExportError(undefined);
    try {
      await download(
        '/api/v1/costs/export',
        viewToQuery(view),
        `cloudtally-costs-${view.from}-to-${view.to}.csv`,
      );
    } catch (err) {
      setExportError(err);
    }
  };

  return (
    <div className="page">
      <PageHeader
        title="Cost explorer"
        subtitle="Days are UTC billing days, as AWS bills them."
        actions={
          <>
            <button type="button" className="btn" onClick={() => setSaving(true)}>
              Save view
            </button>
            <CopyButton text={window.location.href} label="Copy link" large />
            <button type="button" className="btn" onClick={() => void exportCsv()}>
              Export CSV
            </button>
          </>
        }
      />
      <section className="panel" aria-label="Query">
        <div className="toolbar">
          <label className="field">
            <span>Date range</span>
            <select
              value={preset?.id ?? 'custom'}
              onChange={(e) => {
                const p = PRESETS.find((x) => x.id === e.target.value);
                if (p) set(p.range(today()));
              }}
            >
              {PRESETS.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
              <option value="custom">Custom</option>
            </select>
          </label>
          <DateRangeFields
            from={view.from}
            to={view.to}
            today={today()}
            granularity={view.granularity}
            onApply={(r) => set(r)}
          />
          <div className="field">
            <span>Granularity</span>
            <div className="segmented" role="group" aria-label="Granularity">
              {(['day', 'month'] as const).map((g) => (
                <button
                  key={g}
                  type="button"
                  aria-pressed={view.granularity === g}
                  onClick={() => set({ granularity: g })}
                >
                  {g === 'day' ? 'Daily' : 'Monthly'}
                </button>
              ))}
            </div>
          </div>
          <GroupBySelect
            label="Group by"
            value={view.groupBy[0] ?? 'service'}
            onChange={(v) => set({ groupBy: [v, ...view.groupBy.slice(1).filter((x) => x !== v)] })}
          />
          <GroupBySelect
            label="Then by"
            optional
            value={view.groupBy[1] ?? ''}
            onChange={(v) =>
              set({
                groupBy:
                  v && v !== view.groupBy[0] ? [view.groupBy[0] ?? 'service', v] : view.groupBy.slice(0, 1),
              })
            }
          />
          <BasisPicker value={view.basis} onChange={(basis) => set({ basis })} />
        </div>
        <FilterBar
          filters={view.filters}
          suggestions={suggestions}
          onChange={(filters) => set({ filters })}
        />
      </section>
      {saved ? (
        <p className="notice notice-success" role="status" data-testid="view-saved">
          Saved as “{saved.name}”{saved.pinned ? ', pinned to the Overview' : ''}.{' '}
          <Link to="/saved-views">All saved views</Link>
        </p>
      ) : null}
      {saving ? (
        <SaveViewDialog view={view} today={today()} onSaved={setSaved} onClose={() => setSaving(false)} />
      ) : null}
      <ErrorNotice error={exportError} />
      <ErrorNotice error={costs.error} onRetry={costs.reload} />
      <section className="panel" aria-labelledby="cost-chart-title" aria-busy={costs.loading}>
        <div className="panel-head">
          <div className="total-line">
            <h2 id="cost-chart-title">
              {basisLabel(view.basis)} cost, {day(view.from, true)} – {day(view.to, true)}
            </h2>
          </div>
          {answer ? (
            <div className="total-line">
              <span className="muted">Total</span>
              <span className="kpi-value" data-testid="cost-total">
                {money(answer.total, answer.currency)}
              </span>
            </div>
          ) : null}
        </div>
        {answer?.otherCurrencies.length ? (
          <p className="muted small">
            Also billed in other currencies, not included:{' '}
            {answer.otherCurrencies.map((c) => money(c.total, c.currency)).join(', ')}
          </p>
        ) : null}
        {!answer && costs.loading ? <Skeleton height={300} /> : null}
        {answer && chart && answer.total === 0 && answer.groups.length === 0 ? (
          <Empty title="No cost in this range">Connect an account or widen the date range and filters.</Empty>
        ) : null}
        {answer && chart && answer.groups.length > 0 ? (
          <LazyCostChart
            data={chart}
            currency={answer.currency}
            granularity={answer.granularity}
            label={`Cost by ${answer.groupBy.map(dimensionLabel).join(' and ') || 'total'}`}
          />
        ) : null}
      </section>
      {answer && answer.groups.length > 0 ? (
        <section className="panel" aria-label="Cost table">
          <CostTable answer={answer} onDrill={drill} />
          {answer.truncated ? (
            <p className="muted small">
              Showing the {answer.groups.length - 1} largest of {answer.groupCount} groups; the rest are
              summed in one row.
            </p>
          ) : null}
        </section>
      ) : null}
      <LineItemExport view={view} />
    </div>
  );
}
