import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type Query } from './api';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Fetches again; the current data stays on screen until the answer arrives. */
  reload: () => void;
}

/**
 * GETs a path (null = not yet) and re-fetches when the path or query changes; with `pollMs` it refreshes
 * while mounted, e.g. a sync's progress. A stale answer never overwrites a newer one.
 */
export function useApi<T>(
  path: string | null,
  query?: Query,
  options: { pollMs?: number; keepPrevious?: boolean } = {},
): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(path !== null);
  const [tick, setTick] = useState(0);
  const key = path === null ? null : JSON.stringify([path, query ?? {}]);
  const lastKey = useRef<string | null>(null);

  useEffect(() => {
    if (key === null || path === null) {
      setLoading(false);
      return;
    }
    const controller = new AbortController();
    if (lastKey.current !== key) {
      // A different question: do not show the previous answer as if it were this one's (unless asked to, for a
      // refinement of the same question such as a bucket name filled into the policies).
      if (!options.keepPrevious) setData(undefined);
      lastKey.current = key;
    }
    setLoading(true);
    api
      .get<T>(path, query, controller.signal)
      .then((d) => {
        setData(d);
        setError(undefined);
        setLoading(false);
      })
      .catch((err: unknown) => {
        if (controller.signal.aborted) return;
        setError(err);
        setLoading(false);
      });
    return () => controller.abort();
    // `key` captures path and query by value, so they need not be dependencies themselves.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- path and query are covered by `key`
  }, [key, tick]);

  useEffect(() => {
    if (!options.pollMs || key === null) return;
    const id = setInterval(() => setTick((t) => t + 1), options.pollMs);
    return () => clearInterval(id);
  }, [options.pollMs, key]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

/** The value once it has stopped changing for `ms` (search boxes, fields that drive a request). */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}
