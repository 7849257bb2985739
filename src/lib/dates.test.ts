import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  dayNumber,
  daysBetween,
  daysInMonth,
  eachDay,
  eachMonth,
  fromDayNumber,
  isIsoDate,
  isoDate,
  isoTimestamp,
  monthEnd,
  monthsBetween,
  monthStart,
  samePeriodLastMonth,
  weekday,
} from './dates.js';

const DAY_MS = 86_400_000;

describe('calendar dates', () => {
  it('agrees with the UTC calendar of Date on every day from 1999 to 2101 and on sampled days of 0000–9999', () => {
    const wrong: string[] = [];
    const check = (n: number) => {
      const viaDate = new Date(n * DAY_MS).toISOString().slice(0, 10);
      const weekdayOk = weekday(viaDate) === new Date(n * DAY_MS).getUTCDay();
      if (fromDayNumber(n) !== viaDate || dayNumber(viaDate) !== n || !weekdayOk) wrong.push(viaDate);
    };
    for (let n = dayNumber('1999-01-01'); n <= dayNumber('2101-12-31'); n++) check(n);
    // Date's toISOString writes years 0000–9999 with four digits, the range this module supports.
    for (let n = dayNumber('0000-01-01'); n <= dayNumber('9999-12-31'); n += 997) check(n);
    check(dayNumber('9999-12-31'));
    expect(wrong).toEqual([]);
  });

  it.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2000-02-29', true],
    ['1900-02-29', false],
    ['2000-02-30', false],
    ['2024-04-31', false],
    ['2024-12-31', true],
    ['2024-13-01', false],
    ['2024-00-10', false],
    ['2024-01-00', false],
    ['0000-01-01', true],
    ['9999-12-31', true],
    ['2024-1-5', false],
    ['+10000-01-01', false],
    ['2024-01-01T00:00:00Z', false],
    ['', false],
    ['garbage', false],
    [' 2024-01-01', false],
  ])('isIsoDate(%j) is %s', (s, ok) => {
    expect(isIsoDate(s)).toBe(ok);
  });

  it('month starts, ends and lengths, leap years included', () => {
    expect(monthStart('2024-02-17')).toBe('2024-02-01');
    expect(monthEnd('2024-02-17')).toBe('2024-02-29');
    expect(monthEnd('2023-02-01')).toBe('2023-02-28');
    expect(monthEnd('2000-02-10')).toBe('2000-02-29');
    expect(monthEnd('2100-02-10')).toBe('2100-02-28');
    expect(monthEnd('2024-12-05')).toBe('2024-12-31');
    expect(monthEnd('2024-04-30')).toBe('2024-04-30');
    expect(daysInMonth('2024-02-01')).toBe(29);
    expect(daysInMonth('2025-02-01')).toBe(28);
    expect(daysInMonth('2025-11-30')).toBe(30);
  });

  it('adds days across month and year ends', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-02-29', 1)).toBe('2024-03-01');
    expect(addDays('2023-12-31', 1)).toBe('2024-01-01');
    expect(addDays('2024-01-01', -1)).toBe('2023-12-31');
    expect(addDays('2024-03-01', -366)).toBe('2023-03-01');
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(daysBetween('2025-01-01', '2024-01-01')).toBe(-366);
  });

  it('adds months keeping the day, cut at the end of a shorter month', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2023-01-31', 1)).toBe('2023-02-28');
    expect(addMonths('2024-03-31', -1)).toBe('2024-02-29');
    expect(addMonths('2024-12-15', 1)).toBe('2025-01-15');
    expect(addMonths('2024-01-15', -1)).toBe('2023-12-15');
    expect(addMonths('2024-05-01', -24)).toBe('2022-05-01');
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(monthsBetween('2024-01-31', '2024-02-01')).toBe(1);
    expect(monthsBetween('2023-11-15', '2025-02-01')).toBe(15);
  });

  it('never leaves the years 0000–9999: it throws instead of producing text that is not a date', () => {
    expect(() => addDays('9999-12-31', 1)).toThrow(RangeError);
    expect(() => addDays('0000-01-01', -1)).toThrow(RangeError);
    expect(() => addMonths('9999-12-01', 1)).toThrow(RangeError);
    expect(() => addMonths('0000-01-31', -1)).toThrow(RangeError);
    expect(() => dayNumber('2000-02-30')).toThrow(RangeError);
    expect(() => monthStart('garbage')).toThrow(RangeError);
    expect(() => isoDate(new Date(Date.UTC(10000, 0, 1)))).toThrow(RangeError);
    expect(() => isoDate(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('lists days and months by count, also at the last supported year and for reversed ranges', () => {
    expect(eachDay('9999-12-29', '9999-12-31')).toEqual(['9999-12-29', '9999-12-30', '9999-12-31']);
    expect(eachMonth('9999-11-15', '9999-12-31')).toEqual(['9999-11-01', '9999-12-01']);
    expect(eachDay('2024-02-27', '2024-03-01')).toEqual([
      '2024-02-27',
      '2024-02-28',
      '2024-02-29',
      '2024-03-01',
    ]);
    expect(eachMonth('2023-12-31', '2024-02-01')).toEqual(['2023-12-01', '2024-01-01', '2024-02-01']);
    expect(eachDay('2024-03-02', '2024-03-01')).toEqual([]);
    expect(eachMonth('2024-03-02', '2024-03-01')).toEqual([]);
    expect(eachDay('2000-01-01', '2002-12-31')).toHaveLength(1096);
  });

  it('the same days of the previous month', () => {
    expect(samePeriodLastMonth('2024-03-01', '2024-03-31')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(samePeriodLastMonth('2024-01-01', '2024-01-15')).toEqual({ from: '2023-12-01', to: '2023-12-15' });
    expect(samePeriodLastMonth('2025-03-01', '2025-03-30')).toEqual({ from: '2025-02-01', to: '2025-02-28' });
  });

  it('formats instants and UTC days', () => {
    expect(isoDate(new Date('2024-03-01T23:59:59.999Z'))).toBe('2024-03-01');
    expect(isoDate(new Date('2024-03-01T00:30:00+01:00'))).toBe('2024-02-29');
    expect(isoTimestamp(null)).toBeNull();
    expect(isoTimestamp(undefined)).toBeNull();
    expect(isoTimestamp('2024-03-01 12:00:00+00')).toBe('2024-03-01T12:00:00.000Z');
    expect(isoTimestamp(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
  });
});
