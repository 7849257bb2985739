/**
 * The newest day with cost data of an organization, through the cost service's own query (months over the
 * retained history, then the days of the newest month with cost). Budgets run through this day, like the
 * month-to-date figures; it stands in until the cost module offers the same answer itself.
 */
import type { CostService } from '../costs/cost-service.js';
import { addMonths, isoDate, monthEnd } from '../costs/dates.js';

const LOOKBACK_MONTHS = 120;

export async function newestCostDay(
  costs: Pick<CostService, 'query'>,
  orgId: string,
  today: Date,
): Promise<string | null> {
  const to = isoDate(today);
  const base = { groupBy: [], filters: [], basis: 'billed' as const, limit: 1 };
  const months = await costs.query(orgId, {
    ...base,
    from: addMonths(to, -LOOKBACK_MONTHS),
    to,
    granularity: 'month',
  });
  const month = months.series.findLast((s) => s.cost !== 0)?.period;
  if (!month) return null;
  const start = `${month}-01`;
  const end = monthEnd(start) < to ? monthEnd(start) : to;
  const days = await costs.query(orgId, { ...base, from: start, to: end, granularity: 'day' });
  return days.series.findLast((s) => s.cost !== 0)?.period ?? start;
}
