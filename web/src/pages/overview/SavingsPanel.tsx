import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { Skeleton } from '../../components/Feedback';
import { Kpi } from '../../components/Kpi';
import { money } from '../../format';
import { useApi } from '../../hooks';
import type { RecommendationList } from '../../types';

/** Open savings: the monthly total of the open recommendations, linking to them. */
export function SavingsPanel(): ReactNode {
  // The totals cover every open recommendation; one item is enough to learn the currency.
  const recs = useApi<RecommendationList>('/api/v1/recommendations', { state: 'open', limit: 1 });
  const total = recs.data?.totals.monthlySavings ?? 0;
  const count = recs.data?.totals.count ?? 0;
  const currency = recs.data?.items[0]?.currency ?? 'USD';
  return (
    <Kpi
      label="Open savings per month"
      testId="open-savings"
      value={
        recs.data ? (
          <span className="savings">{money(total, currency)}</span>
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
            {count} open recommendation{count === 1 ? '' : 's'}
          </Link>
        ) : null
      }
    />
  );
}
