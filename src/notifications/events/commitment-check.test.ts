import { describe, expect, it } from 'vitest';
import type { AlertRule } from '../rule-schemas.js';
import { commitmentCheck } from './commitment-check.js';
import type { CheckContext, EventSourcePorts } from './event-sources.js';

const rule = (id: string, days?: number): AlertRule => ({
  id,
  orgId: 'org',
  name: id,
  eventType: 'commitment_expiring',
  params: days === undefined ? {} : { days },
  channelIds: ['ch'],
  enabled: true,
  createdBy: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
});

const RI = {
  id: 'arn:aws:ec2:us-east-1:1:reserved-instances/ri-1',
  type: 'EC2',
  awsAccountId: '111111111111',
  end: '2026-02-15T00:00:00.000Z',
  daysLeft: 45,
  monthlySavingsAtStake: 32.74,
  currency: 'USD',
};

function run(rules: AlertRule[], asked: number[]) {
  const ports = {
    expiringCommitments: (_org: string, days: number) => {
      asked.push(days);
      return Promise.resolve([RI, { ...RI, id: 'sp-1', type: 'ComputeSavingsPlans', daysLeft: 80 }]);
    },
  } as unknown as EventSourcePorts;
  const ctx: CheckContext = {
    now: new Date('2026-01-01T00:00:00Z'),
    rulesOf: () => Promise.resolve(rules),
    lastEvent: () => Promise.resolve(undefined),
  };
  return commitmentCheck.find('org', ports, ctx);
}

describe('commitment_expiring events', () => {
  it("raises one event per rule and commitment within the rule's days, keyed by the end date", async () => {
    const asked: number[] = [];
    const events = await run([rule('r60'), rule('r90', 90)], asked);
    expect(asked).toEqual([90]);
    expect(events.map((e) => e.dedupeKey)).toEqual([
      `commitment_expiring:r60:${RI.id}:${RI.end}`,
      `commitment_expiring:r90:${RI.id}:${RI.end}`,
      `commitment_expiring:r90:sp-1:${RI.end}`,
    ]);
    expect(events[0]).toMatchObject({
      type: 'commitment_expiring',
      ruleId: 'r60',
      message: { title: 'EC2 ends in 45 days', path: '/commitments', severity: 'warning' },
    });
    expect(events[0].message.facts).toContainEqual({ label: 'Monthly savings at stake', value: '$32.74' });
  });

  it('asks nothing without a rule', async () => {
    const asked: number[] = [];
    expect(await run([], asked)).toEqual([]);
    expect(asked).toEqual([]);
  });
});
