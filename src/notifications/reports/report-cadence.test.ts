import { describe, expect, it } from 'vitest';
import { cadenceText, lastOccurrence, nextDue } from './report-cadence.js';

describe('report cadence', () => {
  it('is due at the start of the next matching day, strictly after now', () => {
    // 2026-12-03 is a Thursday.
    const now = new Date('2026-12-03T10:00:00Z');
    expect(nextDue({ frequency: 'weekly', day: 1 }, now).toISOString()).toBe('2026-12-07T00:00:00.000Z');
    expect(nextDue({ frequency: 'weekly', day: 4 }, now).toISOString()).toBe('2026-12-10T00:00:00.000Z');
    expect(nextDue({ frequency: 'weekly', day: 5 }, now).toISOString()).toBe('2026-12-04T00:00:00.000Z');
    expect(nextDue({ frequency: 'monthly', day: 1 }, now).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(nextDue({ frequency: 'monthly', day: 3 }, now).toISOString()).toBe('2027-01-03T00:00:00.000Z');
    expect(nextDue({ frequency: 'monthly', day: 28 }, now).toISOString()).toBe('2026-12-28T00:00:00.000Z');
    expect(nextDue({ frequency: 'monthly', day: 28 }, new Date('2027-01-31T00:00:00Z')).toISOString()).toBe(
      '2027-02-28T00:00:00.000Z',
    );
  });

  it('names the occurrence a late run sends, and reads in words', () => {
    const now = new Date('2026-12-03T10:00:00Z');
    expect(lastOccurrence({ frequency: 'weekly', day: 1 }, now)).toBe('2026-11-30');
    expect(lastOccurrence({ frequency: 'weekly', day: 4 }, now)).toBe('2026-12-03');
    expect(lastOccurrence({ frequency: 'monthly', day: 5 }, now)).toBe('2026-11-05');
    expect(cadenceText({ frequency: 'weekly', day: 1 })).toBe('weekly on Monday');
    expect(cadenceText({ frequency: 'monthly', day: 1 })).toBe('monthly on day 1');
  });
});
