import { Readable } from 'node:stream';
import { createReadStream } from 'node:fs';
import { z } from '@hono/zod-openapi';
import type { AppContext } from '../../app/context.js';
import { ANOMALY_DIMENSIONS } from '../../costs/anomalies.js';
import { ANOMALY_STATES } from '../../costs/anomaly-states.js';
import { anomaliesCsv, costAnswerCsv, forecastCsv } from '../../costs/cost-csv.js';
import {
  COST_BASES,
  DIMENSION_HELP,
  GRANULARITIES,
  parseCostQuery,
  parseDimensionList,
  parseFilters,
} from '../../costs/cost-query.js';
import { EARLIEST_DATE, FUTURE_YEARS } from '../../lib/date-rules.js';
import { isoDate } from '../../lib/dates.js';
import { defineRoute, errorResponses, jsonResponse, principalOf, type Api } from '../route-kit.js';

const TO_DESCRIPTION = 'Last day of the range, YYYY-MM-DD, **included** (the CLI’s --to means the same).';

const stringList = z.union([z.string(), z.array(z.string())]).optional();
const asList = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

/** Every date parameter: a calendar day in the window the cost service checks (date-rules). */
const DATE_RULE = `A calendar date YYYY-MM-DD from ${EARLIEST_DATE} to ${FUTURE_YEARS} years after today.`;

const date = (field: string, description: string) =>
  z.string().openapi({
    description: `${description} ${DATE_RULE}`,
    format: 'date',
    example: field === 'from' ? '2024-01-01' : '2024-01-31',
  });

const basis = z.enum(COST_BASES).optional().openapi({
  description:
    'billed = unblended (the invoice, default); net = after negotiated discounts; amortized = commitments spread over the usage they cover; net_amortized = both',
});

const filterParams = {
  filter: stringList.openapi({
    description: `Include only rows where DIMENSION=VALUE; repeat for more values (values of one dimension are alternatives, different dimensions all apply). An empty value matches rows without one (tag:user:team= = untagged). Dimensions: ${DIMENSION_HELP}.`,
    example: 'service=Amazon Elastic Compute Cloud',
  }),
  exclude: stringList.openapi({ description: 'Leave out rows where DIMENSION=VALUE; repeatable.' }),
};

const CostQueryParams = z.object({
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

const csvContent = { 'text/csv': { schema: z.string() } };

const query = defineRoute('member', {
  method: 'get',
  path: '/api/v1/costs',
  tags: ['costs'],
  summary: 'Costs over a date range, by day or month, grouped by up to two dimensions',
  description:
    'Totals and series are sums of the line items (from the daily rollup where it holds the dimensions asked for). `to` is included. Amounts are in `currency`; rows in other currencies are never added in.',
  request: { query: CostQueryParams },
  responses: {
    200: {
      description: 'The grouped series',
      content: { 'application/json': { schema: CostAnswerSchema }, ...csvContent },
    },
    400: errorResponses[400],
  },
});

const exportCsv = defineRoute('member', {
  method: 'get',
  path: '/api/v1/costs/export',
  tags: ['costs'],
  summary: 'The same query as GET /api/v1/costs, as a CSV download',
  request: { query: CostQueryParams.omit({ format: true }) },
  responses: {
    200: { description: 'CSV, one row per period and group', content: csvContent },
    400: errorResponses[400],
  },
});

const PeriodTotal = z.object({ from: z.string(), to: z.string(), total: z.number() });
const summary = defineRoute('member', {
  method: 'get',
  path: '/api/v1/costs/summary',
  tags: ['costs'],
  summary: 'Month to date against the same days of last month, and last month',
  description:
    'Billing data runs about a day behind, so both sides are compared through `dataThrough`, the newest day with data on or before `asOf`: month to date is the 1st to that day, and last month the 1st to the same day of the month (cut at its last day).',
  request: {
    query: z.object({
      basis,
      currency: z.string().optional(),
      asOf: z
        .string()
        .optional()
        .openapi({ description: 'Day the month to date ends on (default today, UTC)' }),
    }),
  },
  responses: {
    200: jsonResponse(
      z
        .object({
          asOf: z.string(),
          dataThrough: z
            .string()
            .nullable()
            .openapi({ description: 'Newest day with cost data on or before asOf; null with no data' }),
          basis: z.enum(COST_BASES),
          currency: z.string(),
          monthToDate: PeriodTotal,
          samePeriodLastMonth: PeriodTotal,
          change: z.number(),
          changePercent: z.number().nullable(),
          lastMonth: PeriodTotal,
        })
        .openapi('CostSummary'),
      'Summary',
    ),
    400: errorResponses[400],
  },
});

const Mover = z.object({
  key: z.string().nullable(),
  label: z.string(),
  current: z.number(),
  previous: z.number(),
  change: z.number(),
  changePercent: z.number().nullable(),
});
const movers = defineRoute('member', {
  method: 'get',
  path: '/api/v1/costs/movers',
  tags: ['costs'],
  summary: 'Largest increases and decreases by service and by account between two periods',
  request: {
    query: z.object({
      from: z
        .string()
        .optional()
        .openapi({ description: 'Current period start (default: first of this month)' }),
      to: z
        .string()
        .optional()
        .openapi({
          description: `${TO_DESCRIPTION} Default today. Cut at the newest day with cost data (\`dataThrough\`).`,
        }),
      compareFrom: z.string().optional().openapi({
        description:
          'Earlier period start (default: the same days of last month, or the equal span before, both through `dataThrough`)',
      }),
      compareTo: z.string().optional(),
      limit: z.coerce.number().int().min(1).max(50).optional(),
      basis,
      currency: z.string().optional(),
      ...filterParams,
      by: z
        .string()
        .optional()
        .openapi({
          description: `Dimensions compared, comma-separated (default service,account): ${DIMENSION_HELP}`,
        }),
    }),
  },
  responses: {
    200: jsonResponse(
      z
        .object({
          dataThrough: z.string().nullable().openapi({
            description: 'Newest day with cost data on or before `to`; the current period ends there',
          }),
          basis: z.enum(COST_BASES),
          currency: z.string(),
          current: PeriodTotal,
          previous: PeriodTotal,
          dimensions: z.array(
            z.object({
              dimension: z.string(),
              increases: z.array(Mover),
              decreases: z.array(Mover),
            }),
          ),
        })
        .openapi('CostMovers'),
      'Movers',
    ),
    400: errorResponses[400],
  },
});

const ForecastSchema = z
  .object({
    asOf: z.string(),
    basis: z.enum(COST_BASES),
    currency: z.string(),
    method: z.string(),
    model: z.enum(['trend+weekday', 'trend', 'mean', 'none']),
    fittedOn: z.object({ from: z.string(), to: z.string(), days: z.number() }).nullable(),
    dataThrough: z.string().nullable().openapi({
      description: 'Newest day with cost data on or before asOf: actual to it, forecast after it',
    }),
    lastDataDate: z.string().nullable().openapi({ description: 'The same as dataThrough' }),
    periods: z.array(
      z.object({
        month: z.string(),
        from: z.string(),
        to: z.string(),
        actual: z.number(),
        forecast: z.number(),
        total: z.number(),
        lower: z.number(),
        upper: z.number(),
      }),
    ),
    daily: z.array(z.object({ date: z.string(), cost: z.number(), lower: z.number(), upper: z.number() })),
    otherCurrencies: z.array(z.object({ currency: z.string(), total: z.number() })),
  })
  .openapi('CostForecast');

const forecast = defineRoute('member', {
  method: 'get',
  path: '/api/v1/costs/forecast',
  tags: ['costs'],
  summary: 'Forecast to the end of this month and of the next months, with an 80% interval',
  description:
    'Least-squares fit of daily cost on a linear trend plus day-of-week effects over the last 84 days of history (simpler models with less history); the interval comes from the residual spread and the coefficient uncertainty. `method` states what was used.',
  request: {
    query: z.object({
      basis,
      currency: z.string().optional(),
      asOf: z.string().optional().openapi({ description: 'Forecast as of this day (default today, UTC)' }),
      months: z.coerce
        .number()
        .int()
        .min(0)
        .max(12)
        .optional()
        .openapi({ description: 'Months after the current one (default 3)' }),
      ...filterParams,
      format: z.enum(['json', 'csv']).optional(),
    }),
  },
  responses: {
    200: {
      description: 'Forecast',
      content: { 'application/json': { schema: ForecastSchema }, ...csvContent },
    },
    400: errorResponses[400],
  },
});

export const AnomalySchema = z
  .object({
    id: z.string(),
    dimension: z.enum(ANOMALY_DIMENSIONS),
    key: z.string(),
    label: z.string(),
    date: z.string(),
    currency: z.string(),
    basis: z.literal('amortized'),
    actual: z.number(),
    expected: z.number(),
    change: z.number(),
    changePercent: z.number().nullable(),
    threshold: z.number(),
    direction: z.enum(['increase', 'decrease']),
    drivers: z.array(
      z.object({
        resourceId: z.string().nullable(),
        usageType: z.string().nullable(),
        service: z.string().nullable(),
        account: z.string().nullable(),
        region: z.string().nullable(),
        cost: z.number(),
        baseline: z.number(),
        change: z.number(),
      }),
    ),
    detectedAt: z.string(),
    state: z.enum(ANOMALY_STATES).openapi({
      description: 'open (nobody decided yet), acknowledged or expected; kept across recomputes',
    }),
    comment: z.string().nullable(),
    stateUpdatedBy: z.string().nullable().openapi({ description: 'User who set the state or comment last' }),
    stateUpdatedAt: z.string().nullable(),
  })
  .openapi('CostAnomaly');

const anomalies = defineRoute('member', {
  method: 'get',
  path: '/api/v1/costs/anomalies',
  tags: ['costs'],
  summary: "Days where an account's or a service's amortized cost departed from its baseline, newest first",
  description:
    "The baseline of a day is the median of the same weekday over the previous 8 weeks for usage, plus the median of the same day of the previous 3 months for recurring monthly charges (credits, fees, RI and Savings Plan fees, support, tax); a day is an anomaly when it departs by more than 3 scaled median absolute deviations, at least 10 in the currency and at least 10% of the baseline. A series is judged after 4 weeks of usage; an account's first 8 weeks are left out of the services it uses; a change that lasts is reported on its first day. Recomputed after each billing load; `drivers` are the line items (by resource and usage type) that changed most against their baseline; `state` and `comment` are what people decided (PATCH /api/v1/costs/anomalies/{id}).",
  request: {
    query: z.object({
      from: z.string().optional(),
      to: z.string().optional().openapi({ description: TO_DESCRIPTION }),
      dimension: z.enum(ANOMALY_DIMENSIONS).optional(),
      direction: z.enum(['increase', 'decrease']).optional(),
      state: z.enum(ANOMALY_STATES).optional(),
      limit: z.coerce.number().int().min(1).max(500).optional(),
      format: z.enum(['json', 'csv']).optional(),
    }),
  },
  responses: {
    200: {
      description: 'Anomalies',
      content: { 'application/json': { schema: z.object({ items: z.array(AnomalySchema) }) }, ...csvContent },
    },
    400: errorResponses[400],
  },
});

const recompute = defineRoute('sync:trigger', {
  method: 'post',
  path: '/api/v1/costs/anomalies/recompute',
  tags: ['costs'],
  summary: 'Recompute anomalies now (they are also recomputed after every billing load)',
  responses: {
    200: jsonResponse(z.object({ anomalies: z.number(), series: z.number() }), 'Recomputed'),
    403: errorResponses[403],
  },
});

const lineItems = defineRoute('member', {
  method: 'get',
  path: '/api/v1/costs/line-items/export',
  tags: ['costs'],
  summary: 'Line items in FOCUS column names, as CSV or Parquet',
  request: {
    query: z.object({
      from: date('from', 'First usage day, included'),
      to: date('to', TO_DESCRIPTION),
      format: z.enum(['csv', 'parquet']).optional().openapi({ description: 'csv (default) or parquet' }),
      ...filterParams,
    }),
  },
  responses: {
    200: {
      description: 'The file',
      content: {
        ...csvContent,
        'application/vnd.apache.parquet': { schema: z.string().openapi({ format: 'binary' }) },
      },
    },
    400: errorResponses[400],
  },
});

export function csvResponse(body: string, filename: string): Response {
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
    },
  });
}

export function registerCostRoutes(app: Api, ctx: AppContext): void {
  const costs = ctx.costs;
  const textQuery = (q: z.infer<typeof CostQueryParams>) => ({
    from: q.from,
    to: q.to,
    granularity: q.granularity,
    groupBy: q.groupBy,
    filter: asList(q.filter),
    exclude: asList(q.exclude),
    basis: q.basis,
    currency: q.currency,
    limit: q.limit,
  });

  app.openapi(query, async (c) => {
    const q = c.req.valid('query');
    const answer = await costs.query(
      principalOf(c).orgId,
      parseCostQuery(textQuery(q), isoDate(ctx.clock.now())),
    );
    if (q.format === 'csv')
      return csvResponse(costAnswerCsv(answer), `cloudtally-costs-${q.from}-${q.to}.csv`);
    return c.json(answer, 200);
  });

  app.openapi(exportCsv, async (c) => {
    const q = c.req.valid('query');
    const answer = await costs.query(
      principalOf(c).orgId,
      parseCostQuery(textQuery(q), isoDate(ctx.clock.now())),
    );
    return csvResponse(costAnswerCsv(answer), `cloudtally-costs-${q.from}-${q.to}.csv`);
  });

  app.openapi(summary, async (c) => {
    const q = c.req.valid('query');
    return c.json(
      await costs.summary(principalOf(c).orgId, {
        basis: q.basis,
        currency: q.currency?.toUpperCase(),
        asOf: q.asOf,
      }),
      200,
    );
  });

  app.openapi(movers, async (c) => {
    const q = c.req.valid('query');
    const answer = await costs.movers(principalOf(c).orgId, {
      from: q.from,
      to: q.to,
      compareFrom: q.compareFrom,
      compareTo: q.compareTo,
      limit: q.limit,
      basis: q.basis,
      currency: q.currency?.toUpperCase(),
      filters: parseFilters(asList(q.filter), asList(q.exclude)),
      dimensions: q.by === undefined ? undefined : parseDimensionList(q.by, 'by'),
    });
    return c.json(answer, 200);
  });

  app.openapi(forecast, async (c) => {
    const q = c.req.valid('query');
    const answer = await costs.forecast(principalOf(c).orgId, {
      basis: q.basis,
      currency: q.currency?.toUpperCase(),
      asOf: q.asOf,
      months: q.months,
      filters: parseFilters(asList(q.filter), asList(q.exclude)),
    });
    if (q.format === 'csv') return csvResponse(forecastCsv(answer), `cloudtally-forecast-${answer.asOf}.csv`);
    return c.json(answer, 200);
  });

  app.openapi(anomalies, async (c) => {
    const q = c.req.valid('query');
    const items = await costs.listAnomalies(principalOf(c).orgId, {
      from: q.from,
      to: q.to,
      dimension: q.dimension,
      direction: q.direction,
      state: q.state,
      limit: q.limit,
    });
    if (q.format === 'csv') return csvResponse(anomaliesCsv(items), 'cloudtally-anomalies.csv');
    return c.json({ items }, 200);
  });

  app.openapi(recompute, async (c) => c.json(await costs.recomputeAnomalies(principalOf(c).orgId), 200));

  app.openapi(lineItems, async (c) => {
    const q = c.req.valid('query');
    const file = await costs.exportLineItems(principalOf(c).orgId, {
      from: q.from,
      to: q.to,
      format: q.format ?? 'csv',
      filters: parseFilters(asList(q.filter), asList(q.exclude)),
    });
    const stream = createReadStream(file.path);
    stream.once('close', file.cleanup);
    return new Response(Readable.toWeb(stream) as ReadableStream, {
      status: 200,
      headers: {
        'content-type': file.contentType,
        'content-length': String(file.bytes),
        'content-disposition': `attachment; filename="${file.filename}"`,
      },
    });
  });
}
