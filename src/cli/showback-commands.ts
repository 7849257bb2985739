import type { Command } from 'commander';
import { COST_BASES, type CostBasis } from '../costs/cost-query.js';
import { InputError } from '../lib/errors.js';
import { apiCallError } from '../api-client/client.js';
import { ok, withApi } from './client.js';
import { action, orgOptions, printJson, printTable, type OrgFlags } from './common.js';

interface Flags extends OrgFlags {
  from?: string;
  to?: string;
  basis?: string;
  csv?: boolean;
}

const money = (n: number) => n.toFixed(2);
const percent = (n: number | null) => (n === null ? '-' : `${n.toFixed(1)}%`);

function basisOf(text: string | undefined): CostBasis | undefined {
  if (text === undefined) return undefined;
  if (!(COST_BASES as readonly string[]).includes(text))
    throw new InputError('basis', `--basis must be one of ${COST_BASES.join(', ')}`);
  return text as CostBasis;
}

/** `cloudtally showback DIMENSION`: per month, each value's direct and shared cost, share and change. */
export function registerShowbackCommands(program: Command): void {
  orgOptions(
    program
      .command('showback <dimension>')
      .description(
        'Showback of an allocation dimension: per month, each value’s direct and shared cost, its share and its change',
      )
      .option('--from <date>', 'first month (any day of it; default: two months before this one)')
      .option('--to <date>', 'last month (any day of it; default: this month)')
      .option('--basis <basis>', `cost basis: ${COST_BASES.join(', ')}`, 'billed')
      .option('--csv', 'print CSV (month, value, direct, shared, total, share, change)'),
  ).action(
    action(async (dimension: string, flags: Flags) => {
      const query = { from: flags.from, to: flags.to, basis: basisOf(flags.basis) };
      if (flags.csv) {
        const text = await withApi(flags, async ({ api }) => {
          const { data, error, response } = await api.GET('/api/v1/allocation/dimensions/{name}/showback', {
            params: { path: { name: dimension }, query: { ...query, format: 'csv' } },
            parseAs: 'text',
          });
          if (!response.ok || data === undefined) throw apiCallError(response, error);
          return data;
        });
        process.stdout.write(text);
        return;
      }
      const a = await withApi(flags, ({ api }) =>
        ok(
          api.GET('/api/v1/allocation/dimensions/{name}/showback', {
            params: { path: { name: dimension }, query },
          }),
        ),
      );
      if (flags.json) return printJson(a);
      process.stdout.write(
        `Showback of ${a.dimension} from ${a.from} to ${a.to}, ${a.basis} cost in ${a.currency}` +
          `${a.version === null ? ' (rules not applied yet)' : `, rules version ${a.version} as of ${a.asOf}`}\n`,
      );
      if (a.rows.length === 0) {
        process.stdout.write('No allocated cost in these months.\n');
        return;
      }
      printTable(
        a.rows.map((r) => ({
          month: r.month,
          value: r.value,
          direct: money(r.direct),
          shared: money(r.shared),
          total: money(r.total),
          share: percent(r.share),
          change: `${r.change >= 0 ? '+' : ''}${money(r.change)} (${percent(r.changePercent)})`,
        })),
        ['month', 'value', 'direct', 'shared', 'total', 'share', 'change'],
      );
    }),
  );
}
