import { useEffect, useRef, useState, type ReactNode } from 'react';
import { api } from '../api';
import type { MetricSeries } from '../types';
import { Sparkline } from './Sparkline';

const PREFERRED = ['CPUUtilization', 'RequestCount', 'ActiveFlowCount', 'NetworkIn'];

/** Six-hour averages of hourly points, so that two weeks fit a small line without losing the daily shape. */
function bucket(points: { ts: string; value: number }[], hours = 6): number[] {
  const out: number[] = [];
  for (let i = 0; i < points.length; i += hours) {
    const slice = points.slice(i, i + hours);
    out.push(slice.reduce((s, p) => s + p.value, 0) / slice.length);
  }
  return out;
}

/**
 * Loads a resource's metrics only once its row scrolls into view (one request per visible row, not per row of a
 * long list) and draws the most telling one: CPU for instances, requests for load balancers.
 */
export function UtilizationSparkline(props: { resourceId: string }): ReactNode {
  const ref = useRef<HTMLSpanElement>(null);
  const [visible, setVisible] = useState(false);
  const [series, setSeries] = useState<{ metric: string; values: number[] } | null>();
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        setVisible(true);
        io.disconnect();
      }
    });
    io.observe(el);
    return () => io.disconnect();
  }, []);
  useEffect(() => {
    if (!visible) return;
    const controller = new AbortController();
    api
      .get<MetricSeries>(
        '/api/v1/resources/metrics',
        { resourceId: props.resourceId, days: 14 },
        controller.signal,
      )
      .then((m) => {
        const withPoints = m.items.filter((i) => i.points.length > 1);
        const pick =
          PREFERRED.map((name) => withPoints.find((i) => i.metric === name)).find(Boolean) ?? withPoints[0];
        setSeries(pick ? { metric: pick.metric, values: bucket(pick.points) } : null);
      })
      .catch(() => {
        if (!controller.signal.aborted) setSeries(null);
      });
    return () => controller.abort();
  }, [visible, props.resourceId]);
  const isCpu = series?.metric === 'CPUUtilization';
  const last = series?.values[series.values.length - 1];
  return (
    <span ref={ref} className="row" style={{ gap: 8 }}>
      {series === undefined ? <span className="sparkline-placeholder" aria-hidden="true" /> : null}
      {series === null ? <span className="muted small">no metrics</span> : null}
      {series ? (
        <>
          <Sparkline
            values={series.values}
            max={isCpu ? 100 : undefined}
            label={`${series.metric} over 14 days`}
          />
          <span className="muted small" title={series.metric}>
            {isCpu && last !== undefined ? `${last.toFixed(1)}% CPU` : series.metric}
          </span>
        </>
      ) : null}
    </span>
  );
}
