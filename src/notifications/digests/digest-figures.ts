import type { EventSourcePorts } from '../events/event-sources.js';
import type { DigestFigures } from './digest-message.js';
import type { DigestPeriod } from './digest-periods.js';

/** What a digest reads from other domains besides the event checks' ports: spend and budgets. */
export interface DigestPorts extends Pick<
  EventSourcePorts,
  'openAnomalies' | 'openRecommendations' | 'accounts' | 'accountStatus'
> {
  /** Spend in a range against another, by service, as the cost explorer's movers answer it. */
  spendMovers(
    orgId: string,
    current: { from: string; to: string },
    previous: { from: string; to: string },
  ): Promise<{
    currency: string;
    dataThrough: string | null;
    current: number;
    previous: number;
    movers: { label: string; current: number; previous: number; change: number }[];
  }>;
  /** Whether the person is still an active member of the organization (a personal digest stops when not). */
  isMember(orgId: string, userId: string): Promise<boolean>;
  /** Every budget's current status. */
  budgetStatuses(
    orgId: string,
  ): Promise<{ id: string; name: string; state: string; percentUsed: number; forecastPercent: number }[]>;
}

const FAILING = new Set(['failed', 'degraded']);

/** Reads a digest's figures for an organization and period through the ports. */
export async function digestFigures(
  ports: DigestPorts,
  orgId: string,
  period: DigestPeriod,
  alerts: { type: string; count: number }[],
): Promise<DigestFigures> {
  const spend = await ports.spendMovers(orgId, period, period.previous);
  const budgets = await ports.budgetStatuses(orgId);
  const anomalies = (await ports.openAnomalies(orgId, period.from))
    .filter((a) => a.date <= period.to && a.change > 0)
    .sort((a, b) => b.change - a.change);
  const recs = await ports.openRecommendations(orgId);
  const recCurrency = recs[0]?.currency ?? spend.currency;
  const syncProblems: DigestFigures['syncProblems'] = [];
  for (const a of await ports.accounts(orgId)) {
    const s = await ports.accountStatus(orgId, a.id);
    if (FAILING.has(s.state))
      syncProblems.push({ id: a.id, name: a.name, state: s.state, message: s.message });
  }
  return {
    currency: spend.currency,
    dataThrough: spend.dataThrough,
    spend: spend.current,
    previousSpend: spend.previous,
    movers: [...spend.movers].sort((a, b) => Math.abs(b.change) - Math.abs(a.change)).slice(0, 5),
    budgetsAtRisk: budgets.filter((b) => b.state === 'at_risk' || b.state === 'over'),
    anomalies: anomalies.map((a) => ({
      id: a.id,
      label: a.label,
      date: a.date,
      change: a.change,
      currency: a.currency,
    })),
    openSavings: {
      monthly:
        Math.round(
          recs.filter((r) => r.currency === recCurrency).reduce((s, r) => s + r.monthlySavings, 0) * 100,
        ) / 100,
      currency: recCurrency,
      count: recs.length,
    },
    syncProblems,
    alerts,
  };
}
