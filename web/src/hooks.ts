import { useCallback, useEffect, useState } from 'react';
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
  const [tick, setTick] = useState(0);
  const key = path === null ? null : JSON.stringify([path, query ?? {}]);
  // Set only when an answer arrives; what is shown is derived from it and the question being asked now.
  const [answer, setAnswer] = useState<Answer<T>>({ data: undefined, dataKey: null, error: undefined });

  useEffect(() => {
    if (key === null || path === null) return;
    const controller = new AbortController();
    const settled = { key, tick };
    api
      .get<T>(path, query, controller.signal)
      .then((d) => {
        if (controller.signal.aborted) return;
        setAnswer({ data: d, dataKey: key, error: undefined, settled });
      })
      .catch((err: unknown) => {
        if (controller.signal.aborted) return;
        // A failed question has no data of its own: the previous question's answer is not kept for it (unless
        // asked to keep it).
        setAnswer((a) =>
          a.dataKey === key || options.keepPrevious
            ? { ...a, error: err, settled }
            : { data: undefined, dataKey: key, error: err, settled },
        );
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
  // A different question does not show the previous answer as if it were its own (unless asked to, for a
  // refinement of the same question such as a bucket name filled into the policies). With no question (path
  // null) the last answer stays.
  const own = key === null || answer.dataKey === key || options.keepPrevious === true;
  const loading = key !== null && !(answer.settled?.key === key && answer.settled.tick === tick);
  return { data: own ? answer.data : undefined, error: answer.error, loading, reload };
}

/** The latest answer: its data and the question it answers, the latest error, and the fetch that settled last. */
interface Answer<T> {
  data: T | undefined;
  dataKey: string | null;
  error: unknown;
  settled?: { key: string; tick: number };
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
