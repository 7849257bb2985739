import type { Command } from 'commander';
import { ok, withApi } from './client.js';
import { action, orgOptions, printJson, printTable, type OrgFlags } from './common.js';

interface ListFlags extends OrgFlags {
  period?: string;
  kind?: 'savings_plan' | 'reservation';
}
interface RangeFlags extends OrgFlags {
  from?: string;
  to?: string;
}

const money = (n: number | null | undefined) => (n === null || n === undefined ? '-' : n.toFixed(2));

export function registerCommitmentCommands(program: Command): void {
  const commitments = program
    .command('commitments')
    .description('Reserved instances and savings plans: list, utilization, coverage, expiring, buy');

  orgOptions(
    commitments
      .command('list', { isDefault: true })
      .description('Every commitment with its terms and one month’s utilization')
      .option('--period <YYYY-MM>', 'the month of the figures (default: the newest with data)')
      .option('--kind <kind>', 'savings_plan or reservation'),
  ).action(
    action(async (flags: ListFlags) => {
      const answer = await withApi(flags, ({ api }) =>
        ok(api.GET('/api/v1/commitments', { params: { query: { period: flags.period, kind: flags.kind } } })),
      );
      if (flags.json) return printJson(answer);
      if (answer.items.length === 0) {
        process.stdout.write('No reserved instances or savings plans in the bills.\n');
        return;
      }
      process.stdout.write(`Figures of ${answer.period}\n`);
      printTable(
        answer.items.map((c) => ({
          type: c.kind === 'reservation' ? `${c.type} RI ${c.count ?? '?'}x ${c.instanceType ?? ''}` : c.type,
          account: c.awsAccountId ?? '-',
          term: `${c.termYears ?? '?'}y ${c.paymentOption ?? ''}`,
          ends: c.end?.slice(0, 10) ?? '-',
          daysLeft: c.daysLeft ?? '-',
          committed: money(c.month?.committed),
          utilization: c.month ? `${c.month.utilization}%` : '-',
          unused: money(c.month?.unused),
          netSavings: money(c.month?.netSavings),
          id: c.id,
        })),
        [
          'type',
          'account',
          'term',
          'ends',
          'daysLeft',
          'committed',
          'utilization',
          'unused',
          'netSavings',
          'id',
        ],
      );
    }),
  );

  orgOptions(
    commitments
      .command('utilization')
      .description('Utilization, unused cost and net savings per month or day (the total, or one commitment)')
      .option('--from <YYYY-MM>', 'first month (default: 11 months before --to; --daily: --to)')
      .option('--to <YYYY-MM>', 'last month (default: the newest with data)')
      .option('--commitment <id>', 'one commitment’s ARN or ID')
      .option('--daily', 'per day (at most 3 months, from the bills)'),
  ).action(
    action(async (flags: RangeFlags & { commitment?: string; daily?: boolean }) => {
      const answer = await withApi(flags, ({ api }) =>
        ok(
          api.GET('/api/v1/commitments/utilization', {
            params: {
              query: {
                from: flags.from,
                to: flags.to,
                commitmentId: flags.commitment,
                granularity: flags.daily ? 'daily' : undefined,
              },
            },
          }),
        ),
      );
      if (flags.json) return printJson(answer);
      const rows = flags.commitment ? answer.items : answer.totals;
      const when = flags.daily ? 'day' : 'month';
      printTable(
        rows.map((m) => ({
          [when]: m.period,
          committed: money(m.committed),
          used: money(m.used),
          unused: money(m.unused),
          utilization: `${m.utilization}%`,
          onDemandEquivalent: money(m.onDemandEquivalent),
          netSavings: money(m.netSavings),
          currency: m.currency,
        })),
        [when, 'committed', 'used', 'unused', 'utilization', 'onDemandEquivalent', 'netSavings', 'currency'],
      );
    }),
  );

  orgOptions(
    commitments
      .command('coverage')
      .description('Coverage of eligible usage, with the on-demand spend left uncovered')
      .option('--from <YYYY-MM>', 'first month (default: --to)')
      .option('--to <YYYY-MM>', 'last month (default: the newest with data)')
      .option('--by <dimensions>', 'comma-separated: service, account, region, family (default all)'),
  ).action(
    action(async (flags: RangeFlags & { by?: string }) => {
      const answer = await withApi(flags, ({ api }) =>
        ok(
          api.GET('/api/v1/commitments/coverage', {
            params: { query: { from: flags.from, to: flags.to, groupBy: flags.by } },
          }),
        ),
      );
      if (flags.json) return printJson(answer);
      printTable(
        answer.items.map((c) => ({
          month: c.period,
          service: c.service || '-',
          account: c.awsAccountId || '-',
          region: c.region || '-',
          family: c.instanceFamily || '-',
          covered: money(c.covered),
          onDemand: money(c.onDemand),
          coverage: `${c.coverage}%`,
        })),
        ['month', 'service', 'account', 'region', 'family', 'covered', 'onDemand', 'coverage'],
      );
    }),
  );

  orgOptions(
    commitments
      .command('expiring')
      .description('Commitments ending within the next N days, with the monthly savings at stake')
      .option('--days <n>', 'the window in days (default 90)'),
  ).action(
    action(async (flags: OrgFlags & { days?: string }) => {
      const answer = await withApi(flags, ({ api }) =>
        ok(
          api.GET('/api/v1/commitments/expiring', {
            params: { query: { days: flags.days === undefined ? undefined : Number(flags.days) } },
          }),
        ),
      );
      if (flags.json) return printJson(answer);
      if (answer.items.length === 0) {
        process.stdout.write(`No commitment ends within ${answer.days} days.\n`);
        return;
      }
      printTable(
        answer.items.map((c) => ({
          type: c.type,
          account: c.awsAccountId ?? '-',
          ends: c.end?.slice(0, 10) ?? '-',
          daysLeft: c.daysLeft ?? '-',
          monthlySavingsAtStake: money(c.monthlySavingsAtStake),
          id: c.id,
        })),
        ['type', 'account', 'ends', 'daysLeft', 'monthlySavingsAtStake', 'id'],
      );
    }),
  );

  orgOptions(
    commitments
      .command('buy')
      .description('What to buy: a Compute Savings Plan per account with steady on-demand usage'),
  ).action(
    action(async (flags: OrgFlags) => {
      const answer = await withApi(flags, ({ api }) => ok(api.GET('/api/v1/commitments/purchases')));
      if (flags.json) return printJson(answer);
      if (answer.items.length === 0) {
        process.stdout.write('Nothing to buy: no account has steady uncovered on-demand compute usage.\n');
        return;
      }
      const a = answer.items[0].assumptions;
      process.stdout.write(
        `Assumed: ${a.planType}, ${a.term} ${a.paymentOption}, ${a.lookbackDays}-day lookback, ${Math.round(a.savingsRate * 100)}% discount.\n`,
      );
      printTable(
        answer.items.map((p) => ({
          account: p.awsAccountId,
          commitPerHour: p.hourlyCommitment.toFixed(3),
          monthlySavings: money(p.monthlySavings),
          coverage: `${p.coverageNow}% -> ${p.coverageAfter}%`,
          utilization: `${p.utilizationAfter}%`,
          breakEvenMonth: p.breakEvenMonth,
        })),
        ['account', 'commitPerHour', 'monthlySavings', 'coverage', 'utilization', 'breakEvenMonth'],
      );
      process.stdout.write(`Method: ${answer.items[0].method}\n`);
    }),
  );
}
