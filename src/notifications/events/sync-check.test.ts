import { describe, expect, it } from 'vitest';
import type { EventType } from '../notification-types.js';
import type { AlertRule } from '../rule-schemas.js';
import type { CheckContext, EventSourcePorts } from './event-sources.js';
import { staleCheck } from './stale-check.js';
import { syncCheck } from './sync-check.js';

const NOW = new Date('2024-05-10T12:00:00Z');

function rule(eventType: EventType, params: Record<string, unknown> = {}): AlertRule {
  const at = '2024-05-01T00:00:00.000Z';
  return {
    id: `r_${eventType}`,
    orgId: 'o',
    name: eventType,
    eventType,
    params,
    channelIds: ['c'],
    enabled: true,
    createdBy: null,
    createdAt: at,
    updatedAt: at,
  };
}

function setup(status: Partial<Awaited<ReturnType<EventSourcePorts['accountStatus']>>>, last?: string) {
  const ports = {
    accounts: () => Promise.resolve([{ id: 'acc1', name: 'prod' }]),
    accountStatus: () =>
      Promise.resolve({
        state: 'healthy',
        runId: 'run9',
        message: null,
        lastSyncAt: null,
        lastAttemptAt: null,
        dataFreshness: null,
        ...status,
      }),
  } as unknown as EventSourcePorts;
  const ctx: CheckContext = {
    now: NOW,
    rulesOf: (_o, t) =>
      Promise.resolve(t === 'sync_failed' || t === 'billing_stale' ? [rule(t, { hours: 24 })] : []),
    lastEvent: () => Promise.resolve(last ? { type: last, dedupeKey: 'x' } : undefined),
  };
  return { ports, ctx };
}

describe('sync and stale-data checks', () => {
  it.each([
    ['failed', undefined, 'sync_failed'],
    ['degraded', undefined, 'sync_degraded'],
    ['healthy', 'sync_failed', 'sync_recovered'],
    ['healthy', 'sync_recovered', null],
    ['healthy', undefined, null],
    ['syncing', 'sync_failed', null],
  ])('an account %s after %s raises %s', async (state, last, expected) => {
    const { ports, ctx } = setup({ state, message: 'AccessDenied on s3:GetObject' }, last);
    const events = await syncCheck.find('o', ports, ctx);
    expect(events.map((e) => e.type)).toEqual(expected ? [expected] : []);
    if (expected) {
      expect(events[0].dedupeKey).toBe(`sync:acc1:run9:${expected}`);
      expect(events[0].message.path).toBe('/accounts/acc1');
    }
  });

  it('raises stale data once per spell, past the rule’s hours only', async () => {
    const fresh = setup({ lastSyncAt: '2024-05-10T00:00:00.000Z' });
    expect(await staleCheck.find('o', fresh.ports, fresh.ctx)).toEqual([]);
    const old = setup({ lastSyncAt: '2024-05-08T12:00:00.000Z', dataFreshness: '2024-05-07' });
    const [e] = await staleCheck.find('o', old.ports, old.ctx);
    expect(e).toMatchObject({
      type: 'billing_stale',
      ruleId: 'r_billing_stale',
      dedupeKey: 'billing_stale:r_billing_stale:acc1:2024-05-08T12:00:00.000Z',
    });
    expect(e.message.title).toBe('Billing data of "prod" is 48 hours old');
  });
});
