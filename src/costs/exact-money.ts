/**
 * Exact sums of money at the line items' precision (10 decimal places). The database sums DECIMAL columns
 * exactly and hands them over as text; adding those as JavaScript numbers would round at every step (a double
 * holds about 16 significant digits), so sums over periods and groups are made here in integers of 1e-10 and
 * rounded once, for the answer.
 */

/** Decimal places kept: those of `cost_line_items` and `cost_daily` (DECIMAL(18,10)). */
export const MONEY_SCALE = 10;
const UNIT = 10n ** BigInt(MONEY_SCALE);

/**
 * An amount in units of 1e-10, from the database's text of a DECIMAL (or a number, taken to 10 decimal places;
 * NULL is 0). Digits past the tenth decimal are dropped; the stored columns have none.
 */
export function toUnits(value: unknown): bigint {
  if (value === null || value === undefined || value === '') return 0n;
  const text = typeof value === 'number' ? value.toFixed(MONEY_SCALE) : String(value).trim();
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m) {
    // Exponent notation (a DOUBLE rendered as text): through a number.
    const n = Number(text);
    if (!Number.isFinite(n)) throw new Error(`not an amount: ${text}`);
    return toUnits(n);
  }
  const fraction = (m[3] ?? '').slice(0, MONEY_SCALE).padEnd(MONEY_SCALE, '0');
  const units = BigInt(m[2] || '0') * UNIT + BigInt(fraction);
  return m[1] === '-' ? -units : units;
}

/** The amount as a number rounded half away from zero to `decimals` places (6 for answers, 2 for cents). */
export function unitsToNumber(units: bigint, decimals = 6): number {
  const step = 10n ** BigInt(MONEY_SCALE - decimals);
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const rounded = (abs + step / 2n) / step;
  const scale = 10n ** BigInt(decimals);
  const text = `${rounded / scale}.${(rounded % scale).toString().padStart(decimals, '0')}`;
  const n = Number(text);
  return negative && n !== 0 ? -n : n;
}

/** SQL: a money expression as exact text (both engines render DECIMAL/NUMERIC in plain notation). */
export function exactText(expr: string): string {
  return `CAST(${expr} AS VARCHAR)`;
}
