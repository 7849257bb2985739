import { describe, expect, it } from 'vitest';
import { cellOf, formatTable, headerOf, localTime } from './output.js';

describe('CLI tables', () => {
  it.each([
    ['awsAccountId', 'AWS account ID'],
    ['id', 'ID'],
    ['lastSync', 'Last sync'],
    ['lastUsedAt', 'Last used'],
    ['manageCloudCredentials', 'Manage cloud credentials'],
    ['cost30d', 'Cost (30 days)'],
    ['2024-05', '2024-05'],
  ])('header of %s is "%s"', (key, header) => {
    expect(headerOf(key)).toBe(header);
  });

  it('right-aligns numbers with thousands separators and leaves identifiers alone', () => {
    const out = formatTable(
      [
        { group: 'Amazon EC2', total: '1234567.50', account: '100000000001', runs: 12000 },
        { group: 'S3', total: '-3.25', account: '200000000002', runs: 7 },
        { group: 'Estimate', total: '12.30*', account: '', runs: null },
      ],
      ['group', 'total', 'account', 'runs'],
    );
    expect(out).toBe(
      [
        'Group              Total  Account         Runs',
        'Amazon EC2  1,234,567.50  100000000001  12,000',
        'S3                 -3.25  200000000002       7',
        'Estimate          12.30*',
        '',
      ].join('\n'),
    );
  });

  it('shows times in the given time zone, and plain dates as they are', () => {
    expect(localTime('2024-05-01T22:30:00.000Z', 'Asia/Tokyo')).toBe('2024-05-02 07:30 GMT+9');
    expect(localTime('2024-05-01T22:30:00Z', 'UTC')).toBe('2024-05-01 22:30 UTC');
    expect(cellOf('2024-05-01')).toEqual({ text: '2024-05-01', numeric: false });
    expect(cellOf(true).text).toBe('yes');
  });

  it('says (none) for no rows', () => {
    expect(formatTable([], ['id'])).toBe('(none)\n');
  });
});
