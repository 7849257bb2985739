import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { Skeleton } from '../../components/Feedback';
import { Kpi } from '../../components/Kpi';
import { money } from '../../format';
import { useApi } from '../../hooks';
import type { Page, Recommendation } from '../../types';

/** Open savings: the monthly total of the open recommendations, linking to them. */
export function SavingsPanel(): ReactNode {
  const recs = useApi<Page<Recommendation>>('/api/v1/recommendations', { state: 'open', limit: 500 });
  const items = recs.data?.items ?? [];
  const total = items.reduce((s, r) => s + r.monthlySavings, 0);
  return (
    <Kpi
      label="Open savings per month"
      testId="open-savings"
      value={
        recs.data ? (
          <span className="savings">{money(total, items[0]?.currency ?? 'USD')}</span>
        ) : recs.error ? (
          '—'
        ) : (
          <Skeleton height={30} />
        )
      }
      sub={
        recs.error ? (
          <span>{recs.error instanceof Error ? recs.error.message : ''}</span>
        ) : recs.data ? (
          <Link to="/recommendations">
            {items.length} open recommendation{items.length === 1 ? '' : 's'}
          </Link>
        ) : null
      }
    />
  );
}
