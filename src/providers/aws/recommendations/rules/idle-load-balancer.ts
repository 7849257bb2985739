import type { LoadBalancerDetails } from '../../../../inventory/inventory-types.js';
import { HOURS_PER_MONTH, listPrices } from '../prices.js';
import {
  basisWords,
  daysBetween,
  money,
  savingFrom,
  type Finding,
  type Rule,
} from '../../../../recommendations/rule-kit.js';

/** A load balancer with no healthy targets, or no traffic for days, bills its hours for nothing. */
export const idleLoadBalancer: Rule<'idle_load_balancer'> = {
  name: 'idle_load_balancer',
  noLongerApplies: 'the load balancer has healthy targets and traffic again, or is gone',
  async evaluate(ctx, s) {
    const metrics = await ctx.metrics(s.days);
    const findings: Finding[] = [];
    for (const r of ctx.resources) {
      if (r.type !== 'load_balancer') continue;
      const d = r.details as unknown as LoadBalancerDetails;
      const created = d.createdTime ? new Date(d.createdTime) : r.firstSeenAt;
      if (daysBetween(created, ctx.now) < s.days) continue;
      const noTargets = d.healthyTargets === 0;
      // CloudWatch sends no points at all for a balancer without traffic, so silence counts only when the
      // region's metric fetch succeeded after the balancer was first seen.
      const fetched = ctx.scanStatus.find((x) => x.region === r.region && x.unit === 'metrics');
      const metricsKnown =
        fetched?.state === 'ok' &&
        fetched.lastSuccessAt !== null &&
        new Date(fetched.lastSuccessAt) >= r.firstSeenAt;
      const m = metrics.get(r.id);
      const requests = m?.get('RequestCount')?.sum ?? 0;
      const bytes = m?.get('ProcessedBytes')?.sum ?? 0;
      const packets = m?.get('ProcessedPackets')?.sum ?? 0;
      const noTraffic = metricsKnown && requests === 0 && bytes === 0 && packets === 0;
      if (!noTargets && !noTraffic) continue;
      const saving = savingFrom(
        ctx,
        r,
        1,
        () => (listPrices().loadBalancerHourly[d.lbType] ?? 0.0225) * HOURS_PER_MONTH,
      );
      if (!saving || saving.monthlySavings <= 0) continue;
      const why = [
        noTargets
          ? `no healthy targets (${d.registeredTargets} registered, ${d.healthyTargets} healthy)`
          : null,
        noTraffic ? `no requests or processed bytes in ${s.days} days` : null,
      ].filter(Boolean);
      findings.push({
        resourceId: r.id,
        resourceType: r.type,
        region: r.region,
        title: `Idle ${d.lbType} load balancer ${r.name ?? r.id}`,
        reason: `${why.join('; ')}; it cost ${money(saving.monthlyCost, ctx.currency)} ${basisWords(saving.basis)}`,
        evidence: {
          lbType: d.lbType,
          registeredTargets: d.registeredTargets,
          healthyTargets: d.healthyTargets,
          days: s.days,
          requests: metricsKnown ? requests : null,
          processedBytes: metricsKnown ? bytes : null,
          monthlyCost: saving.monthlyCost,
        },
        action:
          'Delete the load balancer (and its unused target groups) after checking no DNS name points at it',
        monthlySavings: saving.monthlySavings,
        savingsBasis: saving.basis,
      });
    }
    return { findings, evaluated: true };
  },
};
