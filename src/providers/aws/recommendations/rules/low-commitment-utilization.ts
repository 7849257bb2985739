import { money, round2, type Finding, type Rule } from '../../../../recommendations/rule-kit.js';

/** A reservation or savings plan that is partly unused: the unused part is paid for nothing. */
export const lowCommitmentUtilization: Rule<'low_commitment_utilization'> = {
  name: 'low_commitment_utilization',
  noLongerApplies: 'the commitment is used enough again, or has expired',
  async evaluate(ctx, s) {
    if (!ctx.commitmentSource) return { findings: [], evaluated: false };
    const findings: Finding[] = [];
    for (const c of await ctx.commitments(s.days)) {
      const total = c.used + c.unused;
      if (total <= 0) continue;
      const utilization = (c.used / total) * 100;
      if (utilization >= s.minUtilizationPercent) continue;
      const unused = round2(c.unused);
      if (unused <= 0) continue;
      const what = c.kind === 'savings_plan' ? 'savings plan' : 'reservation';
      findings.push({
        resourceId: c.id,
        resourceType: c.kind,
        region: c.region,
        title: `Underused ${what} (${utilization.toFixed(1)} % used)`,
        reason:
          `${utilization.toFixed(1)} % of the ${what}'s commitment was used over the last ${s.days} days of the bill ` +
          `(below ${s.minUtilizationPercent} %, per ${ctx.commitmentSource === 'cost_explorer' ? 'Cost Explorer' : 'the bill'}); ` +
          `${money(unused, ctx.currency)} of it went unused`,
        evidence: {
          kind: c.kind,
          days: s.days,
          utilizationPercent: Number(utilization.toFixed(2)),
          usedCost: round2(c.used),
          unusedCost: unused,
          fees: round2(c.fees),
        },
        action:
          c.kind === 'savings_plan'
            ? 'Move eligible usage (other regions, families, Fargate or Lambda) under the plan, and size the next purchase to actual use'
            : 'Run matching instances under the reservation, exchange it (convertible) or sell it on the Reserved Instance Marketplace',
        monthlySavings: unused,
        savingsBasis: 'bill',
      });
    }
    return { findings, evaluated: true };
  },
};
