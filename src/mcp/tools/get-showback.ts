import { z } from 'zod';
import { ok } from '../api-caller.js';
import { basisArg } from '../cost-args.js';
import { defineTool, money, pct, READ_ONLY, table, ToolInputError } from '../tool-kit.js';

const monthArg = (what: string) =>
  z
    .string()
    .optional()
    .describe(`${what} month: any day of it, YYYY-MM-DD (default: the last three months, this one included)`);

export const getShowbackTool = defineTool({
  name: 'get_showback',
  title: 'Showback per allocation value',
  description: [
    'Showback of one allocation dimension (the organization’s own "virtual tags", e.g. team or product): per month, each value’s direct cost (rules that assign it),',
    'its shared cost (its part of split costs such as support, tax or untagged spend), the total, its share of the month and its change from the month before.',
    'The figures follow the applied version of the dimension’s rules, which the answer names. Without a dimension, lists the dimensions there are.',
  ].join(' '),
  annotations: READ_ONLY,
  args: {
    dimension: z
      .string()
      .optional()
      .describe('The allocation dimension’s name, e.g. team (omit to list the dimensions)'),
    from: monthArg('First'),
    to: monthArg('Last'),
    basis: basisArg,
  },
  async execute(args, api) {
    const { items } = await ok(api.GET('/api/v1/allocation/dimensions'));
    const names = items.map((d) => d.name);
    if (args.dimension === undefined || !names.includes(args.dimension)) {
      if (names.length === 0)
        return 'There are no allocation dimensions yet: a manager defines them (POST /api/v1/allocation/dimensions, or the Allocation page).';
      const list = `Allocation dimensions: ${names.join(', ')}.`;
      if (args.dimension === undefined) return `${list} Call get_showback with one of them as dimension.`;
      throw new ToolInputError(`No allocation dimension named "${args.dimension}". ${list}`);
    }
    const a = await ok(
      api.GET('/api/v1/allocation/dimensions/{name}/showback', {
        params: {
          path: { name: args.dimension },
          query: { from: args.from, to: args.to, basis: args.basis },
        },
      }),
    );
    const c = a.currency;
    const lines = [
      `Showback of ${a.dimension} from ${a.from} to ${a.to}, ${a.basis} cost in ${c}; ` +
        (a.version === null
          ? 'the rules have not been applied yet, so there is nothing to show.'
          : `rules version ${a.version} as of ${a.asOf}.`),
    ];
    if (a.rows.length === 0) {
      lines.push('No allocated cost in these months: check the months and that accounts have synced.');
      return lines.join('\n');
    }
    lines.push(
      '',
      table(
        ['month', 'value', 'direct', 'shared', 'total', 'share', 'change'],
        a.rows.map((r) => [
          r.month,
          r.value,
          money(r.direct, c),
          money(r.shared, c),
          money(r.total, c),
          r.share === null ? '-' : `${r.share.toFixed(1)}%`,
          `${money(r.change, c)} (${pct(r.changePercent)})`,
        ]),
        120,
        'ask for fewer months',
      ),
    );
    return lines.join('\n');
  },
});
