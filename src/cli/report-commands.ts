import type { Command } from 'commander';
import { COST_BASES } from '../costs/cost-query.js';
import { InputError } from '../lib/errors.js';
import { ok, requireActor, withApi } from './client.js';
import { action, orgOptions, printJson, printTable, type OrgFlags } from './common.js';

interface ScheduleFlags extends OrgFlags {
  as?: string;
  showback?: string;
  view?: string;
  period?: string;
  basis?: string;
  weekly?: string;
  monthly?: string;
  channel: string;
  to?: string[];
}

const ACTS = 'who acts, when working on the data directory without a server';
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
const collect = (v: string, all: string[] = []) => [...all, v];

/** The request body of `reports schedule`, checked here so that a mistake names its option. */
function scheduleBody(f: ScheduleFlags) {
  if (Boolean(f.showback) === Boolean(f.view))
    throw new InputError('showback', 'name one report: --showback DIMENSION or --view SAVED_VIEW_ID');
  if (Boolean(f.weekly) === Boolean(f.monthly))
    throw new InputError('weekly', 'say when: --weekly WEEKDAY or --monthly DAY (1-28)');
  if (f.weekly && !(WEEKDAYS as readonly string[]).includes(f.weekly.toLowerCase()))
    throw new InputError('weekly', `--weekly must be one of ${WEEKDAYS.join(', ')}`);
  const day = f.monthly === undefined ? undefined : Number(f.monthly);
  if (day !== undefined && !(Number.isInteger(day) && day >= 1 && day <= 28))
    throw new InputError('monthly', '--monthly must be a day of the month, 1 to 28');
  if (f.period && f.period !== 'last_full_month' && f.period !== 'month_to_date')
    throw new InputError('period', '--period must be last_full_month or month_to_date');
  if (f.basis && !(COST_BASES as readonly string[]).includes(f.basis))
    throw new InputError('basis', `--basis must be one of ${COST_BASES.join(', ')}`);
  return {
    kind: f.showback ? ('showback' as const) : ('saved_view' as const),
    ...(f.showback ? { dimension: f.showback } : { viewId: f.view }),
    ...(f.period ? { period: f.period as 'last_full_month' | 'month_to_date' } : {}),
    ...(f.basis ? { basis: f.basis as (typeof COST_BASES)[number] } : {}),
    ...(f.weekly
      ? { frequency: 'weekly' as const, weekday: f.weekly.toLowerCase() as (typeof WEEKDAYS)[number] }
      : { frequency: 'monthly' as const, dayOfMonth: day }),
    channel: f.channel,
    ...(f.to?.length ? { recipients: f.to } : {}),
  };
}

/** `cloudtally reports`: showback reports and saved views sent by e-mail with their CSV, weekly or monthly. */
export function registerReportCommands(program: Command): void {
  const reports = program
    .command('reports')
    .description('Scheduled e-mail reports: a showback report or a saved view, its CSV attached');

  orgOptions(reports.command('list', { isDefault: true }).description('Scheduled reports')).action(
    action(async (flags: OrgFlags) => {
      const answer = await withApi(flags, ({ api }) => ok(api.GET('/api/v1/report-schedules')));
      if (flags.json) return printJson(answer);
      if (answer.items.length === 0) {
        process.stdout.write(
          'No scheduled reports yet: `cloudtally reports schedule --showback team --monthly 1 --channel C`.\n',
        );
        return;
      }
      printTable(
        answer.items.map((s) => ({
          id: s.id,
          report: s.title,
          when: s.cadence,
          to: s.recipients.length ? s.recipients.join(' ') : `(channel ${s.channelId})`,
          next: s.nextDueAt.slice(0, 10),
          last: s.lastError ? `not sent: ${s.lastError}` : (s.lastSentAt?.slice(0, 16) ?? '-'),
        })),
        ['id', 'report', 'when', 'to', 'next', 'last'],
      );
    }),
  );

  orgOptions(
    reports
      .command('schedule')
      .description(
        'Send a showback report or a saved view by e-mail, weekly or monthly, with its CSV attached',
      )
      .option('--showback <dimension>', 'the showback report of this allocation dimension')
      .option('--view <id>', 'this saved view (over its own range)')
      .option('--period <p>', 'showback: last_full_month (default) or month_to_date')
      .option('--basis <basis>', `showback: cost basis, ${COST_BASES.join(', ')}`)
      .option('--weekly <weekday>', 'every week on this day (monday … sunday)')
      .option('--monthly <day>', 'every month on this day (1-28)')
      .requiredOption('--channel <idOrName>', 'the e-mail channel that sends it')
      .option('--to <address>', "send to this address instead of the channel's (repeatable)", collect)
      .option('--as <email>', ACTS),
  ).action(
    action(async (flags: ScheduleFlags) => {
      const body = scheduleBody(flags);
      const s = await withApi(flags, (conn) => {
        requireActor(conn, flags);
        return ok(conn.api.POST('/api/v1/report-schedules', { body }));
      });
      if (flags.json) printJson(s);
      else
        process.stdout.write(
          `scheduled ${s.title}, ${s.cadence}, first on ${s.nextDueAt.slice(0, 10)} (${s.id})\n`,
        );
    }),
  );

  orgOptions(
    reports.command('send <id>').description('Send a scheduled report now').option('--as <email>', ACTS),
  ).action(
    action(async (id: string, flags: OrgFlags & { as?: string }) => {
      const r = await withApi(flags, (conn) => {
        requireActor(conn, flags);
        return ok(conn.api.POST('/api/v1/report-schedules/{id}/send', { params: { path: { id } } }));
      });
      if (flags.json) return printJson(r);
      if (!r.ok) throw new Error(`not sent: ${r.error}`);
      process.stdout.write(`sent report ${id}\n`);
    }),
  );

  orgOptions(
    reports.command('unschedule <id>').description('Stop a scheduled report').option('--as <email>', ACTS),
  ).action(
    action(async (id: string, flags: OrgFlags & { as?: string }) => {
      await withApi(flags, (conn) => {
        requireActor(conn, flags);
        return ok(conn.api.DELETE('/api/v1/report-schedules/{id}', { params: { path: { id } } }));
      });
      if (flags.json) printJson({ removed: id });
      else process.stdout.write(`stopped scheduled report ${id}\n`);
    }),
  );
}
