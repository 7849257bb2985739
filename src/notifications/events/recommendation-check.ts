import type { RaisedEvent } from '../notification-types.js';
import type { EventCheck } from './event-sources.js';
import { money } from './money.js';

/** Open recommendations made since the oldest recommendation rule was, one event each. */
export const recommendationCheck: EventCheck = {
  types: ['recommendation_new'],
  async find(orgId, ports, ctx) {
    const rules = await ctx.rulesOf(orgId, 'recommendation_new');
    if (rules.length === 0) return [];
    const since = rules.map((r) => r.createdAt).sort()[0];
    const recs = await ports.openRecommendations(orgId);
    return recs
      .filter((r) => r.createdAt >= since)
      .map((r): RaisedEvent => ({
        orgId,
        type: 'recommendation_new',
        dedupeKey: `recommendation_new:${r.id}`,
        match: { monthlySavings: r.monthlySavings },
        message: {
          severity: 'info',
          title: `Save ${money(r.monthlySavings, r.currency)} a month: ${r.title}`,
          summary: `A new recommendation (${r.rule}) for ${r.resourceId} in AWS account ${r.awsAccountId}.`,
          facts: [
            { label: 'Resource', value: r.resourceId },
            { label: 'Account', value: r.awsAccountId },
            { label: 'Monthly saving', value: money(r.monthlySavings, r.currency) },
          ],
          path: `/recommendations?id=${encodeURIComponent(r.id)}`,
          data: {
            recommendationId: r.id,
            rule: r.rule,
            resourceId: r.resourceId,
            monthlySavings: r.monthlySavings,
            currency: r.currency,
          },
        },
      }));
  },
};
