import { z } from 'zod';
import { InputError } from '../lib/errors.js';

/** Every rule's thresholds with their defaults (the issue's numbers; AWS-FACTS §4). */
export const RULE_SETTINGS = {
  idle_instance: z.object({
    enabled: z.boolean().default(true),
    days: z.number().int().min(1).max(14).default(7),
    maxAvgCpuPercent: z.number().min(0).max(100).default(5),
    maxNetworkBytesPerSecond: z.number().min(0).default(1000),
    /** Share of the window's hours that must have CPU data. */
    minCoverage: z.number().min(0).max(1).default(0.8),
  }),
  rightsizing: z.object({
    enabled: z.boolean().default(true),
    days: z.number().int().min(1).max(14).default(14),
    maxP99CpuPercent: z.number().min(0).max(100).default(40),
    minCoverage: z.number().min(0).max(1).default(0.8),
  }),
  stopped_instance_volumes: z.object({
    enabled: z.boolean().default(true),
    minStoppedDays: z.number().min(0).default(7),
  }),
  unattached_volume: z.object({
    enabled: z.boolean().default(true),
    minDays: z.number().min(0).default(1),
  }),
  gp2_to_gp3: z.object({
    enabled: z.boolean().default(true),
    /** Share of a gp2 volume's cost that gp3 saves (0.08 vs 0.10 $/GB-month). */
    savingsRatio: z.number().min(0).max(1).default(0.2),
  }),
  unassociated_eip: z.object({
    enabled: z.boolean().default(true),
    minDays: z.number().min(0).default(7),
  }),
  idle_load_balancer: z.object({
    enabled: z.boolean().default(true),
    days: z.number().int().min(1).max(14).default(7),
  }),
  old_snapshot: z.object({
    enabled: z.boolean().default(true),
    minAgeDays: z.number().min(0).default(90),
  }),
  previous_generation: z.object({
    enabled: z.boolean().default(true),
  }),
  savings_plan_commitment: z.object({
    enabled: z.boolean().default(true),
    days: z.number().int().min(7).max(365).default(90),
    /** Saving of a 1-year no-upfront Compute Savings Plan over on-demand. */
    savingsRate: z.number().min(0).max(1).default(0.28),
    minMonthlySavings: z.number().min(0).default(1),
  }),
  low_commitment_utilization: z.object({
    enabled: z.boolean().default(true),
    days: z.number().int().min(1).max(90).default(30),
    minUtilizationPercent: z.number().min(0).max(100).default(90),
  }),
  azure_stopped_vm: z.object({
    enabled: z.boolean().default(true),
  }),
  azure_idle_vm: z.object({
    enabled: z.boolean().default(true),
    days: z.number().int().min(1).max(14).default(7),
    maxAvgCpuPercent: z.number().min(0).max(100).default(5),
    /** Share of the window's hours that must have CPU data. */
    minCoverage: z.number().min(0).max(1).default(0.8),
  }),
  azure_unattached_disk: z.object({
    enabled: z.boolean().default(true),
    minDays: z.number().min(0).default(1),
  }),
  azure_unassociated_public_ip: z.object({
    enabled: z.boolean().default(true),
  }),
} as const;

export type RuleName = keyof typeof RULE_SETTINGS;
export const RULE_NAMES = Object.keys(RULE_SETTINGS) as RuleName[];
export type RuleSettings = { [K in RuleName]: z.infer<(typeof RULE_SETTINGS)[K]> };
export type RuleSettingsInput = { [K in RuleName]?: Partial<z.input<(typeof RULE_SETTINGS)[K]>> };

export function isRuleName(name: string): name is RuleName {
  return Object.hasOwn(RULE_SETTINGS, name);
}

/** Defaults, then each layer of overrides in order; an unknown rule or a bad value is an InputError naming it. */
export function resolveSettings(...layers: (RuleSettingsInput | undefined)[]): RuleSettings {
  const merged: Record<string, Record<string, unknown>> = {};
  for (const layer of layers) {
    for (const [rule, values] of Object.entries(layer ?? {})) {
      if (!isRuleName(rule)) throw new InputError(`settings.${rule}`, `Unknown rule ${rule}`);
      merged[rule] = { ...merged[rule], ...values };
    }
  }
  const out: Record<string, unknown> = {};
  for (const rule of RULE_NAMES) {
    const parsed = RULE_SETTINGS[rule].strict().safeParse(merged[rule] ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = [rule, ...issue.path.map(String)].join('.');
      throw new InputError(`settings.${field}`, `settings.${field}: ${issue.message}`);
    }
    out[rule] = parsed.data;
  }
  return out as RuleSettings;
}
