import { describe, expect, it } from 'vitest';
import { InputError } from '../lib/errors.js';
import { parseCostQuery, parseFilters, parseGroupBy } from './cost-query.js';
import { samePeriodLastMonth } from '../lib/dates.js';

const TODAY = '2024-06-15';

describe('cost query text form', () => {
  it.each([
    ['service,account', ['service', 'account']],
    ['charge_category', ['chargeCategory']],
    ['usage-type', ['usageType']],
    ['tag:user:team', ['tag:user:team']],
    ['tag:user:cost,center,service', ['tag:user:cost,center', 'service']],
    ['tag:$.*', ['tag:$.*']],
    ['tag:"cost=center, eu",service', ['tag:cost=center, eu', 'service']],
    ['tag:"say \\"hi\\""', ['tag:say "hi"']],
  ])('groupBy %s', (text, names) => {
    expect(parseGroupBy(text).map((d) => (d.kind === 'tag' ? `tag:${d.key}` : d.kind))).toEqual(names);
  });

  it('reads costCategory:NAME (also cost_category:) as a group and a filter, and names an empty one', () => {
    expect(parseGroupBy('costCategory:CostCenter,service')).toEqual([
      { kind: 'costCategory', name: 'CostCenter' },
      { kind: 'service' },
    ]);
    expect(parseFilters(['cost_category:Business Unit=Retail'], ['costCategory:CostCenter='])).toEqual([
      { dimension: { kind: 'costCategory', name: 'Business Unit' }, values: ['Retail'], exclude: false },
      { dimension: { kind: 'costCategory', name: 'CostCenter' }, values: [null], exclude: true },
    ]);
    expect(() => parseGroupBy('costCategory:')).toThrow(
      /groupBy: "costCategory:" needs a cost category name/,
    );
  });

  it('refuses more than two dimensions, repeats and unknown names, naming the field', () => {
    expect(() => parseGroupBy('service,account,region')).toThrow(/at most two/);
    expect(() => parseGroupBy('service,service')).toThrow(/differ/);
    try {
      parseGroupBy('colour');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).field).toBe('groupBy');
    }
  });

  it('takes a quoted tag key as a JSON string, so that keys may hold = and ,', () => {
    expect(parseFilters(['tag:"a=b"=x=y', 'tag:$[0]=v', 'tag:"q\\"="='], [])).toEqual([
      { dimension: { kind: 'tag', key: 'a=b' }, values: ['x=y'], exclude: false },
      { dimension: { kind: 'tag', key: '$[0]' }, values: ['v'], exclude: false },
      { dimension: { kind: 'tag', key: 'q"=' }, values: [null], exclude: false },
    ]);
    expect(() => parseFilters(['tag:"open=x'], [])).toThrow(/filter: .*DIMENSION=VALUE/);
    expect(() => parseFilters(['tag:"a"b=x'], [])).toThrow(/filter: tag:"…" must hold one JSON string/);
  });

  it('parses include and exclude filters; repeated dimensions are alternatives; empty means no value', () => {
    const f = parseFilters(
      ['service=Amazon EC2', 'service=AWS Lambda', 'tag:user:team='],
      ['region=us-east-1'],
    );
    expect(f).toEqual([
      { dimension: { kind: 'service' }, values: ['Amazon EC2', 'AWS Lambda'], exclude: false },
      { dimension: { kind: 'tag', key: 'user:team' }, values: [null], exclude: false },
      { dimension: { kind: 'region' }, values: ['us-east-1'], exclude: true },
    ]);
    expect(() => parseFilters(['service'], [])).toThrow(/DIMENSION=VALUE/);
  });

  it('checks dates, ranges, limit and currency', () => {
    expect(() => parseCostQuery({ from: '2024-02-30', to: '2024-03-01' }, TODAY)).toThrow(/from/);
    expect(() => parseCostQuery({ from: '2024-03-02', to: '2024-03-01' }, TODAY)).toThrow(/before/);
    expect(() => parseCostQuery({ from: '2021-01-01', to: '2024-03-01', granularity: 'day' }, TODAY)).toThrow(
      /from: a range by day covers at most 1096 days.*granularity=month/,
    );
    expect(() => parseCostQuery({ from: '9999-12-01', to: '9999-12-31' }, TODAY)).toThrow(
      /from: must be a calendar date YYYY-MM-DD from 2000-01-01 to 2029-06-15/,
    );
    expect(() =>
      parseCostQuery({ from: '2024-01-01', to: '2024-01-02', granularity: 'week' as 'day' }, TODAY),
    ).toThrow(/granularity/);
    expect(() => parseCostQuery({ from: '2024-01-01', to: '2024-01-02', limit: 0 }, TODAY)).toThrow(/limit/);
    expect(() =>
      parseCostQuery({ from: '2024-01-01', to: '2024-01-02', currency: 'dollars' }, TODAY),
    ).toThrow(/currency/);
    const q = parseCostQuery({ from: '2024-01-01', to: '2024-01-31', currency: 'eur' }, TODAY);
    expect(q).toMatchObject({
      granularity: 'month',
      basis: 'billed',
      currency: 'EUR',
      limit: 50,
      groupBy: [],
    });
  });

  it('finds the same period of last month, cut at its end', () => {
    expect(samePeriodLastMonth('2024-03-01', '2024-03-31')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(samePeriodLastMonth('2024-03-01', '2024-03-10')).toEqual({ from: '2024-02-01', to: '2024-02-10' });
    expect(samePeriodLastMonth('2024-01-01', '2024-01-15')).toEqual({ from: '2023-12-01', to: '2023-12-15' });
  });
});
