import { z } from 'zod';
import { ok } from '../api-caller.js';
import { basisArg, dateArg } from '../cost-args.js';
import { defineTool, READ_ONLY } from '../tool-kit.js';
import { valuesText } from './get-dimension-values.js';

export const getTagValuesTool = defineTool({
  name: 'get_tag_values',
  title: 'Tag keys and values',
  description:
    'Without key: the tag keys on the billed line items, with the spend carrying each. With key: the values of that tag key with their spend, including the untagged spend. Use the key and values exactly as listed in query_costs (groupBy tag:KEY, filter tag:KEY=VALUE).',
  annotations: READ_ONLY,
  args: {
    key: z
      .string()
      .min(1)
      .optional()
      .describe('A tag key as in the bill, e.g. user:team; omit to list the keys'),
    from: dateArg('First day (included)'),
    to: dateArg('Last day (included)'),
    search: z.string().optional().describe('Only keys or values containing this text (case-insensitive)'),
    limit: z.number().int().min(1).max(200).optional().describe('Keys or values listed (default 30)'),
    basis: basisArg,
  },
  async execute(args, api) {
    const dimension = args.key === undefined ? 'tagKeys' : `tag:${JSON.stringify(args.key)}`;
    const a = await ok(
      api.GET('/api/v1/costs/dimensions/{dimension}/values', {
        params: {
          path: { dimension: dimension },
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
    return valuesText(a, args.key === undefined ? 'tag keys' : `values of tag ${args.key}`);
  },
});
