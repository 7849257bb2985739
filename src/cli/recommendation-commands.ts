import type { Command } from 'commander';
import { InputError } from '../lib/errors.js';
import {
  RECOMMENDATION_STATES,
  type RecommendationFilters,
  type RecommendationView,
} from '../recommendations/recommendation-store.js';
import { isRuleName, RULE_NAMES, type RuleName } from '../recommendations/settings.js';
import { ok, requireActor, withApi } from './client.js';
import { action, orgOptions, printJson, printTable, type OrgFlags } from './common.js';
import { accountFilter } from './resource-commands.js';

interface ActFlags extends OrgFlags {
  as?: string;
}

function printOne(r: RecommendationView): void {
  const lines = [
    `${r.title}`,
    `  id:        ${r.id}`,
    `  rule:      ${r.rule}`,
    `  resource:  ${r.resourceId}${r.resourceName ? ` (${r.resourceName})` : ''}`,
    `  account:   ${r.awsAccountId}${r.region ? `, ${r.region}` : ''}`,
    `  saving:    ${r.monthlySavings.toFixed(2)} ${r.currency}/month (${r.savingsBasis === 'bill' ? 'from the bill' : 'estimate'})`,
    `  state:     ${r.state}${r.stateReason ? ` — ${r.stateReason}` : ''}${r.snoozedUntil && r.state === 'snoozed' ? ` until ${r.snoozedUntil}` : ''}${r.closedReason ? ` — ${r.closedReason}` : ''}`,
    `  why:       ${r.reason}`,
    `  action:    ${r.action}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function registerRecommendationCommands(program: Command): void {
  const recs = program
    .command('recommendations')
    .description('Savings recommendations: list, show, dismiss, snooze, reopen');

  orgOptions(
    recs
      .command('list', { isDefault: true })
      .description(
        'Open recommendations, biggest saving first, with totals by rule and account (the default)',
      )
      .option('--state <state>', `${RECOMMENDATION_STATES.join(', ')} or all`, 'open')
      .option('--rule <rule>', `one of ${RULE_NAMES.join(', ')}`)
      .option('--account <id>', 'AWS account ID or cloud account ID')
      .option('--region <region>', 'AWS region')
      .option('--min-savings <amount>', 'monthly saving at least this')
      .option('--limit <n>', 'rows to show', '100'),
  ).action(
    action(
      async (
        flags: OrgFlags & {
          state?: string;
          rule?: string;
          account?: string;
          region?: string;
          minSavings?: string;
          limit?: string;
        },
      ) => {
        const state = flags.state ?? 'open';
        if (![...RECOMMENDATION_STATES, 'all'].includes(state)) {
          throw new InputError('state', `--state must be one of ${RECOMMENDATION_STATES.join(', ')} or all`);
        }
        if (flags.rule && !isRuleName(flags.rule)) {
          throw new InputError('rule', `--rule must be one of ${RULE_NAMES.join(', ')}`);
        }
        const minSavings = flags.minSavings === undefined ? undefined : Number(flags.minSavings);
        if (minSavings !== undefined && !(minSavings >= 0)) {
          throw new InputError('min-savings', '--min-savings must be a number of at least 0');
        }
        const limit = Number(flags.limit ?? 100);
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
          throw new InputError('limit', '--limit must be a whole number from 1 to 1000');
        }
        const filters = {
          state: state as NonNullable<RecommendationFilters['state']>,
          rule: flags.rule as RuleName | undefined,
          ...accountFilter(flags.account),
          region: flags.region,
          minSavings,
          limit,
        };
        const answer = await withApi(flags, ({ api }) =>
          ok(api.GET('/api/v1/recommendations', { params: { query: filters } })),
        );
        if (flags.json) return printJson(answer);
        printTable(
          answer.items.map((r) => ({
            id: r.id,
            rule: r.rule,
            resource: r.resourceName ? `${r.resourceId} (${r.resourceName})` : r.resourceId,
            account: r.awsAccountId,
            region: r.region ?? '',
            saving: `${r.monthlySavings.toFixed(2)}${r.savingsBasis === 'estimate' ? '*' : ''}`,
            state: r.state,
          })),
          ['id', 'rule', 'resource', 'account', 'region', 'saving', 'state'],
        );
        const t = answer.totals;
        const currency = answer.items[0]?.currency ?? 'USD';
        process.stdout.write(
          `${answer.items.length} of ${answer.total} shown. Possible savings (open): ${t.monthlySavings.toFixed(2)} ${currency}/month in ${t.count} recommendations` +
            `${answer.items.some((r) => r.savingsBasis === 'estimate') ? ' (* = estimated from list prices)' : ''}\n`,
        );
        for (const r of t.byRule) {
          process.stdout.write(
            `  ${r.rule.padEnd(28)} ${String(r.count).padStart(4)}  ${r.monthlySavings.toFixed(2)}\n`,
          );
        }
      },
    ),
  );

  orgOptions(recs.command('show <id>').description('One recommendation with its reason and action')).action(
    action(async (id: string, flags: OrgFlags) => {
      const r = await withApi(flags, ({ api }) =>
        ok(api.GET('/api/v1/recommendations/{id}', { params: { path: { id } } })),
      );
      if (flags.json) printJson(r);
      else printOne(r);
    }),
  );

  const actOptions = (cmd: Command) =>
    orgOptions(cmd).option('--as <email>', 'who acts, when working on the data directory without a server');

  actOptions(
    recs
      .command('dismiss <id>')
      .description('Dismiss a recommendation; it stays dismissed across syncs')
      .requiredOption('--reason <text>', 'why it does not apply'),
  ).action(
    action(async (id: string, flags: ActFlags & { reason: string }) => {
      const r = await withApi(flags, (conn) => {
        requireActor(conn, flags);
        return ok(
          conn.api.POST('/api/v1/recommendations/{id}/dismiss', {
            params: { path: { id } },
            body: { reason: flags.reason },
          }),
        );
      });
      if (flags.json) printJson(r);
      else process.stdout.write(`dismissed ${r.id} (${r.rule} ${r.resourceId})\n`);
    }),
  );

  actOptions(
    recs
      .command('snooze <id>')
      .description('Hide a recommendation until a date')
      .requiredOption('--until <date>', 'YYYY-MM-DD or an ISO date-time in the future')
      .option('--reason <text>', 'why'),
  ).action(
    action(async (id: string, flags: ActFlags & { until: string; reason?: string }) => {
      const body = { until: flags.until, reason: flags.reason };
      const r = await withApi(flags, (conn) => {
        requireActor(conn, flags);
        return ok(conn.api.POST('/api/v1/recommendations/{id}/snooze', { params: { path: { id } }, body }));
      });
      if (flags.json) printJson(r);
      else process.stdout.write(`snoozed ${r.id} until ${r.snoozedUntil ?? flags.until}\n`);
    }),
  );

  actOptions(recs.command('reopen <id>').description('Undo a dismissal or snooze')).action(
    action(async (id: string, flags: ActFlags) => {
      const r = await withApi(flags, (conn) => {
        requireActor(conn, flags);
        return ok(conn.api.POST('/api/v1/recommendations/{id}/reopen', { params: { path: { id } } }));
      });
      if (flags.json) printJson(r);
      else process.stdout.write(`reopened ${r.id} (${r.state})\n`);
    }),
  );

  orgOptions(recs.command('settings').description('The thresholds each rule uses')).action(
    action(async (flags: OrgFlags) => {
      const answer = await withApi(flags, ({ api }) => ok(api.GET('/api/v1/recommendations/settings')));
      if (flags.json) return printJson(answer);
      printTable(
        Object.entries(answer.settings).map(([rule, s]) => ({
          rule,
          settings: Object.entries(s)
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(' '),
        })),
        ['rule', 'settings'],
      );
    }),
  );
}
