import type { InstanceDetails } from '../../../../inventory/inventory-types.js';
import { HOURS_PER_MONTH, priceOf } from '../prices.js';
import {
  basisWords,
  money,
  savingFrom,
  type Finding,
  type Rule,
} from '../../../../recommendations/rule-kit.js';

/** A running instance of an older family (m4, c4, r4, t2, …): its current-generation successor is cheaper. */
export const previousGeneration: Rule<'previous_generation'> = {
  name: 'previous_generation',
  noLongerApplies: 'the instance moved to a current-generation type or is no longer running',
  async evaluate(ctx) {
    const findings: Finding[] = [];
    for (const r of ctx.resources) {
      if (r.type !== 'ec2_instance' || r.state !== 'running' || ctx.claimed.has(r.id)) continue;
      const d = r.details as unknown as InstanceDetails;
      const current = priceOf(d.instanceType);
      const successor = current?.successor;
      const next = successor ? priceOf(successor) : undefined;
      if (!current || current.generation !== 'previous' || !successor || !next) continue;
      const ratio = next.hourlyUsd / current.hourlyUsd;
      const saving = savingFrom(ctx, r, 1 - ratio, () => current.hourlyUsd * HOURS_PER_MONTH);
      if (!saving || saving.monthlySavings <= 0) continue;
      ctx.claimed.add(r.id);
      findings.push({
        resourceId: r.id,
        resourceType: r.type,
        region: r.region,
        title: `Move ${r.name ?? r.id} from ${d.instanceType} to ${successor}`,
        reason:
          `${d.instanceType} is a previous-generation type; ${successor} gives the same size for ` +
          `${Math.round(ratio * 100)} % of the hourly price, applied to ${money(saving.monthlyCost, ctx.currency)} ` +
          basisWords(saving.basis),
        evidence: {
          instanceType: d.instanceType,
          targetType: successor,
          currentHourlyUsd: current.hourlyUsd,
          targetHourlyUsd: next.hourlyUsd,
          priceRatio: Number(ratio.toFixed(4)),
          monthlyCost: saving.monthlyCost,
        },
        action: `Change the instance type to ${successor} (stop, change type, start; check the AMI supports it)`,
        monthlySavings: saving.monthlySavings,
        savingsBasis: saving.basis,
      });
    }
    return { findings, evaluated: true };
  },
};
