import type { ReactNode } from 'react';

/**
 * A tiny inline line (e.g. CPU over 14 days) drawn as SVG: a table of a hundred resources would be slow with
 * a chart component per row.
 */
export function Sparkline(props: {
  values: number[];
  width?: number;
  height?: number;
  max?: number;
  label: string;
}): ReactNode {
  const w = props.width ?? 96;
  const h = props.height ?? 24;
  const values = props.values.filter((v) => Number.isFinite(v));
  if (values.length < 2) return <span className="muted small">no data</span>;
  const max = props.max ?? Math.max(...values, 1e-9);
  const step = w / (values.length - 1);
  const pts = values.map((v, i) => `${(i * step).toFixed(1)},${(h - 2 - (v / max) * (h - 4)).toFixed(1)}`);
  const last = values[values.length - 1];
  return (
    <svg
      className="sparkline"
      width={w}
      height={h}
      viewBox={`0 0 ${w} ${h}`}
      role="img"
      aria-label={props.label}
    >
      <polyline points={`0,${h} ${pts.join(' ')} ${w},${h}`} className="sparkline-area" />
      <polyline points={pts.join(' ')} className="sparkline-line" />
      <circle cx={w} cy={h - 2 - (last / max) * (h - 4)} r={2} className="sparkline-dot" />
    </svg>
  );
}
