import { describe, expect, it } from 'vitest';
import { digestKey, lastCompletePeriod } from './digest-periods.js';

describe('digest periods', () => {
  it('a daily digest covers yesterday and compares it with the day before', () => {
    expect(lastCompletePeriod('daily', new Date('2025-06-03T00:00:01Z'))).toEqual({
      frequency: 'daily',
      from: '2025-06-02',
      to: '2025-06-02',
      previous: { from: '2025-06-01', to: '2025-06-01' },
    });
  });

  it('a weekly digest covers the last whole Monday-to-Sunday week, on any day of the next', () => {
    // 2025-06-09 is a Monday, 2025-06-15 a Sunday.
    for (const now of ['2025-06-09T00:00:00Z', '2025-06-12T13:00:00Z', '2025-06-15T23:59:59Z']) {
      expect(lastCompletePeriod('weekly', new Date(now))).toMatchObject({
        from: '2025-06-02',
        to: '2025-06-08',
        previous: { from: '2025-05-26', to: '2025-06-01' },
      });
    }
    expect(lastCompletePeriod('weekly', new Date('2025-06-16T00:00:00Z')).from).toBe('2025-06-09');
  });

  it('names one key per subscription and period', () => {
    const p = lastCompletePeriod('weekly', new Date('2025-06-12T13:00:00Z'));
    expect(digestKey('ndg_1', p)).toBe('digest:ndg_1:2025-06-02');
    expect(digestKey('ndg_1', lastCompletePeriod('weekly', new Date('2025-06-14T08:00:00Z')))).toBe(
      digestKey('ndg_1', p),
    );
  });
});
