import type { Finding, Rule } from '../../../../recommendations/rule-kit.js';
import { AZURE_CPU_METRIC } from '../../inventory/azure-metrics.js';
import type { AzureVmDetails } from '../../inventory/azure-resources.js';
import { billedSaving, resourcesOf } from './rule-helpers.js';

/** A running VM whose average CPU (Azure Monitor, hourly) stayed under the threshold over the lookback. */
export const azureIdleVm: Rule<'azure_idle_vm'> = {
  name: 'azure_idle_vm',
  noLongerApplies: 'the VM is busy again, no longer running or gone',
  async evaluate(ctx, s) {
    const findings: Finding[] = [];
    const vms = resourcesOf(ctx, 'azure_vm').filter(
      (r) => (r.details as unknown as AzureVmDetails).powerState === 'running' && !ctx.claimed.has(r.id),
    );
    if (vms.length === 0) return { findings, evaluated: true };
    const metrics = await ctx.metrics(s.days);
    for (const r of vms) {
      const d = r.details as unknown as AzureVmDetails;
      const cpu = metrics.get(r.id)?.get(AZURE_CPU_METRIC);
      if (!cpu || cpu.points < s.days * 24 * s.minCoverage) continue;
      if (cpu.avg >= s.maxAvgCpuPercent) continue;
      const saving = billedSaving(ctx, r);
      if (!saving) continue;
      ctx.claimed.add(r.id);
      findings.push({
        resourceId: r.id,
        resourceType: r.type,
        region: r.region,
        title: `Idle VM ${r.name ?? r.id} (${d.vmSize})`,
        reason: `average CPU ${cpu.avg.toFixed(1)} % (at most ${cpu.max.toFixed(1)} %) over ${s.days} days; ${saving.words}`,
        evidence: {
          vmSize: d.vmSize,
          avgCpuPercent: Number(cpu.avg.toFixed(2)),
          maxCpuPercent: Number(cpu.max.toFixed(2)),
          hoursWithData: cpu.points,
          days: s.days,
          monthlyCost: saving.monthlyCost,
        },
        action: 'Deallocate or delete the VM if nothing needs it, or move its work to a smaller size',
        monthlySavings: saving.monthlySavings,
        savingsBasis: saving.basis,
      });
    }
    return { findings, evaluated: true };
  },
};
