import { useEffect, useState, type ComponentProps, type ReactNode } from 'react';
import { Skeleton } from './Feedback';

type Chart = typeof import('./CostChart').default;

let loaded: Chart | undefined;
let loading: Promise<Chart> | undefined;

/** Starts loading the chart library (about 110 kB gzipped) without waiting for it. */
export function preloadChart(): Promise<Chart> {
  loading ??= import('./CostChart').then((m) => (loaded = m.default));
  return loading;
}

/**
 * The cost chart, loaded on first use. Not React.lazy: a suspended boundary is revealed with a delay, which
 * would hold back a chart whose data is already there.
 */
export function LazyCostChart(props: ComponentProps<Chart>): ReactNode {
  const [Chart, setChart] = useState<Chart | undefined>(() => loaded);
  useEffect(() => {
    if (!Chart) void preloadChart().then((c) => setChart(() => c));
  }, [Chart]);
  return Chart ? <Chart {...props} /> : <Skeleton height={props.height ?? 300} />;
}
