/**
 * CPU of running virtual machines through Azure Monitor (`Microsoft.Insights/metrics`, metric `Percentage CPU`,
 * hourly averages over the window). One call per VM; a VM that is not running is not asked (it reports no value).
 * Points are stored under the metric name `Percentage CPU` for the VM's inventory ID.
 */
import type { ArmClients } from './arm-clients.js';
import type { AzureVmDetails } from './azure-resources.js';

export const AZURE_CPU_METRIC = 'Percentage CPU';

export interface AzurePoint {
  resourceId: string;
  metric: string;
  ts: Date;
  value: number;
}

/** A VM the collector asks about: running ones only (a stopped or deallocated VM has no CPU to report). */
export function wantsCpu(r: { type: string; details: Record<string, unknown> }): boolean {
  return r.type === 'azure_vm' && (r.details as unknown as AzureVmDetails).powerState === 'running';
}

/** Hourly average CPU of one VM over `[start, end)`. */
export async function fetchVmCpu(
  clients: ArmClients,
  vm: { id: string; arn: string | null; details: Record<string, unknown> },
  window: { start: Date; end: Date },
  signal?: AbortSignal,
): Promise<AzurePoint[]> {
  const d = vm.details as unknown as AzureVmDetails;
  const uri = (vm.arn ?? vm.id).replace(/^\/+/, '');
  const iso = (t: Date) => t.toISOString().replace('.000', '');
  const res = await clients.monitor(d.subscriptionId).metrics.list(uri, {
    timespan: `${iso(window.start)}/${iso(window.end)}`,
    interval: 'PT1H',
    metricnames: AZURE_CPU_METRIC,
    aggregation: 'Average',
    abortSignal: signal,
  });
  const points: AzurePoint[] = [];
  for (const metric of res.value ?? []) {
    for (const series of metric.timeseries ?? []) {
      for (const p of series.data ?? []) {
        if (typeof p.average !== 'number') continue;
        const ts = new Date(p.timeStamp);
        if (ts < window.start || ts >= window.end) continue;
        points.push({ resourceId: vm.id, metric: AZURE_CPU_METRIC, ts, value: p.average });
      }
    }
  }
  return points;
}
