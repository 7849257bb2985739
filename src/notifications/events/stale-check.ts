import type { RaisedEvent } from '../notification-types.js';
import type { EventCheck } from './event-sources.js';

const HOUR = 3_600_000;

/**
 * An account whose last successful sync is older than a rule's `hours` raises one event for that rule, once per
 * stale spell (the key holds the last success, so the next success ends the spell).
 */
export const staleCheck: EventCheck = {
  types: ['billing_stale'],
  async find(orgId, ports, ctx) {
    const rules = await ctx.rulesOf(orgId, 'billing_stale');
    if (rules.length === 0) return [];
    const out: RaisedEvent[] = [];
    for (const account of await ports.accounts(orgId)) {
      const s = await ports.accountStatus(orgId, account.id);
      const since = s.lastSyncAt ?? null;
      if (!since) continue;
      const hours = (ctx.now.getTime() - new Date(since).getTime()) / HOUR;
      for (const rule of rules) {
        const limit = Number(rule.params.hours ?? 48);
        if (hours <= limit) continue;
        out.push({
          orgId,
          type: 'billing_stale',
          ruleId: rule.id,
          dedupeKey: `billing_stale:${rule.id}:${account.id}:${since}`,
          match: { accountId: account.id },
          message: {
            severity: 'warning',
            title: `Billing data of "${account.name}" is ${Math.floor(hours)} hours old`,
            summary: `No sync of "${account.name}" succeeded for more than ${limit} hours; costs, budgets and anomalies stand still.`,
            facts: [
              { label: 'Account', value: account.name },
              { label: 'Last successful sync', value: since },
              { label: 'Data through', value: s.dataFreshness ?? 'no data yet' },
              { label: 'State', value: s.state },
            ],
            path: `/accounts/${encodeURIComponent(account.id)}`,
            data: {
              accountId: account.id,
              accountName: account.name,
              lastSyncAt: since,
              hours: Math.floor(hours),
              limitHours: limit,
            },
          },
        });
      }
    }
    return out;
  },
};
