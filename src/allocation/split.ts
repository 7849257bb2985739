/**
 * Splitting an amount across values so that the parts sum exactly to it: in integer units of 1e-10 (the line
 * items' precision, exact-money.ts), each part the floor of its weighted share, and the units left over given one
 * each to the parts with the largest remainders (ties: the order given). No unit is lost or created.
 */

/** Parts of `amount` in proportion to `weights` (non-negative, at least one positive), in the weights' order. */
export function splitUnits(amount: bigint, weights: readonly bigint[]): bigint[] {
  if (weights.some((w) => w < 0n)) throw new Error('weights must not be negative');
  const total = weights.reduce((s, w) => s + w, 0n);
  if (total === 0n) throw new Error('at least one weight must be positive');
  const negative = amount < 0n;
  const abs = negative ? -amount : amount;
  const parts = weights.map((w) => (abs * w) / total);
  const remainders = weights.map((w, i) => ({ i, r: (abs * w) % total }));
  let left = abs - parts.reduce((s, x) => s + x, 0n);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left === 0n) break;
    parts[i] += 1n;
    left -= 1n;
  }
  return negative ? parts.map((x) => -x) : parts;
}
