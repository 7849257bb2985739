import { DAY, type World } from '../world/world.js';
import type { CeRow } from './generate.js';
import { cents } from './truth.js';

/**
 * One commitment over one day (USD to the cent), AWS's definitions applied to a day:
 * - savings plans: committed = Σ `savings_plan_total_commitment_to_date` of the day's SavingsPlanRecurringFee
 *   lines, used = Σ `savings_plan_used_commitment`;
 * - reserved instances: the RIFee line is monthly, so a day's committed is its purchased instance-hours (count ×
 *   the day's hours within the term and the billed history) × the effective hourly cost (amortized upfront +
 *   recurring); used = Σ `reservation_effective_cost` of the day's DiscountedUsage lines;
 * - unused = committed − used; utilization = used / committed in % (RIs: used / purchased hours);
 *   onDemandEquivalent = Σ public on-demand cost of the covered usage; netSavings = onDemandEquivalent − committed.
 */
export interface TruthCommitmentDay {
  committed: number;
  used: number;
  unused: number;
  utilization: number;
  onDemandEquivalent: number;
  netSavings: number;
}

const pct = (part: number, whole: number): number =>
  whole > 0 ? Math.round((part / whole) * 10000) / 100 : 0;
const dayOf = (s: number): string => new Date(s * 1000).toISOString().slice(0, 10);

interface Acc {
  committed: number;
  used: number;
  onDemand: number;
  purchasedHours: number;
  usedHours: number;
}

/** Daily figures per commitment ARN and day (`YYYY-MM-DD`) over the billed history. */
export function commitmentDays(
  world: World,
  ce: readonly CeRow[],
): Record<string, Record<string, TruthCommitmentDay>> {
  const acc = new Map<string, Map<string, Acc>>();
  const at = (arn: string, day: string): Acc => {
    const byDay = acc.get(arn) ?? new Map<string, Acc>();
    acc.set(arn, byDay);
    const a = byDay.get(day) ?? { committed: 0, used: 0, onDemand: 0, purchasedHours: 0, usedHours: 0 };
    byDay.set(day, a);
    return a;
  };
  const { historyStart, today } = world.clock;
  for (const ri of world.reservations) {
    for (let d = Math.max(historyStart, ri.start - (ri.start % DAY)); d < Math.min(today, ri.end); d += DAY) {
      const hours = (Math.min(d + DAY, ri.end, today) - Math.max(d, ri.start)) / 3600;
      if (hours <= 0) continue;
      const a = at(ri.arn, dayOf(d));
      a.purchasedHours += ri.count * hours;
      a.committed += ri.count * hours * ri.effectiveHourlyUsd;
    }
  }
  const plans = new Set(world.savingsPlans.map((p) => p.arn));
  const ris = new Set(world.reservations.map((r) => r.arn));
  for (const r of ce) {
    if (r.lineType === 'SavingsPlanRecurringFee' && plans.has(r.arn)) {
      const a = at(r.arn, r.day);
      a.committed += r.spTotal;
      a.used += r.spUsed;
    } else if (r.lineType === 'SavingsPlanCoveredUsage' && plans.has(r.arn)) {
      at(r.arn, r.day).onDemand += r.onDemand;
    } else if (r.lineType === 'DiscountedUsage' && ris.has(r.arn)) {
      const a = at(r.arn, r.day);
      a.used += r.amortized;
      a.onDemand += r.onDemand;
      a.usedHours += r.usage;
    }
  }
  const out: Record<string, Record<string, TruthCommitmentDay>> = {};
  for (const [arn, byDay] of [...acc.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    out[arn] = Object.fromEntries(
      [...byDay.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([day, a]) => [
          day,
          {
            committed: cents(a.committed),
            used: cents(a.used),
            unused: cents(a.committed - a.used),
            utilization: ris.has(arn) ? pct(a.usedHours, a.purchasedHours) : pct(a.used, a.committed),
            onDemandEquivalent: cents(a.onDemand),
            netSavings: cents(a.onDemand - a.committed),
          },
        ]),
    );
  }
  return out;
}
