import { useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import { addMonths, monthStart } from '../../../src/lib/dates';
import { ErrorNotice, Loading, PageHeader } from '../components/Feedback';
import { BASES, today } from '../cost-view';
import { dateTime } from '../format';
import { useApi } from '../hooks';
import type { CostBasis } from '../types';
import { CategoriesPanel } from './allocation/CategoriesPanel';
import { CoveragePanel } from './allocation/CoveragePanel';
import { RulesPanel } from './allocation/RulesPanel';
import { ShowbackPanel } from './allocation/ShowbackPanel';
import type { Dimension } from './allocation/types';
import './allocation/allocation.css';

const STATUS: Record<Dimension['status'], string> = {
  applied: 'Applied',
  applying: 'Applying…',
  failed: 'Failed',
};

/**
 * Allocation: the organization's dimensions ("virtual tags") with their rules, a preview before saving, the
 * shared-cost splits, the AWS cost categories, the showback per value and month (CSV), and tag coverage.
 */
export default function AllocationPage(): ReactNode {
  const [params, setParams] = useSearchParams();
  // The version just saved from the editor: its "Saved" message outlives the editor's remount for that version.
  const [saved, setSaved] = useState<{ name: string; version: number }>();
  const dims = useApi<{ items: Dimension[] }>('/api/v1/allocation/dimensions', undefined, {
    keepPrevious: true,
  });
  const items = dims.data?.items ?? [];
  const wanted = params.get('dimension');
  const isNew = wanted === '';
  const selected = isNew ? undefined : (items.find((d) => d.name === wanted) ?? items[0]);
  const basis = (BASES.find((b) => b.id === params.get('basis'))?.id ?? 'billed') as CostBasis;
  const t = today();
  const from = addMonths(monthStart(t), -2);
  const set = (patch: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    setParams(next, { replace: true });
  };

  return (
    <div className="page">
      <PageHeader
        title="Allocation"
        subtitle="Who spent what: your own allocation dimensions, shared-cost splits, AWS cost categories, showback and tag coverage."
      />
      <form
        className="panel filters"
        aria-label="Dimension and cost basis"
        onSubmit={(e) => e.preventDefault()}
      >
        <label className="field">
          <span>Dimension</span>
          <select
            value={isNew ? '' : (selected?.name ?? '')}
            onChange={(e) => set({ dimension: e.target.value })}
          >
            {items.map((d) => (
              <option key={d.name} value={d.name}>
                {d.name}
              </option>
            ))}
            <option value="">New dimension…</option>
          </select>
        </label>
        <label className="field">
          <span>Cost basis</span>
          <select
            value={basis}
            onChange={(e) => set({ basis: e.target.value === 'billed' ? null : e.target.value })}
          >
            {BASES.map((b) => (
              <option key={b.id} value={b.id}>
                {b.label}
              </option>
            ))}
          </select>
        </label>
      </form>
      <ErrorNotice error={dims.error} onRetry={dims.reload} />
      {!dims.data && !dims.error ? <Loading what="allocation dimensions" /> : null}
      {selected ? (
        <p className="muted small" data-testid="dimension-status">
          {selected.name}: {STATUS[selected.status]}
          {selected.appliedVersion === null
            ? ''
            : `, version ${selected.appliedVersion} of ${selected.version} as of ${dateTime(selected.appliedAt)}`}
          {selected.applyError ? ` — ${selected.applyError}` : ''}
        </p>
      ) : null}
      {dims.data ? (
        <RulesPanel
          key={selected ? `${selected.name}@${selected.version}` : 'new'}
          dimension={selected}
          basis={basis}
          justSaved={
            saved !== undefined && saved.name === selected?.name && saved.version === selected.version
          }
          onSaved={(d) => {
            setSaved({ name: d.name, version: d.version });
            set({ dimension: d.name });
            dims.reload();
          }}
        />
      ) : null}
      {selected ? <ShowbackPanel dimension={selected.name} basis={basis} /> : null}
      <CategoriesPanel from={from} to={t} />
      <CoveragePanel from={from} to={t} dimension={selected?.name} />
    </div>
  );
}
