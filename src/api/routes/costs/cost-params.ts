/** The query parameters and response pieces the cost routes share. */
import { z } from '@hono/zod-openapi';
import { COST_BASES, DIMENSION_HELP, GRANULARITIES } from '../../../costs/cost-query.js';
import { EARLIEST_DATE, FUTURE_YEARS } from '../../../lib/date-rules.js';

export const TO_DESCRIPTION =
  'Last day of the range, YYYY-MM-DD, **included** (the CLI’s --to means the same).';

const stringList = z.union([z.string(), z.array(z.string())]).optional();
export const asList = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

/** Every date parameter: a calendar day in the window the cost service checks (date-rules). */
const DATE_RULE = `A calendar date YYYY-MM-DD from ${EARLIEST_DATE} to ${FUTURE_YEARS} years after today.`;

export const date = (field: string, description: string) =>
  z.string().openapi({
    description: `${description} ${DATE_RULE}`,
    format: 'date',
    example: field === 'from' ? '2024-01-01' : '2024-01-31',
  });

export const basis = z.enum(COST_BASES).optional().openapi({
  description:
    'billed = unblended (the invoice, default); net = after negotiated discounts; amortized = commitments spread over the usage they cover; net_amortized = both',
});

export const filterParams = {
  filter: stringList.openapi({
    description: `Include only rows where DIMENSION=VALUE; repeat for more values (values of one dimension are alternatives, different dimensions all apply). An empty value matches rows without one (tag:user:team= = untagged). Dimensions: ${DIMENSION_HELP}.`,
    example: 'service=Amazon Elastic Compute Cloud',
  }),
  exclude: stringList.openapi({ description: 'Leave out rows where DIMENSION=VALUE; repeatable.' }),
};

export const CostQueryParams = z.object({
  from: date('from', 'First day of the range, YYYY-MM-DD, included.'),
  to: date('to', TO_DESCRIPTION),
  granularity: z.enum(GRANULARITIES).optional().openapi({ description: 'day or month (default month)' }),
  groupBy: z
    .string()
    .optional()
    .openapi({
      description: `Up to two dimensions, comma-separated: ${DIMENSION_HELP}`,
      example: 'service,account',
    }),
  ...filterParams,
  basis,
  currency: z.string().optional().openapi({
    description:
      'Answer in this currency. Sums never mix currencies: by default the currency with the largest total is answered and the totals of the others are listed in otherCurrencies.',
  }),
  limit: z.coerce.number().int().optional().openapi({
    description:
      'Groups shown (1–1000, default 50), largest first; the rest are folded into one "other" group.',
  }),
  format: z
    .enum(['json', 'csv'])
    .optional()
    .openapi({ description: 'csv answers text/csv (one row per period and group)' }),
});

export const PeriodTotal = z.object({ from: z.string(), to: z.string(), total: z.number() });

export const csvContent = { 'text/csv': { schema: z.string() } };

export function csvResponse(body: string, filename: string): Response {
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
    },
  });
}
