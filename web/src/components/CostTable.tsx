import { useState, type ReactNode } from 'react';
import { day, money, month, percent } from '../format';
import type { CostAnswer, CostGroup } from '../types';
import { dimensionLabel } from '../cost-view';
import { Sparkline } from './Sparkline';

type SortKey = 'label' | 'total';

/**
 * The groups of a cost answer: with up to 13 periods one column per period, otherwise the total, share and
 * daily average with a sparkline. Clicking a group's name drills into it (adds it as a filter).
 */
export function CostTable(props: { answer: CostAnswer; onDrill?: (group: CostGroup) => void }): ReactNode {
  const { answer } = props;
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'total', desc: true });
  const wide = answer.periods.length <= 13;
  const rows = [...answer.groups].sort((a, b) => {
    if (a.other) return 1;
    if (b.other) return -1;
    const r = sort.key === 'label' ? a.label.localeCompare(b.label) : a.total - b.total;
    return sort.desc ? -r : r;
  });
  const max = Math.max(...answer.groups.map((g) => Math.abs(g.total)), 1e-9);
  const cur = answer.currency;
  const header = (key: SortKey, label: string, className?: string) => (
    <th
      className={className}
      aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none'}
    >
      <button
        type="button"
        className="th-button"
        onClick={() => setSort((s) => ({ key, desc: s.key === key ? !s.desc : key === 'total' }))}
      >
        {label}
        {sort.key === key ? (sort.desc ? ' ↓' : ' ↑') : ''}
      </button>
    </th>
  );
  const periodLabel = (p: string) => (answer.granularity === 'month' ? month(p) : day(p));
  return (
    <div className="table-wrap" tabIndex={0}>
      <table className="table cost-table">
        <thead>
          <tr>
            {header(
              'label',
              answer.groupBy.length ? answer.groupBy.map(dimensionLabel).join(' / ') : 'Cost',
              'sticky-first',
            )}
            {wide
              ? answer.periods.map((p) => (
                  <th key={p} className="num">
                    {periodLabel(p)}
                  </th>
                ))
              : null}
            {header('total', 'Total', wide ? 'num sticky-total' : 'num')}
            <th className={wide ? 'num sticky-share' : 'num'}>Share</th>
            {!wide ? <th>Trend</th> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((g) => (
            <tr key={g.label}>
              <td className="bar-cell sticky-first">
                <div className="bar-fill" style={{ width: `${(Math.abs(g.total) / max) * 100}%` }} />
                {props.onDrill && !g.other ? (
                  <span>
                    <button
                      type="button"
                      className="link-button"
                      title="Filter to this group"
                      onClick={() => props.onDrill?.(g)}
                    >
                      {g.label}
                    </button>
                  </span>
                ) : (
                  <span>{g.label}</span>
                )}
              </td>
              {wide
                ? g.series.map((p) => (
                    <td key={p.period} className="num">
                      {money(p.cost, cur)}
                    </td>
                  ))
                : null}
              <td className={wide ? 'num sticky-total' : 'num'} data-total>
                {money(g.total, cur)}
              </td>
              <td className={wide ? 'num muted sticky-share' : 'num muted'}>
                {answer.total ? percent(g.total / answer.total) : '—'}
              </td>
              {!wide ? (
                <td>
                  <Sparkline values={g.series.map((p) => p.cost)} label={`Daily cost of ${g.label}`} />
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td className="sticky-first">Total</td>
            {wide
              ? answer.series.map((p) => (
                  <td key={p.period} className="num">
                    {money(p.cost, cur)}
                  </td>
                ))
              : null}
            <td className={wide ? 'num sticky-total' : 'num'} data-grand-total>
              {money(answer.total, cur)}
            </td>
            <td className={wide ? 'num muted sticky-share' : 'num muted'}>{answer.total ? '100%' : '—'}</td>
            {!wide ? <td /> : null}
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
