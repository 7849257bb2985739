import { z } from '@hono/zod-openapi';
import type { AppContext } from '../../app/context.js';
import { COVERAGE_DIMENSIONS, type CoverageDimension } from '../../commitments/commitment-figures.js';
import { COMMITMENT_KINDS } from '../../commitments/commitment-types.js';
import { InputError } from '../../lib/errors.js';
import { defineRoute, errorResponses, jsonResponse, principalOf, type Api } from '../route-kit.js';

const month = (what: string) =>
  z
    .string()
    .optional()
    .openapi({ description: `${what}, YYYY-MM`, example: '2025-05' });

const MonthFields = z.object({
  commitmentId: z.string(),
  period: z.string().openapi({ description: 'YYYY-MM (daily: the day, YYYY-MM-DD)' }),
  committed: z.number().openapi({ description: 'The month’s commitment, amortized' }),
  used: z.number(),
  unused: z.number().openapi({ description: 'committed − used: the waste' }),
  utilization: z
    .number()
    .openapi({ description: 'used / committed in % (RIs: used hours / purchased hours)' }),
  onDemandEquivalent: z.number().openapi({ description: 'What the covered usage would have cost on demand' }),
  amortized: z.number(),
  netSavings: z.number().openapi({ description: 'onDemandEquivalent − amortized (AWS’s net savings)' }),
  purchasedHours: z.number().nullable(),
  usedHours: z.number().nullable(),
  currency: z.string(),
});
const MonthSchema = MonthFields.openapi('CommitmentMonth');

const CommitmentSchema = z
  .object({
    id: z.string().openapi({
      description:
        'The commitment’s ARN, the same from the CUR and from Cost Explorer: a savings plan’s ARN (`arn:aws:savingsplans::<account>:savingsplan/<id>`); a reserved instance’s reservation ARN as the CUR’s `reservation_reservation_a_r_n` writes it, ending in its reservation (lease) ID — EC2 `arn:aws:ec2:<region>:<account>:reserved-instances/<id>`, RDS `arn:aws:rds:<region>:<account>:ri:<id>`, ElastiCache `arn:aws:elasticache:<region>:<account>:reserved-instance:<id>`, OpenSearch `arn:aws:es:<region>:<account>:reserved-instance/<id>`, Redshift `arn:aws:redshift:<region>:<account>:reserved-node/<id>` (from Cost Explorer built from the subscription’s lease ID, account and region)',
    }),
    kind: z.enum(COMMITMENT_KINDS),
    type: z.string().openapi({ example: 'ComputeSavingsPlans' }),
    cloudAccountId: z.string(),
    awsAccountId: z.string().nullable(),
    region: z.string().nullable(),
    instanceType: z.string().nullable(),
    count: z.number().nullable().openapi({ description: 'Reserved instances: how many' }),
    hourlyCommitment: z
      .number()
      .nullable()
      .openapi({ description: 'Savings plans: the commitment per hour' }),
    termYears: z.number().nullable(),
    paymentOption: z.enum(['No Upfront', 'Partial Upfront', 'All Upfront']).nullable(),
    start: z.string().nullable(),
    end: z.string().nullable(),
    upfrontFee: z.number().nullable(),
    recurringHourlyFee: z
      .number()
      .nullable()
      .openapi({ description: 'Savings plans: per hour; reserved instances: per instance-hour' }),
    currency: z.string(),
    source: z.enum(['bill', 'cost_explorer']),
    daysLeft: z.number().nullable(),
    state: z
      .enum(['active', 'expiring', 'expired'])
      .openapi({ description: 'expiring: ends within 90 days' }),
    month: MonthFields.nullable(),
  })
  .openapi('Commitment');

const TotalSchema = MonthSchema.omit({ commitmentId: true, purchasedHours: true, usedHours: true });

const CoverageRowSchema = z
  .object({
    period: z.string(),
    service: z.string(),
    awsAccountId: z.string(),
    region: z.string(),
    instanceFamily: z.string(),
    covered: z.number().openapi({ description: 'Eligible usage a commitment paid for, at on-demand prices' }),
    onDemand: z.number().openapi({ description: 'Eligible usage that ran on demand: the coverage gap' }),
    total: z.number(),
    coverage: z.number().openapi({ description: 'covered / total in %' }),
    currency: z.string(),
  })
  .openapi('CommitmentCoverageRow');

const PurchaseSchema = z
  .object({
    awsAccountId: z.string(),
    currency: z.string(),
    window: z.object({ from: z.string(), to: z.string() }),
    assumptions: z.object({
      lookbackDays: z.number(),
      savingsRate: z.number(),
      term: z.string(),
      paymentOption: z.string(),
      planType: z.string(),
    }),
    hourlyCommitment: z.number(),
    minDailyOnDemand: z.number(),
    avgDailyOnDemand: z.number(),
    monthlySavings: z.number(),
    coverageNow: z.number(),
    coverageAfter: z.number(),
    utilizationAfter: z.number(),
    breakEvenMonth: z.number(),
    method: z.string(),
  })
  .openapi('CommitmentPurchase');

const list = defineRoute('org:read', {
  method: 'get',
  path: '/api/v1/commitments',
  tags: ['commitments'],
  summary: 'Reserved instances and savings plans, each with its terms and the utilization of one month',
  description:
    'From the CUR line items of export accounts and from Cost Explorer for Cost Explorer accounts. `period` defaults to the newest month with cost data.',
  request: {
    query: z.object({
      period: month('The month of the figures'),
      kind: z.enum(COMMITMENT_KINDS).optional(),
      state: z.enum(['active', 'expiring', 'expired']).optional(),
    }),
  },
  responses: {
    200: jsonResponse(z.object({ period: z.string(), items: z.array(CommitmentSchema) }), 'Commitments'),
    400: errorResponses[400],
  },
});

const utilization = defineRoute('org:read', {
  method: 'get',
  path: '/api/v1/commitments/utilization',
  tags: ['commitments'],
  summary:
    'Utilization, unused cost and net savings per commitment and month (or day), and the total of each month (or day)',
  description:
    'With `granularity=daily`: one item per commitment and day of the months `from`–`to` (at most 3; `from` defaults to `to`), `period` being the day (YYYY-MM-DD). Daily figures come from the bills’ line items: a savings plan’s from its hourly fee lines; a reserved instance’s committed cost is its purchased instance-hours of the day at the month’s amortized cost per hour (its RIFee line is monthly), unused = committed − used. Commitments of Cost Explorer connections have monthly figures only.',
  request: {
    query: z.object({
      from: month('First month (default: 11 months before to; daily: to)'),
      to: month('Last month (default: the newest with data)'),
      commitmentId: z.string().optional().openapi({ description: 'Only this commitment' }),
      granularity: z
        .enum(['monthly', 'daily'])
        .optional()
        .openapi({ description: 'monthly (default) or daily' }),
    }),
  },
  responses: {
    200: jsonResponse(
      z.object({
        from: z.string(),
        to: z.string(),
        granularity: z.enum(['monthly', 'daily']),
        items: z.array(MonthSchema),
        totals: z.array(TotalSchema),
      }),
      'Utilization',
    ),
    400: errorResponses[400],
  },
});

const coverage = defineRoute('org:read', {
  method: 'get',
  path: '/api/v1/commitments/coverage',
  tags: ['commitments'],
  summary:
    'Coverage of eligible usage by commitments per month, by service, account, region and instance family',
  description:
    'Eligible usage: instance hours of EC2, RDS, ElastiCache, Redshift and OpenSearch, and Fargate and Lambda; at on-demand prices. From Cost Explorer, reserved-instance coverage has no per-account split of the covered spend.',
  request: {
    query: z.object({
      from: month('First month (default: to)'),
      to: month('Last month (default: the newest with data)'),
      groupBy: z.string().optional().openapi({
        description: 'Comma-separated: service, account, region, family (default all)',
        example: 'account,region',
      }),
    }),
  },
  responses: {
    200: jsonResponse(
      z.object({
        from: z.string(),
        to: z.string(),
        items: z.array(CoverageRowSchema),
        totals: z.array(CoverageRowSchema),
      }),
      'Coverage',
    ),
    400: errorResponses[400],
  },
});

const expiring = defineRoute('org:read', {
  method: 'get',
  path: '/api/v1/commitments/expiring',
  tags: ['commitments'],
  summary: 'Commitments ending within the next N days, with the monthly net savings at stake',
  request: {
    query: z.object({
      days: z.coerce.number().int().optional().openapi({ description: '1–1095, default 90', example: 60 }),
    }),
  },
  responses: {
    200: jsonResponse(
      z.object({
        days: z.number(),
        items: z.array(CommitmentSchema.extend({ monthlySavingsAtStake: z.number() })),
      }),
      'Expiring commitments',
    ),
    400: errorResponses[400],
  },
});

const purchases = defineRoute('org:read', {
  method: 'get',
  path: '/api/v1/commitments/purchases',
  tags: ['commitments'],
  summary:
    'What to buy: a Compute Savings Plan per account with steady on-demand usage, with its assumptions',
  responses: {
    200: jsonResponse(
      z.object({
        window: z.object({ from: z.string(), to: z.string() }).nullable(),
        items: z.array(PurchaseSchema),
      }),
      'Suggested purchases',
    ),
  },
});

function dimensions(text: string | undefined): CoverageDimension[] | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const parts = text.split(',').map((s) => s.trim());
  for (const p of parts) {
    if (!(COVERAGE_DIMENSIONS as readonly string[]).includes(p))
      throw new InputError('groupBy', `groupBy: "${p}" is not one of ${COVERAGE_DIMENSIONS.join(', ')}`);
  }
  return parts as CoverageDimension[];
}

export function registerCommitmentRoutes(app: Api, ctx: AppContext): void {
  const svc = ctx.commitments;
  app.openapi(list, async (c) => c.json(await svc.list(principalOf(c).orgId, c.req.valid('query')), 200));
  app.openapi(utilization, async (c) =>
    c.json(await svc.utilization(principalOf(c).orgId, c.req.valid('query')), 200),
  );
  app.openapi(coverage, async (c) => {
    const q = c.req.valid('query');
    const groupBy = dimensions(q.groupBy);
    return c.json(await svc.coverage(principalOf(c).orgId, { from: q.from, to: q.to, groupBy }), 200);
  });
  app.openapi(expiring, async (c) => {
    const days = c.req.valid('query').days ?? 90;
    return c.json({ days, items: await svc.expiring(principalOf(c).orgId, days) }, 200);
  });
  app.openapi(purchases, async (c) => c.json(await svc.purchases(principalOf(c).orgId), 200));
}
