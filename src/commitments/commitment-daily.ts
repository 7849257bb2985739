/**
 * Daily utilization of commitments from their line sums per day. A savings plan's recurring fee is billed per hour,
 * so its day is on its lines. A reserved instance's RIFee line is monthly: a day's committed cost is the day's
 * purchased instance-hours (count × the hours of the day within the term) priced at the month's amortized cost per
 * purchased hour, the hours capped so that a month's days add up to the hours its RIFee line bought (spread evenly
 * when the terms do not explain them); the unused cost is committed − used.
 */
import { cents, onePerKey, percent } from './commitment-figures.js';
import type { CommitmentDay, CommitmentTerms, DaySums, MonthSums } from './commitment-types.js';

const DAY_MS = 86_400_000;

/** The days `YYYY-MM-DD` of `[from, to)`. */
function daysOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t < Date.parse(`${to}T00:00:00Z`); t += DAY_MS)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** Purchased instance-hours of each day of a reservation's month, adding up to the month's purchased hours. */
function purchasedPerDay(month: MonthSums, terms: CommitmentTerms | undefined): Map<string, number> {
  const p0 = `${month.period}-01`;
  const next = new Date(Date.parse(`${p0}T00:00:00Z`));
  next.setUTCMonth(next.getUTCMonth() + 1);
  const days = daysOf(p0, next.toISOString().slice(0, 10));
  const bought = month.purchasedHours ?? 0;
  const start = terms?.start ? Date.parse(terms.start) : NaN;
  const end = terms?.end ? Date.parse(terms.end) : NaN;
  const termHours = days.map((day) => {
    const d0 = Date.parse(`${day}T00:00:00Z`);
    return terms?.count && !Number.isNaN(start) && !Number.isNaN(end)
      ? (terms.count * Math.max(0, Math.min(d0 + DAY_MS, end) - Math.max(d0, start))) / 3_600_000
      : 0;
  });
  // Terms that do not explain the hours bought (unknown, or dates the bill contradicts): spread over the month.
  const explained = termHours.reduce((a, h) => a + h, 0) >= bought - 0.005;
  const out = new Map<string, number>();
  let left = bought;
  for (const [i, day] of days.entries()) {
    const hours = explained ? termHours[i] : bought / days.length;
    const h = Math.min(hours, left);
    left -= h;
    if (h > 1e-9) out.set(day, h);
  }
  return out;
}

function dayFigures(
  s: { commitmentId: string; day: string; currency: string },
  committed: number,
  used: number,
  onDemand: number,
  hours: { purchased: number; used: number } | null,
): CommitmentDay {
  return {
    commitmentId: s.commitmentId,
    period: s.day,
    committed: cents(committed),
    used: cents(used),
    unused: cents(committed - used),
    utilization: hours ? percent(hours.used, hours.purchased) : percent(used, committed),
    onDemandEquivalent: cents(onDemand),
    amortized: cents(committed),
    netSavings: cents(onDemand - committed),
    purchasedHours: hours ? Math.round(hours.purchased * 100) / 100 : null,
    usedHours: hours ? Math.round(hours.used * 100) / 100 : null,
    currency: s.currency,
  };
}

/**
 * Each commitment's figures per day of `[from, to)` (`YYYY-MM-DD`): `days` are the readers' line sums, `months`
 * the months' sums (for a reservation's purchased hours and cost per hour), `terms` the commitments' terms.
 */
export function dailyUtilization(input: {
  days: readonly DaySums[];
  months: readonly MonthSums[];
  terms: readonly CommitmentTerms[];
  from: string;
  to: string;
}): CommitmentDay[] {
  const days = onePerKey(input.days, (d) => `${d.commitmentId}|${d.day}`);
  const out: CommitmentDay[] = [];
  for (const d of days) {
    if (d.kind !== 'savings_plan') continue;
    out.push(dayFigures(d, d.used + d.unused, d.used, d.onDemandEquivalent, null));
  }
  const terms = new Map(input.terms.map((t) => [t.id, t]));
  const usage = new Map(
    days.filter((d) => d.kind === 'reservation').map((d) => [`${d.commitmentId}|${d.day}`, d]),
  );
  for (const m of input.months) {
    if (m.kind !== 'reservation' || !m.purchasedHours) continue;
    const rate = (m.used + m.unused) / m.purchasedHours;
    for (const [day, purchased] of purchasedPerDay(m, terms.get(m.commitmentId))) {
      if (day < input.from || day >= input.to) continue;
      const u = usage.get(`${m.commitmentId}|${day}`);
      out.push(
        dayFigures(
          { commitmentId: m.commitmentId, day, currency: m.currency },
          purchased * rate,
          u?.used ?? 0,
          u?.onDemandEquivalent ?? 0,
          { purchased, used: u?.usedHours ?? 0 },
        ),
      );
    }
  }
  return out.sort((a, b) => a.period.localeCompare(b.period) || a.commitmentId.localeCompare(b.commitmentId));
}

/** The total of each day (utilization of the total: used over committed, in money). */
export function dailyTotals(
  items: readonly CommitmentDay[],
): Omit<CommitmentDay, 'commitmentId' | 'purchasedHours' | 'usedHours'>[] {
  const acc = new Map<string, { committed: number; used: number; onDemand: number }>();
  for (const i of items) {
    const k = `${i.period}|${i.currency}`;
    const a = acc.get(k) ?? { committed: 0, used: 0, onDemand: 0 };
    a.committed += i.committed;
    a.used += i.used;
    a.onDemand += i.onDemandEquivalent;
    acc.set(k, a);
  }
  return [...acc.entries()]
    .map(([k, a]) => {
      const [period, currency] = k.split('|');
      return {
        period,
        currency,
        committed: cents(a.committed),
        used: cents(a.used),
        unused: cents(a.committed - a.used),
        utilization: percent(a.used, a.committed),
        onDemandEquivalent: cents(a.onDemand),
        amortized: cents(a.committed),
        netSavings: cents(a.onDemand - a.committed),
      };
    })
    .sort((a, b) => a.period.localeCompare(b.period));
}
