import { EVENT_LABELS, type NotificationMessage } from '../notification-types.js';
import { money } from '../events/money.js';
import type { DigestPeriod } from './digest-periods.js';

/** The figures of one digest, read through the other domains' ports. */
export interface DigestFigures {
  currency: string;
  /** The newest day with cost data the spend runs through (null without data). */
  dataThrough: string | null;
  spend: number;
  previousSpend: number;
  /** The biggest changes by service, largest first. */
  movers: { label: string; current: number; previous: number; change: number }[];
  /** Budgets whose current period is at risk (forecast above the amount) or over. */
  budgetsAtRisk: { id: string; name: string; state: string; percentUsed: number; forecastPercent: number }[];
  /** Open cost increases on days of the period. */
  anomalies: { id: string; label: string; date: string; change: number; currency: string }[];
  openSavings: { monthly: number; currency: string; count: number };
  /** Accounts whose newest sync failed or was degraded. */
  syncProblems: { id: string; name: string; state: string; message: string | null }[];
  /** Alerts raised in the period, by event type (any type, including ones added later). */
  alerts: { type: string; count: number }[];
}

const MAX_LISTED = 3;

function signedMoney(x: number, currency: string): string {
  return `${x >= 0 ? '+' : '−'}${money(Math.abs(x), currency)}`;
}

function changeText(now: number, before: number, currency: string): string {
  const pct =
    before !== 0
      ? ` (${now >= before ? '+' : '−'}${Math.abs(((now - before) / before) * 100).toFixed(1)} %)`
      : '';
  return `${signedMoney(now - before, currency)}${pct}`;
}

function listed<T>(items: T[], show: (x: T) => string, none = 'None'): string {
  if (items.length === 0) return none;
  const shown = items.slice(0, MAX_LISTED).map(show).join('; ');
  return items.length > MAX_LISTED ? `${shown}; and ${items.length - MAX_LISTED} more` : shown;
}

/** A label for an event type people read; a type this version does not know shows as it is. */
export function eventLabel(type: string): string {
  return (EVENT_LABELS as Record<string, string | undefined>)[type] ?? type.replace(/_/g, ' ');
}

/** The digest as every channel renders it: a summary sentence and at most ten facts (Slack's limit). */
export function digestMessage(
  period: DigestPeriod,
  f: DigestFigures,
): Omit<NotificationMessage, 'type' | 'link'> & { path: string } {
  const word = period.frequency === 'daily' ? 'Daily' : 'Weekly';
  const span = period.from === period.to ? period.from : `${period.from} to ${period.to}`;
  const before = period.frequency === 'daily' ? 'the day before' : 'the week before';
  const c = f.currency;
  const through = f.dataThrough && f.dataThrough < period.to ? ` (data through ${f.dataThrough})` : '';
  const direction = f.spend >= f.previousSpend ? 'up' : 'down';
  const parts = [
    `Spend of ${money(f.spend, c)}${through}, ${direction} ${money(Math.abs(f.spend - f.previousSpend), c)} from ${money(f.previousSpend, c)} ${before}.`,
    `${f.budgetsAtRisk.length} budget${f.budgetsAtRisk.length === 1 ? '' : 's'} at risk, ${f.anomalies.length} new anomal${f.anomalies.length === 1 ? 'y' : 'ies'}, ${money(f.openSavings.monthly, f.openSavings.currency)} a month in open savings.`,
  ];
  if (f.syncProblems.length > 0)
    parts.push(`${f.syncProblems.length} account${f.syncProblems.length === 1 ? '' : 's'} failing to sync.`);
  const alertTotal = f.alerts.reduce((s, a) => s + a.count, 0);
  return {
    severity:
      f.syncProblems.length > 0 || f.budgetsAtRisk.some((b) => b.state === 'over') ? 'warning' : 'info',
    title: `${word} digest: ${span}`,
    summary: parts.join(' '),
    facts: [
      { label: 'Spend', value: money(f.spend, c) },
      {
        label: `Previous ${period.frequency === 'daily' ? 'day' : 'week'}`,
        value: money(f.previousSpend, c),
      },
      { label: 'Change', value: changeText(f.spend, f.previousSpend, c) },
      { label: 'Top movers', value: listed(f.movers, (m) => `${m.label} ${signedMoney(m.change, c)}`) },
      {
        label: 'Budgets at risk',
        value: listed(
          f.budgetsAtRisk,
          (b) => `${b.name}: ${b.percentUsed.toFixed(1)} % used, forecast ${b.forecastPercent.toFixed(1)} %`,
        ),
      },
      {
        label: 'New anomalies',
        value: listed(f.anomalies, (a) => `${a.label} on ${a.date} (${signedMoney(a.change, a.currency)})`),
      },
      {
        label: 'Open savings',
        value: `${money(f.openSavings.monthly, f.openSavings.currency)} a month (${f.openSavings.count} recommendation${f.openSavings.count === 1 ? '' : 's'})`,
      },
      { label: 'Sync problems', value: listed(f.syncProblems, (a) => `${a.name} (${a.state})`) },
      {
        label: 'Alerts',
        value:
          alertTotal === 0 ? 'None' : f.alerts.map((a) => `${eventLabel(a.type)}: ${a.count}`).join('; '),
      },
    ],
    path: '/',
    data: {
      frequency: period.frequency,
      from: period.from,
      to: period.to,
      previous: period.previous,
      ...f,
    },
  };
}
