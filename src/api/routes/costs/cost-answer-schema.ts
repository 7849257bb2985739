import { z } from '@hono/zod-openapi';
import { COST_BASES, GRANULARITIES } from '../../../costs/cost-query.js';

const Point = z.object({ period: z.string(), cost: z.number() });
export const CostAnswerSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    toInclusive: z.literal(true),
    granularity: z.enum(GRANULARITIES),
    groupBy: z.array(z.string()),
    filters: z.array(
      z.object({ dimension: z.string(), values: z.array(z.string().nullable()), exclude: z.boolean() }),
    ),
    basis: z.enum(COST_BASES),
    currency: z.string(),
    total: z.number(),
    periods: z.array(z.string()),
    series: z.array(Point),
    groups: z.array(
      z.object({
        key: z.record(z.string(), z.string().nullable()),
        label: z.string(),
        total: z.number(),
        series: z.array(Point),
        other: z.object({ groups: z.number() }).optional(),
      }),
    ),
    groupCount: z.number(),
    truncated: z.boolean(),
    otherCurrencies: z.array(z.object({ currency: z.string(), total: z.number() })),
    source: z.enum(['cost_daily', 'cost_line_items', 'cost_allocations']),
    dataThrough: z.string().nullable().openapi({
      description:
        'Newest day with cost data in the organization (may be after `to`); days after it have no data yet, which is not a cost of zero',
    }),
    warnings: z
      .array(
        z.object({
          field: z.enum(['filter', 'exclude']),
          dimension: z.string(),
          value: z.string(),
          message: z.string(),
          closest: z.array(z.string()),
        }),
      )
      .openapi({
        description:
          'Filter values that match no cost in the range (often a misspelling), each with the closest known values',
      }),
    allocation: z
      .object({
        dimension: z.string(),
        version: z.number().nullable(),
        asOf: z.string().nullable(),
        pending: z.boolean(),
      })
      .optional()
      .openapi({
        description:
          'With an allocation dimension: the version of its rules the figures follow, when it was applied, and whether a newer version is being applied',
      }),
  })
  .openapi('CostAnswer');
