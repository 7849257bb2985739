import { z } from 'zod';
import { EVENT_TYPES, type EventMatch, type EventType } from './notification-types.js';

/**
 * An alert rule routes one type of event, narrowed by its parameters, to channels. Each type has its own
 * parameters; unknown ones are refused with the field named.
 */

const ids = z.array(z.string().min(1).max(100)).max(200);
const money = z.number().finite().min(0, 'must not be negative').max(1e12, 'must be at most 1e12');

export const RULE_PARAMS = {
  budget_threshold: z
    .object({
      /** Only these budgets (all when absent). */
      budgetIds: ids.optional(),
      /** Only thresholds on actual spend or on the forecast (both when absent). */
      kinds: z
        .array(z.enum(['actual', 'forecast']))
        .min(1)
        .optional(),
      /** Only thresholds at or above this percentage. */
      minPercent: z.number().finite().min(0).max(1000).optional(),
    })
    .strict(),
  cost_anomaly: z
    .object({
      /** The least cost impact (in the billing currency) an anomaly must have. */
      minImpact: money.default(0),
    })
    .strict(),
  sync_failed: z.object({ accountIds: ids.optional() }).strict(),
  sync_degraded: z.object({ accountIds: ids.optional() }).strict(),
  sync_recovered: z.object({ accountIds: ids.optional() }).strict(),
  billing_stale: z
    .object({
      /** Hours since the newest billing load after which the data counts as stale. */
      hours: z
        .number()
        .int()
        .min(1, 'must be at least 1')
        .max(24 * 90, 'must be at most 2160')
        .default(48),
    })
    .strict(),
  recommendation_new: z
    .object({
      /** The least monthly saving a recommendation must offer. */
      minMonthlySavings: money.default(0),
    })
    .strict(),
  commitment_expiring: z
    .object({
      /** Days before a reserved instance or savings plan ends that it is announced. */
      days: z.number().int().min(1, 'must be at least 1').max(365, 'must be at most 365').default(60),
    })
    .strict(),
} satisfies Record<EventType, z.ZodType>;

export type RuleParams = Record<string, unknown>;

const name = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const channelIds = z
  .array(z.string().min(1).max(100))
  .min(1, 'must name at least one channel')
  .max(20, 'must name at most 20 channels');

export const createRuleSchema = z
  .object({
    name,
    eventType: z.enum(EVENT_TYPES),
    params: z.record(z.string(), z.unknown()).default({}),
    channelIds,
    enabled: z.boolean().default(true),
  })
  .strict();
export type CreateRuleInput = z.infer<typeof createRuleSchema>;

export const updateRuleSchema = z
  .object({
    name: name.optional(),
    params: z.record(z.string(), z.unknown()).optional(),
    channelIds: channelIds.optional(),
    enabled: z.boolean().optional(),
  })
  .strict();
export type UpdateRuleInput = z.infer<typeof updateRuleSchema>;

export interface AlertRule {
  id: string;
  orgId: string;
  name: string;
  eventType: EventType;
  params: RuleParams;
  channelIds: string[];
  enabled: boolean;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Parses a rule's parameters for its event type; issues name `params.<field>`. */
export function parseRuleParams(eventType: EventType, params: unknown) {
  const parsed = z.object({ params: RULE_PARAMS[eventType] }).safeParse({ params: params ?? {} });
  return parsed.success ? { success: true as const, data: parsed.data.params } : parsed;
}

const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
const list = (v: unknown) => (Array.isArray(v) ? (v as string[]) : undefined);

/** Whether a rule's parameters let an event through. */
export function ruleMatches(rule: Pick<AlertRule, 'eventType' | 'params'>, m: EventMatch): boolean {
  const p = rule.params;
  switch (rule.eventType) {
    case 'budget_threshold': {
      const budgets = list(p.budgetIds);
      const kinds = list(p.kinds);
      if (budgets && (!m.budgetId || !budgets.includes(m.budgetId))) return false;
      if (kinds && (!m.thresholdKind || !kinds.includes(m.thresholdKind))) return false;
      return (m.percent ?? 0) >= (num(p.minPercent) ?? 0);
    }
    case 'cost_anomaly':
      return Math.abs(m.impact ?? 0) >= (num(p.minImpact) ?? 0);
    case 'recommendation_new':
      return (m.monthlySavings ?? 0) >= (num(p.minMonthlySavings) ?? 0);
    case 'sync_failed':
    case 'sync_degraded':
    case 'sync_recovered': {
      const accounts = list(p.accountIds);
      return !accounts || (m.accountId !== undefined && accounts.includes(m.accountId));
    }
    case 'billing_stale':
    case 'commitment_expiring':
      return true;
  }
}
