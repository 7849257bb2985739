import { z } from 'zod';
import type { DimensionValuesAnswer } from '../../costs/dimension-values.js';
import { ok } from '../api-caller.js';
import { basisArg, dateArg, dimensionHelp } from '../cost-args.js';
import { defineTool, money, READ_ONLY, table } from '../tool-kit.js';

/** The values table both lookup tools answer with. */
export function valuesText(a: DimensionValuesAnswer, what: string): string {
  const lines = [
    `${a.count} ${what}${a.search ? ` containing "${a.search}"` : ''} with ${a.basis} cost from ${a.from} to ${a.to} (${a.currency}), largest first.`,
  ];
  if (a.count === 0) {
    lines.push('None: check the dates and that accounts have synced (list_cloud_accounts).');
    return lines.join('\n');
  }
  lines.push(
    '',
    table(
      ['value', 'label', 'cost'],
      a.values.map((v) => [
        v.value ?? '(empty: filter with an empty value)',
        v.label,
        money(v.cost, a.currency),
      ]),
      a.values.length,
      '',
    ),
  );
  if (a.truncated)
    lines.push(`Only the ${a.values.length} largest are listed; narrow with search or raise limit.`);
  lines.push('Use a value exactly as listed in the filters of query_costs.');
  return lines.join('\n');
}

export const getDimensionValuesTool = defineTool({
  name: 'get_dimension_values',
  title: 'Dimension values',
  description: [
    'The values a cost dimension takes over a date range, with their spend, largest first: look values up here before filtering query_costs,',
    'because a filter matches values exactly as the bill writes them (the bill says "Amazon Elastic Compute Cloud", not "Amazon EC2").',
    `Dimension: ${dimensionHelp}, or tagKeys for the tag keys in use, or costCategories for the AWS cost category names.`,
  ].join(' '),
  annotations: READ_ONLY,
  args: {
    dimension: z
      .string()
      .describe(
        'service, account, region, usageType, chargeCategory, resource, provider, tagKeys, tag:KEY, costCategories, costCategory:NAME or allocation:NAME',
      ),
    from: dateArg('First day (included)'),
    to: dateArg('Last day (included)'),
    search: z.string().optional().describe('Only values containing this text (case-insensitive)'),
    limit: z.number().int().min(1).max(200).optional().describe('Values listed (default 30)'),
    basis: basisArg,
  },
  async execute(args, api) {
    const a = await ok(
      api.GET('/api/v1/costs/dimensions/{dimension}/values', {
        params: {
          path: { dimension: args.dimension },
          query: {
            from: args.from,
            to: args.to,
            search: args.search,
            limit: args.limit ?? 30,
            basis: args.basis,
          },
        },
      }),
    );
    return valuesText(a, `values of ${a.dimension}`);
  },
});
