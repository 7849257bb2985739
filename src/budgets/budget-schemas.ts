import { z } from 'zod';
import { COST_BASES } from '../costs/cost-query.js';
import { isIsoDate } from '../costs/dates.js';

/**
 * The fields of a budget and the rules each follows. The scope is the cost explorer's filter in its text form
 * (`service=Amazon EC2`, `tag:team=web`), parsed by the same code as `GET /api/v1/costs?filter=…`.
 */

export const BUDGET_PERIODS = ['monthly', 'quarterly', 'yearly'] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];
export const THRESHOLD_KINDS = ['actual', 'forecast'] as const;
export type ThresholdKind = (typeof THRESHOLD_KINDS)[number];

const isoDate = z.string().refine(isIsoDate, 'must be a date YYYY-MM-DD');
const money = z.number().finite().min(0, 'must not be negative').max(1e12, 'must be at most 1e12');

export const thresholdSchema = z
  .object({
    kind: z.enum(THRESHOLD_KINDS),
    percent: z.number().finite().gt(0, 'must be above 0').max(1000, 'must be at most 1000'),
  })
  .strict();
export type Threshold = z.infer<typeof thresholdSchema>;

export const scopeSchema = z
  .object({
    filter: z.array(z.string().min(1).max(500)).max(50).default([]),
    exclude: z.array(z.string().min(1).max(500)).max(50).default([]),
  })
  .strict();
export type BudgetScope = z.infer<typeof scopeSchema>;

const MONTH_KEY = /^\d{4}-(0[1-9]|1[0-2])$/;

export const scheduleSchema = z
  .record(z.string(), money)
  .refine((s) => Object.keys(s).every((k) => MONTH_KEY.test(k)), 'keys must be months YYYY-MM')
  .refine((s) => Object.keys(s).length <= 240, 'may hold at most 240 months');

export const DEFAULT_THRESHOLDS: Threshold[] = [
  { kind: 'actual', percent: 80 },
  { kind: 'forecast', percent: 100 },
];

const fields = {
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  scope: scopeSchema,
  basis: z.enum(COST_BASES),
  period: z.enum(BUDGET_PERIODS),
  startDate: isoDate.nullable(),
  endDate: isoDate.nullable(),
  amount: money.refine((v) => v > 0, 'must be above 0'),
  schedule: scheduleSchema.nullable(),
  currency: z
    .string()
    .trim()
    .transform((v) => v.toUpperCase())
    .refine((v) => /^[A-Z]{3}$/.test(v), 'must be a three-letter ISO 4217 code such as USD'),
  thresholds: z
    .array(thresholdSchema)
    .max(10, 'at most 10 thresholds')
    .refine(
      (ts) => new Set(ts.map((t) => `${t.kind}:${t.percent}`)).size === ts.length,
      'each threshold (kind and percent) may appear once',
    ),
};

const datesInOrder = (b: { startDate?: string | null; endDate?: string | null }) =>
  !b.startDate || !b.endDate || b.startDate <= b.endDate;
const DATES_MESSAGE = { message: 'must not be before startDate', path: ['endDate'] };

export const createBudgetSchema = z
  .object({
    name: fields.name,
    scope: fields.scope.default({ filter: [], exclude: [] }),
    basis: fields.basis.default('billed'),
    period: fields.period.default('monthly'),
    startDate: fields.startDate.optional(),
    endDate: fields.endDate.optional(),
    amount: fields.amount,
    schedule: fields.schedule.optional(),
    currency: fields.currency.default('USD'),
    thresholds: fields.thresholds.default(DEFAULT_THRESHOLDS),
  })
  .strict()
  .refine(datesInOrder, DATES_MESSAGE);
export type CreateBudgetInput = z.input<typeof createBudgetSchema>;

export const updateBudgetSchema = z
  .object({
    name: fields.name,
    scope: fields.scope,
    basis: fields.basis,
    period: fields.period,
    startDate: fields.startDate,
    endDate: fields.endDate,
    amount: fields.amount,
    schedule: fields.schedule,
    currency: fields.currency,
    thresholds: fields.thresholds,
  })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'give at least one field to change')
  .refine(datesInOrder, DATES_MESSAGE);
export type UpdateBudgetInput = z.input<typeof updateBudgetSchema>;

/** A stored budget, as the service hands it out. */
export interface Budget {
  id: string;
  orgId: string;
  name: string;
  scope: BudgetScope;
  basis: (typeof COST_BASES)[number];
  period: BudgetPeriod;
  startDate: string | null;
  endDate: string | null;
  /** The amount per period; a schedule, when set, overrides it month by month. */
  amount: number;
  schedule: Record<string, number> | null;
  currency: string;
  thresholds: Threshold[];
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}
