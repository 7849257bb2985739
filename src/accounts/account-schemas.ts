import { z } from 'zod';
import { InputError } from '../lib/errors.js';

/**
 * What every connection has, whatever its cloud: a provider, a name. Each provider's own fields and rules are its
 * connection schema (src/providers/<id>/connection/), found through the registry.
 */

export const PROVIDER_IDS = ['aws', 'azure', 'focus'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

export const providerSchema = z.enum(PROVIDER_IDS, {
  message: `must be one of ${PROVIDER_IDS.join(', ')}`,
});

export const nameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .refine((v) => ![...v].some((ch) => ch.charCodeAt(0) < 0x20), 'must not contain control characters');

/** A zod failure as an InputError naming the field and the rule; values are never echoed (some are secrets). */
export function inputErrorOf(error: z.ZodError, where = 'body'): InputError {
  const issues = error.issues.map((i) => {
    const keys = i.code === 'unrecognized_keys' ? i.keys : undefined;
    const path = i.path.map(String).join('.');
    if (keys?.length) {
      const field = [path, keys[0]].filter(Boolean).join('.');
      return { field, message: `${field}: unknown field` };
    }
    const field = path || where;
    return { field, message: `${field}: ${i.message}` };
  });
  return new InputError(issues[0].field, issues.map((i) => i.message).join('; '), issues);
}

/** Parses with the schema, or throws the InputError that names the field. */
export function parseWith<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const r = schema.safeParse(raw);
  if (!r.success) throw inputErrorOf(r.error);
  return r.data;
}

/** The provider a request names; AWS when it names none (the first cloud, so older clients keep working). */
export function providerIn(raw: unknown): ProviderId {
  const given = raw && typeof raw === 'object' ? (raw as { provider?: unknown }).provider : undefined;
  if (given === undefined) return 'aws';
  const r = providerSchema.safeParse(given);
  if (!r.success) throw new InputError('provider', `provider: ${r.error.issues[0].message}`);
  return r.data;
}
