/**
 * An allocation dimension (an organization's own "virtual tag", e.g. `team`): an ordered list of rules, the first
 * whose conditions all hold deciding a line item's value, and a default value for the rest. A rule gives a fixed
 * value, the value of a (normalized) tag, or splits the cost across values of the dimension (shared costs).
 */
import { z } from 'zod';

export const CONDITION_FIELDS = [
  'account',
  'service',
  'region',
  'usageType',
  'chargeCategory',
  'resource',
  'tag',
  /** An AWS cost category's value; `key` names the category. */
  'costCategory',
] as const;
export const CONDITION_OPERATORS = ['in', 'notIn', 'matches', 'missing', 'present'] as const;
export const SHARE_METHODS = ['even', 'proportional', 'fixed'] as const;

/** Values the materialized table reserves for shared costs not yet split. */
export const SHARE_MARKER = '__share:';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;
const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const value = text(200).refine((v) => !v.startsWith(SHARE_MARKER), `must not begin with ${SHARE_MARKER}`);

export const conditionSchema = z
  .object({
    field: z.enum(CONDITION_FIELDS),
    /** The tag key (field tag, matched with its aliases) or the cost category's name (field costCategory). */
    key: text(256).optional(),
    operator: z.enum(CONDITION_OPERATORS),
    /** in / notIn: exact values; matches: patterns with * (any text) and ? (one character). */
    values: z.array(z.string().max(500)).max(500).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.field === 'tag' && !c.key)
      ctx.addIssue({ code: 'custom', path: ['key'], message: 'a tag condition needs the tag key' });
    if (c.field === 'costCategory' && !c.key)
      ctx.addIssue({
        code: 'custom',
        path: ['key'],
        message: 'a costCategory condition needs the category name',
      });
    if (c.field !== 'tag' && c.field !== 'costCategory' && c.key !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['key'],
        message: 'only tag and costCategory conditions take a key',
      });
    const needsValues = c.operator === 'in' || c.operator === 'notIn' || c.operator === 'matches';
    if (needsValues && !c.values?.length)
      ctx.addIssue({
        code: 'custom',
        path: ['values'],
        message: `operator ${c.operator} needs at least one value`,
      });
    if (!needsValues && c.values !== undefined)
      ctx.addIssue({ code: 'custom', path: ['values'], message: `operator ${c.operator} takes no values` });
  });
export type Condition = z.infer<typeof conditionSchema>;

export const shareSchema = z
  .object({
    method: z.enum(SHARE_METHODS),
    /** Values shared among (even, proportional; default: every value with direct cost in the month but the default). */
    values: z.array(value).max(200).optional(),
    /** fixed: value → percent, summing to 100. */
    percentages: z.record(z.string(), z.number().finite().gt(0, 'must be above 0').max(100)).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.method === 'fixed') {
      const entries = Object.entries(s.percentages ?? {});
      if (entries.length === 0)
        ctx.addIssue({
          code: 'custom',
          path: ['percentages'],
          message: 'fixed shares need percentages per value',
        });
      const total = entries.reduce((t, [, p]) => t + p, 0);
      if (entries.length && Math.abs(total - 100) > 1e-9)
        ctx.addIssue({
          code: 'custom',
          path: ['percentages'],
          message: `must sum to 100 (they sum to ${total})`,
        });
      if (s.values !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['values'],
          message: 'fixed shares name their values in percentages',
        });
    } else if (s.percentages !== undefined)
      ctx.addIssue({ code: 'custom', path: ['percentages'], message: `only fixed shares take percentages` });
  });
export type Share = z.infer<typeof shareSchema>;

export const ruleSchema = z
  .object({
    name: z.string().trim().max(200).optional(),
    /** All must hold; none = every line item. */
    conditions: z.array(conditionSchema).max(50).default([]),
    value: value.optional(),
    /** The value is this tag's (normalized) value; the rule holds only where the tag is present. */
    valueFromTag: text(256).optional(),
    share: shareSchema.optional(),
  })
  .strict()
  .refine(
    (r) => [r.value, r.valueFromTag, r.share].filter((x) => x !== undefined).length === 1,
    'a rule gives exactly one of value, valueFromTag or share',
  );
export type Rule = z.infer<typeof ruleSchema>;

export const definitionSchema = z
  .object({
    name: z.string().regex(NAME, 'must be 1–40 letters, digits, _ or -, starting with a letter or digit'),
    description: z.string().max(1000).default(''),
    defaultValue: value.default('Unallocated'),
    rules: z.array(ruleSchema).max(200).default([]),
    /** Tag key → other spellings read as it (Team, TEAM, owner). */
    tagAliases: z.record(z.string(), z.array(text(256)).max(50)).default({}),
    /** Canonical value → spellings mapped to it, case-insensitively (production: Prod, prod). */
    valueAliases: z.record(z.string(), z.array(text(200)).max(100)).default({}),
  })
  .strict();
export type Definition = z.infer<typeof definitionSchema>;
export type DefinitionInput = z.input<typeof definitionSchema>;
