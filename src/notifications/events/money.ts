/** An amount as people read it in a message: `$1,234.56`, or `1,234.56 XYZ` for a code Intl does not know. */
export function money(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${currency}`;
  }
}
