import type { EventType, RaisedEvent } from '../notification-types.js';
import type { EventCheck } from './event-sources.js';

const SYNC_TYPES = ['sync_failed', 'sync_degraded', 'sync_recovered'] as const;

/**
 * An account whose last sync failed or degraded raises one event per run; one that is healthy again after such
 * an event raises `sync_recovered` once.
 */
export const syncCheck: EventCheck = {
  types: SYNC_TYPES,
  async find(orgId, ports, ctx) {
    let any = false;
    for (const t of SYNC_TYPES) if ((await ctx.rulesOf(orgId, t)).length > 0) any = true;
    if (!any) return [];
    const out: RaisedEvent[] = [];
    for (const account of await ports.accounts(orgId)) {
      const s = await ports.accountStatus(orgId, account.id);
      if (!s.runId) continue;
      const prefix = `sync:${account.id}:`;
      let type: EventType | undefined;
      if (s.state === 'failed') type = 'sync_failed';
      else if (s.state === 'degraded') type = 'sync_degraded';
      else if (s.state === 'healthy') {
        const last = await ctx.lastEvent(orgId, prefix);
        if (last && last.type !== 'sync_recovered') type = 'sync_recovered';
      }
      if (!type) continue;
      const words = {
        sync_failed: 'failed',
        sync_degraded: 'is degraded',
        sync_recovered: 'recovered',
      } as Record<string, string>;
      out.push({
        orgId,
        type,
        dedupeKey: `${prefix}${s.runId}:${type}`,
        match: { accountId: account.id },
        message: {
          severity: type === 'sync_failed' ? 'critical' : type === 'sync_degraded' ? 'warning' : 'info',
          title: `Sync of account "${account.name}" ${words[type]}`,
          summary:
            type === 'sync_recovered'
              ? `The last sync of "${account.name}" succeeded again.`
              : (s.message ?? 'See the account page for what went wrong and what to fix.'),
          facts: [
            { label: 'Account', value: account.name },
            { label: 'State', value: s.state },
            { label: 'Last successful sync', value: s.lastSyncAt ?? 'never' },
            { label: 'Data through', value: s.dataFreshness ?? 'no data yet' },
          ],
          path: `/accounts/${encodeURIComponent(account.id)}`,
          data: {
            accountId: account.id,
            accountName: account.name,
            state: s.state,
            runId: s.runId,
            message: s.message,
          },
        },
      });
    }
    return out;
  },
};
