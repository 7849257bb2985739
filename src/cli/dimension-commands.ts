import type { Command } from 'commander';
import { isoDate, monthStart } from '../lib/dates.js';
import { InputError } from '../lib/errors.js';
import { ok, withApi } from './client.js';
import { action, orgOptions, printJson, printTable, type OrgFlags } from './common.js';

interface Flags extends OrgFlags {
  from?: string;
  to?: string;
  search?: string;
  limit?: string;
}

/** `cloudtally costs values DIMENSION`: the values a filter can match, with their spend. */
export function registerDimensionCommands(program: Command): void {
  const costs =
    program.commands.find((c) => c.name() === 'costs') ??
    program.command('costs').description('Cost analysis');
  orgOptions(
    costs
      .command('values <dimension>')
      .description(
        'Values of a dimension with their spend, largest first (service, account, region, usageType, tagKeys, tag:KEY …)',
      )
      .option('--from <date>', 'first day (default: the 1st of this month)')
      .option('--to <date>', 'last day, included (default: today)')
      .option('--search <text>', 'only values containing this text')
      .option('--limit <n>', 'values listed (1–1000)', '100'),
  ).action(
    action(async (dimension: string, flags: Flags) => {
      const today = isoDate(new Date());
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit)) throw new InputError('limit', '--limit must be a whole number');
      const o = { from: flags.from ?? monthStart(today), to: flags.to ?? today, search: flags.search, limit };
      const a = await withApi(flags, ({ api }) =>
        ok(
          api.GET('/api/v1/costs/dimensions/{dimension}/values', {
            params: { path: { dimension }, query: o },
          }),
        ),
      );
      if (flags.json) return printJson(a);
      process.stdout.write(
        `${a.count} values of ${a.dimension} (${a.basis}, ${a.from} to ${a.to} inclusive, ${a.currency})\n`,
      );
      printTable(
        a.values.map((v) => ({ value: v.label, cost: v.cost.toFixed(2) })),
        ['value', 'cost'],
      );
      if (a.truncated) process.stdout.write(`only the ${a.values.length} largest; narrow with --search\n`);
    }),
  );
}
