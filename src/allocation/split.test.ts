import { describe, expect, it } from 'vitest';
import { splitUnits } from './split.js';

const sum = (xs: bigint[]) => xs.reduce((s, x) => s + x, 0n);

describe('splitUnits', () => {
  it('splits evenly with the leftover units to the first parts', () => {
    expect(splitUnits(10n, [1n, 1n, 1n])).toEqual([4n, 3n, 3n]);
    expect(splitUnits(-10n, [1n, 1n, 1n])).toEqual([-4n, -3n, -3n]);
  });

  it('gives the leftover to the largest remainders', () => {
    // 100 × 1/6 = 16.67, × 2/6 = 33.33, × 3/6 = 50
    expect(splitUnits(100n, [1n, 2n, 3n])).toEqual([17n, 33n, 50n]);
  });

  it('always sums exactly to the amount', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let n = 0; n < 500; n++) {
      const amount = BigInt(Math.floor((rnd() - 0.3) * 1e15));
      const weights = Array.from({ length: 1 + Math.floor(rnd() * 7) }, () =>
        BigInt(Math.floor(rnd() * 1e12)),
      );
      if (sum(weights) === 0n) weights[0] = 1n;
      const parts = splitUnits(amount, weights);
      expect(sum(parts)).toBe(amount);
      weights.forEach((w, i) => {
        if (w === 0n) expect(parts[i]).toBe(0n);
      });
    }
  });

  it('refuses weights that cannot split', () => {
    expect(() => splitUnits(5n, [0n, 0n])).toThrow(/positive/);
    expect(() => splitUnits(5n, [1n, -1n])).toThrow(/negative/);
  });
});
