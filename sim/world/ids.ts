import { createHash } from 'node:crypto';

/** Deterministic hex digest of the parts, used for every derived ID so a seed reproduces a world. */
export function hexId(...parts: Array<string | number>): string {
  return createHash('sha256').update(parts.join('|')).digest('hex');
}

export function resourceId(prefix: string, seed: number, ...parts: Array<string | number>): string {
  return `${prefix}-${hexId(seed, prefix, ...parts).slice(0, 17)}`;
}

/** A uniform number in [0, 1) from the parts. */
export function unit(...parts: Array<string | number>): number {
  return parseInt(hexId(...parts).slice(0, 12), 16) / 2 ** 48;
}

export function uuidFrom(...parts: Array<string | number>): string {
  const h = hexId(...parts);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function publicIpFrom(...parts: Array<string | number>): string {
  const h = hexId(...parts);
  // 3.x.x.x and 54.x.x.x are typical EC2 ranges; the exact block does not matter to consumers.
  const first = parseInt(h.slice(0, 2), 16) % 2 === 0 ? 3 : 54;
  return [
    first,
    parseInt(h.slice(2, 4), 16),
    parseInt(h.slice(4, 6), 16),
    (parseInt(h.slice(6, 8), 16) % 253) + 1,
  ].join('.');
}
