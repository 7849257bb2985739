import { money, round2, type Rule } from '../../../../recommendations/rule-kit.js';

/**
 * Steady on-demand EC2 usage that no reservation or savings plan covers: a Compute Savings Plan sized to the floor of
 * daily spend is used in full every hour, so its whole discount is saved.
 */
export const savingsPlanCommitment: Rule<'savings_plan_commitment'> = {
  name: 'savings_plan_commitment',
  noLongerApplies: 'on-demand EC2 usage is no longer steady over the window (or is now covered)',
  async evaluate(ctx, s) {
    if (!ctx.bill) return { findings: [], evaluated: false };
    const daily = await ctx.onDemandDaily(s.days);
    const withUsage = daily.filter((d) => d.cost > 0);
    if (withUsage.length < s.days) return { findings: [], evaluated: true };
    const floor = Math.min(...withUsage.map((d) => d.cost));
    const average = withUsage.reduce((a, d) => a + d.cost, 0) / withUsage.length;
    const monthlySavings = round2(floor * 30 * s.savingsRate);
    if (monthlySavings < s.minMonthlySavings) return { findings: [], evaluated: true };
    const hourlyOnDemand = floor / 24;
    const commitment = Math.floor(hourlyOnDemand * (1 - s.savingsRate) * 1000) / 1000;
    return {
      evaluated: true,
      findings: [
        {
          resourceId: ctx.awsAccountId,
          resourceType: 'account',
          region: null,
          title: `Commit to a Compute Savings Plan of ${money(commitment, ctx.currency)}/hour`,
          reason:
            `on-demand EC2 instance spend not covered by a reservation or savings plan never fell below ` +
            `${money(floor, ctx.currency)}/day over the last ${s.days} days of the bill ` +
            `(average ${money(average, ctx.currency)}/day); a plan sized to that floor saves ` +
            `${Math.round(s.savingsRate * 100)} % of it`,
          evidence: {
            days: s.days,
            minDailyOnDemand: round2(floor),
            avgDailyOnDemand: round2(average),
            savingsRate: s.savingsRate,
            commitmentPerHour: commitment,
            window: { from: daily[0]?.day, to: daily.at(-1)?.day },
          },
          action: `Buy a 1-year no-upfront Compute Savings Plan committing ${money(commitment, ctx.currency)}/hour`,
          monthlySavings,
          savingsBasis: 'bill',
        },
      ],
    };
  },
};
