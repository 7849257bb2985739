import { addDays, isoDate } from '../../lib/dates.js';
import type { RaisedEvent } from '../notification-types.js';
import type { EventCheck } from './event-sources.js';
import { money } from './money.js';

/** How far back a new anomaly may lie: older days are history, not news. */
const LOOKBACK_DAYS = 14;

/** Open cost increases found since the oldest anomaly rule was made, one event each. */
export const anomalyCheck: EventCheck = {
  types: ['cost_anomaly'],
  async find(orgId, ports, ctx) {
    const rules = await ctx.rulesOf(orgId, 'cost_anomaly');
    if (rules.length === 0) return [];
    const since = rules.map((r) => r.createdAt).sort()[0];
    const from = addDays(isoDate(ctx.now), -LOOKBACK_DAYS);
    const found = await ports.openAnomalies(orgId, from);
    return found
      .filter((a) => a.change > 0 && a.detectedAt >= since)
      .map((a): RaisedEvent => ({
        orgId,
        type: 'cost_anomaly',
        dedupeKey: `cost_anomaly:${a.id}`,
        match: { impact: a.change },
        message: {
          severity: 'warning',
          title: `Cost anomaly: ${a.label} cost ${money(a.change, a.currency)} more than expected`,
          summary: `On ${a.date} ${a.label} cost ${money(a.actual, a.currency)} against an expected ${money(a.expected, a.currency)}.`,
          facts: [
            { label: 'What', value: a.label },
            { label: 'Day', value: a.date },
            { label: 'Actual', value: money(a.actual, a.currency) },
            { label: 'Expected', value: money(a.expected, a.currency) },
            { label: 'Impact', value: money(a.change, a.currency) },
          ],
          path: `/costs?anomaly=${encodeURIComponent(a.id)}`,
          data: {
            anomalyId: a.id,
            label: a.label,
            date: a.date,
            currency: a.currency,
            actual: a.actual,
            expected: a.expected,
            impact: a.change,
          },
        },
      }));
  },
};
