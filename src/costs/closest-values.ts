/**
 * The known values closest to a value that matched nothing, for the warning a cost answer gives on a filter such
 * as `service=Amazon EC2` (the bill says "Amazon Elastic Compute Cloud"; its service code is "AmazonEC2").
 */

/** A known value and other names it goes by (a service's code); any of them may match. */
export interface Candidate {
  value: string;
  aliases?: readonly string[];
}

const normalize = (s: string): string => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

/** Edit distance (insertions, deletions, substitutions), two rows at a time. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/** 0 = the same once case, spaces and punctuation are ignored; 1 = nothing alike. */
export function distance(asked: string, known: string): number {
  const a = normalize(asked);
  const k = normalize(known);
  if (a === k) return 0;
  if (a.length === 0 || k.length === 0) return 1;
  if (k.includes(a) || a.includes(k))
    return 0.25 * (1 - Math.min(a.length, k.length) / Math.max(a.length, k.length));
  return editDistance(a, k) / Math.max(a.length, k.length);
}

/** Up to `count` known values closest to `asked`, closest first; none when nothing is reasonably alike. */
export function closestValues(asked: string, candidates: readonly Candidate[], count = 3): string[] {
  return candidates
    .map((c) => ({
      value: c.value,
      d: Math.min(distance(asked, c.value), ...(c.aliases ?? []).map((x) => distance(asked, x))),
    }))
    .filter((c) => c.d <= 0.7)
    .sort((x, y) => x.d - y.d || x.value.localeCompare(y.value))
    .slice(0, count)
    .map((c) => c.value);
}
