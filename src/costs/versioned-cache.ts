/**
 * Per-organization values derived from the cost tables, kept until the organization's billing data changes. Every
 * billing load (export or Cost Explorer) writes `billing_periods`, so their count, newest load and row total are
 * the version: a load, a reload or a removed account gives a new one.
 */
import type { Store } from '../store/store.js';

export interface VersionedCache {
  get<T>(orgId: string, name: string, compute: () => Promise<T>): Promise<T>;
}

export function createVersionedCache(store: Pick<Store, 'query'>): VersionedCache {
  const entries = new Map<string, { version: string; value: unknown }>();
  return {
    async get<T>(orgId: string, name: string, compute: () => Promise<T>): Promise<T> {
      const [v] = await store.query<{ n: number; latest: Date | string | null; rows: number | null }>(
        'SELECT COUNT(*) AS n, MAX(loaded_at) AS latest, SUM(row_count) AS rows FROM billing_periods WHERE org_id = $1',
        [orgId],
      );
      const latest = v?.latest instanceof Date ? v.latest.toISOString() : String(v?.latest ?? '');
      const version = `${v?.n ?? 0}|${latest}|${v?.rows ?? 0}`;
      const key = `${orgId}\u0000${name}`;
      const hit = entries.get(key);
      if (hit && hit.version === version) return hit.value as T;
      const value = await compute();
      entries.set(key, { version, value });
      return value;
    },
  };
}
