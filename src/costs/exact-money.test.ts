import { describe, expect, it } from 'vitest';
import { toUnits, unitsToNumber } from './exact-money.js';

describe('exact money', () => {
  it.each([
    ['123.4567890123', 1234567890123n],
    ['-0.0000000001', -1n],
    ['0', 0n],
    ['.5', 5000000000n],
    ['-12', -120000000000n],
    ['99999999.9999999999', 999999999999999999n],
    ['1.23456789012345', 12345678901n],
  ])('reads %s', (text, units) => expect(toUnits(text)).toBe(units));

  it('reads numbers, NULL and exponent notation', () => {
    expect(toUnits(1.5)).toBe(15000000000n);
    expect(toUnits(null)).toBe(0n);
    expect(toUnits('1e-7')).toBe(1000n);
    expect(() => toUnits('abc')).toThrow('not an amount: abc');
  });

  it('sums exactly where doubles do not', () => {
    const parts = ['112525.7249999999', '0.0000000001', '0.1', '0.2'];
    const exact = parts.reduce((s, p) => s + toUnits(p), 0n);
    expect(unitsToNumber(exact, 10)).toBe(112526.025);
    expect(parts.reduce((s, p) => s + Number(p), 0)).not.toBe(112526.025);
  });

  it('rounds half away from zero, once', () => {
    expect(unitsToNumber(toUnits('4062.8795985000'))).toBe(4062.879599);
    expect(unitsToNumber(toUnits('4062.8795984999'))).toBe(4062.879598);
    expect(unitsToNumber(toUnits('-0.0000005'))).toBe(-0.000001);
    expect(unitsToNumber(toUnits('-0.0000004'))).toBe(0);
    expect(unitsToNumber(toUnits('112525.725'), 2)).toBe(112525.73);
    expect(unitsToNumber(toUnits('112525.7249999999'), 2)).toBe(112525.72);
  });
});
