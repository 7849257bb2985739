import { describe, expect, it } from 'vitest';
import { digestMessage, eventLabel, type DigestFigures } from './digest-message.js';
import { lastCompletePeriod } from './digest-periods.js';

const figures: DigestFigures = {
  currency: 'USD',
  dataThrough: '2025-06-08',
  spend: 1100,
  previousSpend: 1000,
  movers: [
    { label: 'Amazon EC2', current: 600, previous: 450, change: 150 },
    { label: 'Amazon S3', current: 100, previous: 150, change: -50 },
  ],
  budgetsAtRisk: [{ id: 'bud_1', name: 'EC2', state: 'over', percentUsed: 104.2, forecastPercent: 130 }],
  anomalies: [{ id: 'an_1', label: 'Amazon EC2', date: '2025-06-05', change: 250, currency: 'USD' }],
  openSavings: { monthly: 450, currency: 'USD', count: 7 },
  syncProblems: [],
  alerts: [
    { type: 'budget_threshold', count: 2 },
    { type: 'contract_renewal', count: 1 },
  ],
};

describe('digest message', () => {
  it('states spend against the period before, budgets at risk, anomalies, savings and alerts', () => {
    const m = digestMessage(lastCompletePeriod('weekly', new Date('2025-06-10T08:00:00Z')), figures);
    expect(m.title).toBe('Weekly digest: 2025-06-02 to 2025-06-08');
    expect(m.summary).toBe(
      'Spend of $1,100.00, up $100.00 from $1,000.00 the week before. 1 budget at risk, 1 new anomaly, $450.00 a month in open savings.',
    );
    expect(m.severity).toBe('warning');
    expect(Object.fromEntries(m.facts.map((f) => [f.label, f.value]))).toEqual({
      Spend: '$1,100.00',
      'Previous week': '$1,000.00',
      Change: '+$100.00 (+10.0 %)',
      'Top movers': 'Amazon EC2 +$150.00; Amazon S3 −$50.00',
      'Budgets at risk': 'EC2: 104.2 % used, forecast 130.0 %',
      'New anomalies': 'Amazon EC2 on 2025-06-05 (+$250.00)',
      'Open savings': '$450.00 a month (7 recommendations)',
      'Sync problems': 'None',
      Alerts: 'Budget threshold crossed: 2; contract renewal: 1',
    });
    expect(m.facts.length).toBeLessThanOrEqual(10);
  });

  it('labels an event type it does not know by its name', () => {
    expect(eventLabel('cost_anomaly')).toBe('New cost anomaly');
    expect(eventLabel('some_new_event')).toBe('some new event');
  });
});
