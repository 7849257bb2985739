/** Argument shapes the cost tools share, mapped onto the query parameters of the cost routes. */
import { z } from 'zod';
import { COST_BASES } from '../costs/cost-query.js';
import { EARLIEST_DATE, FUTURE_YEARS } from '../lib/date-rules.js';

/**
 * A date argument. The API checks it (date-rules), so that a tool answers a bad date with the same message, naming
 * the argument and the allowed range, as the REST API and the CLI.
 */
export const dateArg = (description: string) =>
  z
    .string()
    .describe(`${description}: YYYY-MM-DD, from ${EARLIEST_DATE} to ${FUTURE_YEARS} years after today`);

const DIMENSION =
  'account, service, region, resource, chargeCategory, usageType, provider, tag:KEY (tag keys as in the bill, e.g. tag:user:team), costCategory:NAME (an AWS cost category, e.g. costCategory:CostCenter) or allocation:NAME (an allocation dimension, e.g. allocation:team)';

export const basisArg = z
  .enum(COST_BASES)
  .optional()
  .describe(
    'Which cost: billed (unblended, the invoice; default), net (after negotiated discounts), amortized (commitments spread over the usage they cover), net_amortized',
  );

export const currencyArg = z
  .string()
  .regex(/^[A-Za-z]{3}$/)
  .optional()
  .describe(
    'Three-letter currency code; by default the currency with the largest total (sums never mix currencies)',
  );

export const filtersArg = z
  .array(
    // Strict like the tool arguments themselves: a misspelt key (`value` for `values`) is an error, not ignored.
    z.strictObject({
      dimension: z.string().describe(DIMENSION),
      values: z
        .array(z.string())
        .min(1)
        .describe(
          'Values to match (any of them); an empty string matches rows without a value, e.g. untagged',
        ),
      exclude: z.boolean().optional().describe('true to leave these values out instead of keeping only them'),
    }),
  )
  .optional()
  .describe(
    'Filters; all of them apply. Example: [{"dimension":"service","values":["Amazon Elastic Compute Cloud"]}]',
  );

export const dimensionHelp = DIMENSION;

/** `[{dimension, values, exclude}]` → the `filter` / `exclude` query parameters (`DIMENSION=VALUE`, repeated). */
export function filterParams(filters: z.output<typeof filtersArg>): {
  filter?: string[];
  exclude?: string[];
} {
  const include: string[] = [];
  const exclude: string[] = [];
  for (const f of filters ?? [])
    for (const v of f.values) (f.exclude ? exclude : include).push(`${f.dimension}=${v}`);
  return { filter: include.length ? include : undefined, exclude: exclude.length ? exclude : undefined };
}
