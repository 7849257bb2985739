import type { Command } from 'commander';
import { apiCallError, type Schemas } from '../api-client/client.js';
import { anomaliesCsv, costAnswerCsv, forecastCsv } from '../costs/cost-csv.js';
import { COST_BASES, type CostBasis } from '../costs/cost-query.js';
import { isoDate, monthStart } from '../lib/dates.js';
import { InputError } from '../lib/errors.js';
import { ok, withApi } from './client.js';
import { action, orgOptions, printJson, printTable, withStoreFlags, type OrgFlags } from './common.js';
import { registerDimensionCommands } from './dimension-commands.js';

interface Flags extends OrgFlags {
  csv?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function checkBasis(basis: string | undefined): CostBasis | undefined {
  if (basis !== undefined && !(COST_BASES as readonly string[]).includes(basis))
    throw new InputError('basis', `--basis must be one of ${COST_BASES.join(', ')}`);
  return basis as CostBasis | undefined;
}

function costOptions(cmd: Command): Command {
  return orgOptions(cmd).option('--csv', 'print CSV');
}

function printCosts(a: Schemas['CostAnswer']): void {
  process.stdout.write(
    `Total ${a.total.toFixed(2)} ${a.currency} (${a.basis}, ${a.from} to ${a.to} inclusive, ${a.groupCount} group${a.groupCount === 1 ? '' : 's'})\n`,
  );
  for (const o of a.otherCurrencies)
    process.stdout.write(
      `also ${o.total.toFixed(2)} ${o.currency} not included (use --currency ${o.currency})\n`,
    );
  const periods = a.periods.length <= 6 ? a.periods : [];
  const columns = ['group', 'total', ...periods];
  const rows = a.groups.map((g) => ({
    group: g.label,
    total: g.total.toFixed(2),
    ...Object.fromEntries(periods.map((p, i) => [p, g.series[i].cost.toFixed(2)])),
  }));
  printTable(rows, columns);
}

export function registerCostCommands(program: Command): void {
  const costs = program
    .command('costs')
    .description(
      'Cost analysis: `cloudtally costs --from … --to … --group-by service,account` and the subcommands',
    );
  // The query is the default subcommand, so that `costs --basis …` and `costs forecast --basis …` each get
  // their own options.
  const query = costOptions(
    costs
      .command('query', { isDefault: true })
      .description('Costs over a date range, grouped (the default of `cloudtally costs`)')
      .option('--from <date>', 'first day YYYY-MM-DD, included (default: first of this month)')
      .option('--to <date>', 'last day YYYY-MM-DD, included (default: today)')
      .option('--granularity <g>', 'day or month', 'month')
      .option(
        '--group-by <dims>',
        'up to two of account, service, region, resource, chargeCategory, usageType, provider, tag:KEY',
      )
      .option('--filter <dim=value>', 'keep only rows with this value (repeatable)', collect)
      .option('--exclude <dim=value>', 'leave out rows with this value (repeatable)', collect)
      .option('--basis <basis>', `one of ${COST_BASES.join(', ')}`, 'billed')
      .option('--currency <code>', 'answer in this currency')
      .option('--limit <n>', 'groups shown; the rest are summed into one row', '50'),
  );
  query.action(
    action(
      async (
        flags: Flags & {
          from?: string;
          to?: string;
          granularity: string;
          groupBy?: string;
          filter?: string[];
          exclude?: string[];
          basis: string;
          currency?: string;
          limit: string;
        },
      ) => {
        const today = isoDate(new Date());
        const input = {
          from: flags.from ?? monthStart(today),
          to: flags.to ?? today,
          granularity: flags.granularity as 'day' | 'month',
          groupBy: flags.groupBy,
          filter: flags.filter ?? [],
          exclude: flags.exclude ?? [],
          basis: checkBasis(flags.basis),
          currency: flags.currency,
          limit: Number(flags.limit),
        };
        if (!['day', 'month'].includes(input.granularity))
          throw new InputError('granularity', '--granularity must be day or month');
        const answer = await withApi(flags, ({ api }) =>
          ok(api.GET('/api/v1/costs', { params: { query: input } })),
        );
        if (flags.json) printJson(answer);
        else if (flags.csv) process.stdout.write(costAnswerCsv(answer));
        else printCosts(answer);
      },
    ),
  );

  costOptions(
    costs
      .command('summary')
      .description('Month to date against the same days of last month')
      .option('--basis <basis>', 'cost basis', 'billed'),
  ).action(
    action(async (flags: Flags & { basis: string }) => {
      const basis = checkBasis(flags.basis);
      const s = await withApi(flags, ({ api }) =>
        ok(api.GET('/api/v1/costs/summary', { params: { query: { basis } } })),
      );
      if (flags.json) return printJson(s);
      printTable(
        [
          {
            period: 'month to date',
            from: s.monthToDate.from,
            to: s.monthToDate.to,
            total: s.monthToDate.total.toFixed(2),
          },
          {
            period: 'same days last month',
            ...s.samePeriodLastMonth,
            total: s.samePeriodLastMonth.total.toFixed(2),
          },
          { period: 'last month', ...s.lastMonth, total: s.lastMonth.total.toFixed(2) },
        ],
        ['period', 'from', 'to', 'total'],
      );
      process.stdout.write(
        `change ${s.change.toFixed(2)} ${s.currency}${s.changePercent === null ? '' : ` (${s.changePercent.toFixed(1)}%)`}\n`,
      );
      // Both sides are cut at the newest day with data; say which, since billing runs about a day behind.
      process.stdout.write(`data through ${s.dataThrough ?? 'none (no cost data yet)'}\n`);
    }),
  );

  costOptions(
    costs
      .command('forecast')
      .description('Forecast to the end of this month and the next months, with an 80% range')
      .option('--basis <basis>', 'cost basis', 'billed')
      .option('--months <n>', 'months after the current one', '3')
      .option('--filter <dim=value>', 'repeatable', collect)
      .option('--exclude <dim=value>', 'repeatable', collect),
  ).action(
    action(
      async (flags: Flags & { basis: string; months: string; filter?: string[]; exclude?: string[] }) => {
        const basis = checkBasis(flags.basis);
        const months = Number(flags.months);
        const f = await withApi(flags, ({ api }) =>
          ok(
            api.GET('/api/v1/costs/forecast', {
              params: { query: { basis, months, filter: flags.filter, exclude: flags.exclude } },
            }),
          ),
        );
        if (flags.json) return printJson(f);
        if (flags.csv) return void process.stdout.write(forecastCsv(f));
        process.stdout.write(`${f.method}\n`);
        printTable(
          f.periods.map((p) => ({
            month: p.month,
            incurred: p.actual.toFixed(2),
            forecast: p.forecast.toFixed(2),
            total: p.total.toFixed(2),
            lower: p.lower.toFixed(2),
            upper: p.upper.toFixed(2),
          })),
          ['month', 'incurred', 'forecast', 'total', 'lower', 'upper'],
        );
      },
    ),
  );

  costOptions(
    costs
      .command('anomalies')
      .description('Days where an account or a service departed from its usual cost')
      .option('--from <date>', 'first day, included')
      .option('--to <date>', 'last day, included')
      .option('--limit <n>', 'anomalies listed', '50'),
  ).action(
    action(async (flags: Flags & { from?: string; to?: string; limit: string }) => {
      const q = { from: flags.from, to: flags.to, limit: Number(flags.limit) };
      const { items } = await withApi(flags, ({ api }) =>
        ok(api.GET('/api/v1/costs/anomalies', { params: { query: q } })),
      );
      if (flags.json) return printJson({ items });
      if (flags.csv) return void process.stdout.write(anomaliesCsv(items));
      printTable(
        items.map((a) => ({
          date: a.date,
          dimension: a.dimension,
          label: a.label,
          actual: a.actual.toFixed(2),
          usual: a.expected.toFixed(2),
          change: `${a.change.toFixed(2)} ${a.currency}`,
          driver: a.drivers[0]?.resourceId ?? a.drivers[0]?.usageType ?? '',
        })),
        ['date', 'dimension', 'label', 'actual', 'usual', 'change', 'driver'],
      );
    }),
  );

  withStoreFlags(
    costs
      .command('export')
      .description('Write line items in FOCUS column names to a CSV or Parquet file')
      .requiredOption('--from <date>', 'first day, included')
      .requiredOption('--to <date>', 'last day, included')
      .requiredOption('--out <file>', 'file to write')
      .option('--format <f>', 'csv or parquet', 'csv')
      .option('--filter <dim=value>', 'repeatable', collect)
      .option('--exclude <dim=value>', 'repeatable', collect)
      .option('--url <url>', 'Cloudtally server (default CLOUDTALLY_URL)')
      .option('--token <token>', 'API token (default CLOUDTALLY_TOKEN)')
      .option('--org <name>', 'organization, when reading a data directory that holds several'),
  ).action(
    action(
      async (
        flags: Flags & {
          from: string;
          to: string;
          out: string;
          format: string;
          filter?: string[];
          exclude?: string[];
        },
      ) => {
        if (flags.format !== 'csv' && flags.format !== 'parquet')
          throw new InputError('format', '--format must be csv or parquet');
        const format = flags.format;
        await withApi(flags, async ({ api }) => {
          const { response, error } = await api.GET('/api/v1/costs/line-items/export', {
            params: {
              query: { from: flags.from, to: flags.to, format, filter: flags.filter, exclude: flags.exclude },
            },
            parseAs: 'stream',
          });
          if (!response.ok || !response.body) throw apiCallError(response, error);
          const [{ createWriteStream }, { pipeline }, { Readable }] = await Promise.all([
            import('node:fs'),
            import('node:stream/promises'),
            import('node:stream'),
          ]);
          await pipeline(Readable.fromWeb(response.body as never), createWriteStream(flags.out));
        });
        process.stderr.write(`wrote ${flags.out}\n`);
      },
    ),
  );
  // `costs values` belongs to the same top-level command, so it loads with it (one group per command).
  registerDimensionCommands(program);
}
