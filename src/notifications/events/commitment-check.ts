import type { RaisedEvent } from '../notification-types.js';
import type { EventCheck } from './event-sources.js';
import { money } from './money.js';

/**
 * A reserved instance or savings plan that ends within a rule's `days` raises one event for that rule, once per
 * commitment and end date (a renewal that moves the end raises it again when the new end comes near).
 */
export const commitmentCheck: EventCheck = {
  types: ['commitment_expiring'],
  async find(orgId, ports, ctx) {
    const rules = await ctx.rulesOf(orgId, 'commitment_expiring');
    if (rules.length === 0) return [];
    const widest = Math.max(...rules.map((r) => Number(r.params.days ?? 60)));
    const ending = await ports.expiringCommitments(orgId, widest);
    const out: RaisedEvent[] = [];
    for (const rule of rules) {
      const days = Number(rule.params.days ?? 60);
      for (const c of ending.filter((x) => x.daysLeft !== null && x.daysLeft <= days)) {
        const at = money(c.monthlySavingsAtStake, c.currency);
        out.push({
          orgId,
          type: 'commitment_expiring',
          ruleId: rule.id,
          dedupeKey: `commitment_expiring:${rule.id}:${c.id}:${c.end ?? ''}`,
          match: { accountId: c.awsAccountId ?? undefined, monthlySavings: c.monthlySavingsAtStake },
          message: {
            severity: 'warning',
            title: `${c.type} ends in ${c.daysLeft} days`,
            summary: `The commitment ${c.id} ends on ${c.end?.slice(0, 10) ?? '?'}; it saved ${at} last month. Renew it or plan for the usage it covers to run on demand.`,
            facts: [
              { label: 'Commitment', value: c.id },
              { label: 'Account', value: c.awsAccountId ?? 'unknown' },
              { label: 'Ends', value: c.end ?? 'unknown' },
              { label: 'Monthly savings at stake', value: at },
            ],
            path: '/commitments',
            data: {
              commitmentId: c.id,
              type: c.type,
              awsAccountId: c.awsAccountId,
              end: c.end,
              daysLeft: c.daysLeft,
              monthlySavingsAtStake: c.monthlySavingsAtStake,
              currency: c.currency,
            },
          },
        });
      }
    }
    return out;
  },
};
