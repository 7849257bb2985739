import type { BudgetService } from '../budgets/budget-service.js';
import type { CostService } from '../costs/cost-service.js';
import { addDays, daysBetween } from '../lib/dates.js';
import type { DigestPorts } from '../notifications/digests/digest-figures.js';
import type { EventSourcePorts } from '../notifications/events/event-sources.js';

/**
 * The digests' reads of other domains. Spend runs through the newest day with data, as on the dashboard: when the
 * data stops inside the period, the period before is cut to as many days, so the two compare like with like.
 */
export function digestPorts(
  events: EventSourcePorts,
  costs: Pick<CostService, 'dataThrough' | 'movers'>,
  budgets: Pick<BudgetService, 'list'>,
  isMember: DigestPorts['isMember'],
): DigestPorts {
  return {
    isMember,
    openAnomalies: events.openAnomalies,
    openRecommendations: events.openRecommendations,
    accounts: events.accounts,
    accountStatus: events.accountStatus,
    async spendMovers(orgId, current, previous) {
      const through = await costs.dataThrough(orgId, current.to);
      const to = through === null || through >= current.to ? current.to : through;
      const days = to < current.from ? 0 : daysBetween(current.from, to) + 1;
      if (days === 0) return { currency: 'USD', dataThrough: through, current: 0, previous: 0, movers: [] };
      const a = await costs.movers(orgId, {
        from: current.from,
        to,
        compareFrom: previous.from,
        compareTo: addDays(previous.from, days - 1),
        dimensions: [{ kind: 'service' }],
        limit: 5,
      });
      const movers = (a.dimensions[0]?.increases ?? []).concat(a.dimensions[0]?.decreases ?? []);
      return {
        currency: a.currency,
        dataThrough: through,
        current: a.current.total,
        previous: a.previous.total,
        movers: movers.map((m) => ({
          label: m.label,
          current: m.current,
          previous: m.previous,
          change: m.change,
        })),
      };
    },
    async budgetStatuses(orgId) {
      return (await budgets.list(orgId)).map((b) => ({
        id: b.id,
        name: b.name,
        state: b.status.state,
        percentUsed: b.status.percentUsed,
        forecastPercent: b.status.forecast.percent,
      }));
    },
  };
}
