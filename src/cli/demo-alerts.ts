import type { AppContext } from '../app/context.js';
import type { Principal } from '../auth/permissions.js';
import type { MailCapture } from './demo-mail.js';

/** A day of the simulator's billing truth (what the demo's exports hold). */
export interface DemoDay {
  accountId: string;
  day: string;
  billed: number;
}

const cents = (x: number) => Math.max(1, Math.round(x * 100) / 100);

/**
 * What a newcomer should see of alerts without configuring anything: an e-mail channel to the demo's local mail
 * capture, rules that send budget alerts and new anomalies to it, and two budgets sized from the data the demo will
 * load — one with room to spare (150 % of last month) and one at risk (70 % of last month's spend of the payer
 * account), whose forecast threshold fires right after the first billing load.
 */
export async function seedDemoAlerts(
  ctx: AppContext,
  principal: Principal,
  capture: MailCapture,
  o: { days: DemoDay[]; dataEnd: string; accountIds: string[]; payerId: string; payerName: string },
): Promise<void> {
  const end = new Date(`${o.dataEnd}T00:00:00Z`);
  const lastMonth = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - 1, 1))
    .toISOString()
    .slice(0, 7);
  const connected = new Set(o.accountIds);
  const inMonth = o.days.filter((d) => d.day.startsWith(lastMonth) && connected.has(d.accountId));
  const total = inMonth.reduce((s, d) => s + d.billed, 0);
  const payer = inMonth.filter((d) => d.accountId === o.payerId).reduce((s, d) => s + d.billed, 0);

  const channel = await ctx.notifications.channels.create(principal, {
    kind: 'email',
    name: 'demo-mail',
    config: {
      host: '127.0.0.1',
      port: capture.port,
      security: 'none',
      from: 'cloudtally-demo@cloudtally.example',
      to: [principal.email],
    },
  });
  await ctx.notifications.rules.create(principal, {
    name: 'budget alerts by mail',
    eventType: 'budget_threshold',
    channelIds: [channel.id],
  });
  await ctx.notifications.rules.create(principal, {
    name: 'new anomalies by mail',
    eventType: 'cost_anomaly',
    channelIds: [channel.id],
  });
  await ctx.budgets.create(principal, {
    name: 'All AWS spend',
    amount: cents(total * 1.5),
    thresholds: [
      { kind: 'actual', percent: 80 },
      { kind: 'forecast', percent: 100 },
    ],
  });
  await ctx.budgets.create(principal, {
    name: `${o.payerName} account`,
    scope: { filter: [`account=${o.payerId}`], exclude: [] },
    amount: cents(payer * 0.7),
    thresholds: [
      { kind: 'actual', percent: 80 },
      { kind: 'forecast', percent: 100 },
    ],
  });
}
