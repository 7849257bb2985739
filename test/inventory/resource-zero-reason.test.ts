import { describe, expect, it } from 'vitest';
import { zeroReasonOf } from '../../src/inventory/resource-detail.js';

/** Why a resource's billed cost over the bill's last 30 days is zero, from its lines (GET /api/v1/resources/detail). */
describe('why a resource cost nothing', () => {
  const line = (lineType: string, billed: number, extra: { committed?: number; freeTier?: number } = {}) => ({
    lineType,
    lines: 24,
    billed,
    effective: lineType === 'Usage' ? billed : 3.5,
    committed: extra.committed ?? 0,
    freeTier: extra.freeTier ?? 0,
  });
  const seen = new Date('2026-10-01T00:00:00Z');
  const base = { firstSeenAt: seen, newestDay: '2026-12-02', billed: 0 };

  it('gives no reason when it cost something', () => {
    expect(zeroReasonOf({ ...base, billed: 12.4, lineTypes: [line('Usage', 12.4)] })).toBeNull();
  });
  it('says no bill is loaded when its account has none', () => {
    expect(zeroReasonOf({ ...base, newestDay: null, lineTypes: [] })).toBe('no_bill');
  });
  it('says it is not in the bill yet when it appeared on or after the bill’s newest day', () => {
    const firstSeenAt = new Date('2026-12-02T15:00:00Z');
    expect(zeroReasonOf({ ...base, firstSeenAt, lineTypes: [] })).toBe('not_in_bill_yet');
    expect(zeroReasonOf({ ...base, lineTypes: [] })).toBe('not_billed');
  });
  it('names a reservation or savings plan that paid for it', () => {
    expect(zeroReasonOf({ ...base, lineTypes: [line('DiscountedUsage', 0)] })).toBe('covered_by_commitment');
    expect(
      zeroReasonOf({
        ...base,
        lineTypes: [line('SavingsPlanCoveredUsage', 3.5), line('SavingsPlanNegation', -3.5)],
      }),
    ).toBe('covered_by_commitment');
  });
  it('tells the free tier from other lines priced at zero', () => {
    expect(zeroReasonOf({ ...base, lineTypes: [line('Usage', 0, { freeTier: 24 })] })).toBe('free_tier');
    expect(zeroReasonOf({ ...base, lineTypes: [line('Usage', 0)] })).toBe('zero_priced');
  });
});
