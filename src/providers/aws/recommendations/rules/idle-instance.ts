import type { InstanceDetails } from '../../../../inventory/inventory-types.js';
import { HOURS_PER_MONTH, priceOf } from '../prices.js';
import {
  basisWords,
  daysBetween,
  money,
  savingFrom,
  type Finding,
  type Rule,
} from '../../../../recommendations/rule-kit.js';

/** A running instance that did next to nothing for days: stop it, or terminate it if nobody needs it. */
export const idleInstance: Rule<'idle_instance'> = {
  name: 'idle_instance',
  noLongerApplies: 'the instance is busy again, or no longer running',
  async evaluate(ctx, s) {
    const metrics = await ctx.metrics(s.days);
    const findings: Finding[] = [];
    for (const r of ctx.resources) {
      if (r.type !== 'ec2_instance' || r.state !== 'running') continue;
      const d = r.details as unknown as InstanceDetails;
      if (d.launchTime && daysBetween(new Date(d.launchTime), ctx.now) < s.days) continue;
      const m = metrics.get(r.id);
      const cpu = m?.get('CPUUtilization');
      if (!cpu || cpu.points < s.days * 24 * s.minCoverage) continue;
      const bytes = (m?.get('NetworkIn')?.sum ?? 0) + (m?.get('NetworkOut')?.sum ?? 0);
      const bytesPerSecond = bytes / (cpu.points * 3600);
      if (cpu.avg >= s.maxAvgCpuPercent || bytesPerSecond >= s.maxNetworkBytesPerSecond) continue;
      const saving = savingFrom(ctx, r, 1, () => {
        const p = priceOf(d.instanceType);
        return p ? p.hourlyUsd * HOURS_PER_MONTH : null;
      });
      if (!saving || saving.monthlySavings <= 0) continue;
      ctx.claimed.add(r.id);
      findings.push({
        resourceId: r.id,
        resourceType: r.type,
        region: r.region,
        title: `Idle instance ${r.name ?? r.id} (${d.instanceType})`,
        reason:
          `average CPU ${cpu.avg.toFixed(1)} %, network ${Math.round(bytesPerSecond)} B/s over ${s.days} days ` +
          `(thresholds ${s.maxAvgCpuPercent} % and ${s.maxNetworkBytesPerSecond} B/s); ` +
          `it cost ${money(saving.monthlyCost, ctx.currency)} ${basisWords(saving.basis)}`,
        evidence: {
          instanceType: d.instanceType,
          days: s.days,
          avgCpuPercent: Number(cpu.avg.toFixed(2)),
          maxCpuPercent: Number(cpu.max.toFixed(2)),
          networkBytesPerSecond: Math.round(bytesPerSecond),
          hoursWithData: cpu.points,
          monthlyCost: saving.monthlyCost,
          window: ctx.savingsWindow,
        },
        action:
          'Stop the instance, or terminate it if nobody needs it (snapshot its volumes first to keep the data)',
        monthlySavings: saving.monthlySavings,
        savingsBasis: saving.basis,
      });
    }
    return { findings, evaluated: true };
  },
};
