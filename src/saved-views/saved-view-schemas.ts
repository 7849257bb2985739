import { z } from 'zod';
import { COST_BASES, GRANULARITIES } from '../costs/cost-query.js';
import { isIsoDate } from '../lib/dates.js';
import { RELATIVE_RANGE_IDS } from './relative-ranges.js';

/**
 * A saved view is a cost explorer query with a name. Its filters and grouping are in the text form of
 * `GET /api/v1/costs` (`service=Amazon EC2`, `tag:team=web`), checked by the same parser; its range is either
 * relative (`last_3_full_months`, resolved each time it runs) or two fixed dates.
 */

export const VISIBILITIES = ['private', 'organization'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

const isoDate = z.string().refine(isIsoDate, 'must be a date YYYY-MM-DD');

export const rangeSchema = z.union(
  [
    z.object({ relative: z.enum(RELATIVE_RANGE_IDS) }).strict(),
    z.object({ from: isoDate, to: isoDate }).strict(),
  ],
  {
    message: `must be {"relative": one of ${RELATIVE_RANGE_IDS.join(', ')}} or {"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}`,
  },
);
export type SavedRange = z.infer<typeof rangeSchema>;

const textList = z.array(z.string().min(1).max(500)).max(50);

export const savedQuerySchema = z
  .object({
    range: rangeSchema,
    granularity: z.enum(GRANULARITIES).default('month'),
    groupBy: z.array(z.string().min(1).max(200)).max(2).default([]),
    filter: textList.default([]),
    exclude: textList.default([]),
    basis: z.enum(COST_BASES).default('billed'),
  })
  .strict();
export type SavedQuery = z.output<typeof savedQuerySchema>;

const name = z.string().trim().min(1, 'must not be empty').max(120, 'must be at most 120 characters');
const description = z.string().trim().max(1000, 'must be at most 1000 characters');

export const createSavedViewSchema = z
  .object({
    name,
    description: description.optional(),
    query: savedQuerySchema,
    visibility: z.enum(VISIBILITIES).default('private'),
    pinned: z.boolean({ message: 'must be true or false' }).default(false),
  })
  .strict();

export const updateSavedViewSchema = z
  .object({
    name: name.optional(),
    description: description.optional(),
    query: savedQuerySchema.optional(),
    visibility: z.enum(VISIBILITIES).optional(),
    pinned: z.boolean({ message: 'must be true or false' }).optional(),
  })
  .strict();

export interface SavedView {
  id: string;
  orgId: string;
  name: string;
  description: string;
  query: SavedQuery;
  visibility: Visibility;
  /** Shown on the Overview of everyone who sees the view. */
  pinned: boolean;
  ownerId: string;
  createdAt: string;
  updatedAt: string;
}
