import type { SqlParam } from './store.js';

/** Parameters as both drivers accept them: Dates become ISO-8601 text, bigints become numbers. */
export function normalizeParams(
  params: readonly SqlParam[] | undefined,
): (string | number | boolean | null)[] {
  if (!params) return [];
  return params.map((p) => {
    if (p instanceof Date) return p.toISOString();
    if (typeof p === 'bigint') return Number(p);
    return p;
  });
}

/** Turns a DATE value into `YYYY-MM-DD` text so that both engines return the same thing. */
export function dateText(d: Date): string {
  return d.toISOString().slice(0, 10);
}
