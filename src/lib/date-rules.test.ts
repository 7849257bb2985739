import { describe, expect, it } from 'vitest';
import { checkDate, checkDateRange, checkOptionalDate, dateWindow } from './date-rules.js';
import { InputError } from './errors.js';

const TODAY = '2026-03-31';

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('no error');
}

describe('dates users send', () => {
  it('the window runs from 2000-01-01 to five years after today', () => {
    expect(dateWindow(TODAY)).toEqual({ earliest: '2000-01-01', latest: '2031-03-31' });
    expect(dateWindow('2028-02-29')).toEqual({ earliest: '2000-01-01', latest: '2033-02-28' });
  });

  it.each(['2000-01-01', '2024-02-29', TODAY, '2031-03-31'])('accepts %s', (d) => {
    expect(checkDate(d, 'from', TODAY)).toBe(d);
  });

  it.each([
    '1999-12-31',
    '2031-04-01',
    '9999-12-31',
    '0000-01-01',
    '2000-02-30',
    '2023-02-29',
    '',
    'garbage',
    '2024-1-5',
    '2024-01-01T00:00:00Z',
    '+010000-01-01',
    42,
    null,
  ])('refuses %j naming the parameter and the allowed range', (d) => {
    const e = inputError(() => checkDate(d, 'asOf', TODAY));
    expect(e.field).toBe('asOf');
    expect(e.message).toMatch(
      /^asOf: must be a calendar date YYYY-MM-DD from 2000-01-01 to 2031-03-31; got /,
    );
  });

  it('an optional date may be absent', () => {
    expect(checkOptionalDate(undefined, 'to', TODAY)).toBeUndefined();
    expect(() => checkOptionalDate('', 'to', TODAY)).toThrow(/to: must be a calendar date/);
  });

  it('refuses reversed ranges, naming the end', () => {
    const e = inputError(() => checkDateRange({ from: '2024-03-02', to: '2024-03-01' }, TODAY));
    expect(e.field).toBe('to');
    expect(e.message).toBe('to: 2024-03-01 is before from 2024-03-02');
    const c = inputError(() =>
      checkDateRange(
        { from: '2024-03-02', to: '2024-03-01', fromField: 'compareFrom', toField: 'compareTo' },
        TODAY,
      ),
    );
    expect(c.message).toBe('compareTo: 2024-03-01 is before compareFrom 2024-03-02');
  });

  it('a range by day covers at most 1096 days, by month at most 240 months', () => {
    expect(checkDateRange({ from: '2021-01-01', to: '2024-01-01', granularity: 'day' }, TODAY)).toEqual({
      from: '2021-01-01',
      to: '2024-01-01',
    });
    const day = inputError(() =>
      checkDateRange({ from: '2021-01-01', to: '2024-01-02', granularity: 'day' }, TODAY),
    );
    expect(day.field).toBe('from');
    expect(day.message).toMatch(/at most 1096 days .*covers 1097/);
    expect(checkDateRange({ from: '2006-04-15', to: '2026-03-01' }, TODAY).from).toBe('2006-04-15');
    const month = inputError(() => checkDateRange({ from: '2006-03-31', to: '2026-03-01' }, TODAY));
    expect(month.message).toMatch(/at most 240 months .*covers 241/);
  });
});
