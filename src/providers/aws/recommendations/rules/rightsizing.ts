import type { InstanceDetails } from '../../../../inventory/inventory-types.js';
import { HOURS_PER_MONTH, nextSizeDown, priceOf } from '../prices.js';
import {
  basisWords,
  daysBetween,
  money,
  savingFrom,
  type Finding,
  type Rule,
} from '../../../../recommendations/rule-kit.js';

/** A running instance whose CPU never gets near its size: the next size down in the family will do. */
export const rightsizing: Rule<'rightsizing'> = {
  name: 'rightsizing',
  noLongerApplies: 'the instance now uses more of its CPU, changed type, or is no longer running',
  async evaluate(ctx, s) {
    const metrics = await ctx.metrics(s.days);
    const findings: Finding[] = [];
    for (const r of ctx.resources) {
      if (r.type !== 'ec2_instance' || r.state !== 'running' || ctx.claimed.has(r.id)) continue;
      const d = r.details as unknown as InstanceDetails;
      if (d.launchTime && daysBetween(new Date(d.launchTime), ctx.now) < s.days) continue;
      const cpu = metrics.get(r.id)?.get('CPUUtilization');
      if (!cpu || cpu.points < s.days * 24 * s.minCoverage || cpu.p99 >= s.maxP99CpuPercent) continue;
      const current = priceOf(d.instanceType);
      const targetType = nextSizeDown(d.instanceType);
      const target = targetType ? priceOf(targetType) : undefined;
      if (!current || !targetType || !target) continue;
      const ratio = target.hourlyUsd / current.hourlyUsd;
      const saving = savingFrom(ctx, r, 1 - ratio, () => current.hourlyUsd * HOURS_PER_MONTH);
      if (!saving || saving.monthlySavings <= 0) continue;
      ctx.claimed.add(r.id);
      findings.push({
        resourceId: r.id,
        resourceType: r.type,
        region: r.region,
        title: `Downsize ${r.name ?? r.id} from ${d.instanceType} to ${targetType}`,
        reason:
          `CPU p99 ${cpu.p99.toFixed(1)} % (peak ${cpu.max.toFixed(1)} %) over ${s.days} days on ${d.instanceType} ` +
          `(${current.vcpu} vCPU), below ${s.maxP99CpuPercent} %; ${targetType} costs ${Math.round(ratio * 100)} % as much ` +
          `per hour, applied to ${money(saving.monthlyCost, ctx.currency)} ${basisWords(saving.basis)}`,
        evidence: {
          instanceType: d.instanceType,
          targetType,
          days: s.days,
          p99CpuPercent: Number(cpu.p99.toFixed(2)),
          maxCpuPercent: Number(cpu.max.toFixed(2)),
          avgCpuPercent: Number(cpu.avg.toFixed(2)),
          currentHourlyUsd: current.hourlyUsd,
          targetHourlyUsd: target.hourlyUsd,
          priceRatio: Number(ratio.toFixed(4)),
          monthlyCost: saving.monthlyCost,
        },
        action: `Change the instance type to ${targetType} (${target.vcpu} vCPU, ${target.memoryGiB} GiB) at the next maintenance window`,
        monthlySavings: saving.monthlySavings,
        savingsBasis: saving.basis,
      });
    }
    return { findings, evaluated: true };
  },
};
