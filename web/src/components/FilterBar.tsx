import { useState, type FormEvent, type ReactNode } from 'react';
import { DIMENSIONS, dimensionLabel, type CostFilter } from '../cost-view';

/** The active filters as removable chips, and a small form to add one (a dimension, a value, include/exclude). */
export function FilterBar(props: {
  filters: CostFilter[];
  onChange: (filters: CostFilter[]) => void;
  suggestions?: Record<string, string[]>;
}): ReactNode {
  const [dimension, setDimension] = useState('service');
  const [tagKey, setTagKey] = useState('');
  const [value, setValue] = useState('');
  const [exclude, setExclude] = useState(false);
  const add = (e: FormEvent) => {
    e.preventDefault();
    const dim = dimension === 'tag' ? `tag:${tagKey.trim()}` : dimension;
    if (dim === 'tag:' || !value.trim()) return;
    props.onChange([...props.filters, { dimension: dim, value: value.trim(), exclude }]);
    setValue('');
  };
  const listId = `filter-values-${dimension}`;
  return (
    <div className="filter-bar">
      <form className="filters" onSubmit={add} aria-label="Add a filter">
        <label className="field">
          <span>Filter by</span>
          <select value={dimension} onChange={(e) => setDimension(e.target.value)}>
            {DIMENSIONS.map((d) => (
              <option key={d.id} value={d.id}>
                {d.label}
              </option>
            ))}
            <option value="tag">Tag…</option>
          </select>
        </label>
        {dimension === 'tag' ? (
          <label className="field">
            <span>Tag key</span>
            <input value={tagKey} onChange={(e) => setTagKey(e.target.value)} placeholder="user:team" />
          </label>
        ) : null}
        <label className="field">
          <span>Value</span>
          <input
            value={value}
            list={listId}
            onChange={(e) => setValue(e.target.value)}
            placeholder="e.g. Amazon EC2"
          />
          <datalist id={listId}>
            {(props.suggestions?.[dimension] ?? []).map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
        </label>
        <label className="field">
          <span>Match</span>
          <select
            value={exclude ? 'exclude' : 'include'}
            onChange={(e) => setExclude(e.target.value === 'exclude')}
          >
            <option value="include">is</option>
            <option value="exclude">is not</option>
          </select>
        </label>
        <button type="submit" className="btn">
          Add filter
        </button>
      </form>
      {props.filters.length ? (
        <ul className="chips" aria-label="Active filters">
          {props.filters.map((f, i) => (
            <li
              key={`${f.dimension}=${f.value}:${f.exclude}`}
              className={`chip ${f.exclude ? 'chip-exclude' : ''}`}
            >
              <span>
                {dimensionLabel(f.dimension)} {f.exclude ? 'is not' : 'is'} <strong>{f.value}</strong>
              </span>
              <button
                type="button"
                aria-label={`Remove filter ${dimensionLabel(f.dimension)} ${f.value}`}
                onClick={() => props.onChange(props.filters.filter((_, j) => j !== i))}
              >
                ✕
              </button>
            </li>
          ))}
          <li>
            <button type="button" className="btn btn-small btn-ghost" onClick={() => props.onChange([])}>
              Clear all
            </button>
          </li>
        </ul>
      ) : null}
    </div>
  );
}
