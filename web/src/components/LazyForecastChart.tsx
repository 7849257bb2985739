import { useEffect, useState, type ComponentProps, type ReactNode } from 'react';
import { Skeleton } from './Feedback';

type Chart = typeof import('./ForecastChart').default;

let loaded: Chart | undefined;
let loading: Promise<Chart> | undefined;

/** The forecast chart, loaded on first use (it carries the chart library), as LazyCostChart does. */
export function LazyForecastChart(props: ComponentProps<Chart>): ReactNode {
  const [Chart, setChart] = useState<Chart | undefined>(() => loaded);
  useEffect(() => {
    loading ??= import('./ForecastChart').then((m) => (loaded = m.default));
    if (!Chart) void loading.then((c) => setChart(() => c));
  }, [Chart]);
  return Chart ? <Chart {...props} /> : <Skeleton height={props.height ?? 320} />;
}
