import { z } from 'zod';
import { DIGEST_FREQUENCIES } from './digest-periods.js';

/**
 * A digest subscription: a channel (by id or name) gets a daily or weekly digest; with `forMe`, the digest goes
 * only to the caller's own e-mail address, through that e-mail channel's mail server.
 */
export const createDigestSchema = z
  .object({
    channel: z.string().trim().min(1, 'must name a channel').max(200),
    frequency: z.enum(DIGEST_FREQUENCIES, { message: 'must be daily or weekly' }).default('weekly'),
    forMe: z.boolean({ message: 'must be true or false' }).default(false),
  })
  .strict();
