/**
 * Saved views for one organization: create from a cost explorer query, list what a member may see, change,
 * remove, and run (the relative range resolved against today). Only the owner changes a view; an Organization
 * Manager may also change or remove views shared with the organization.
 */
import type { z } from 'zod';
import { inputErrorOf } from '../accounts/account-schemas.js';
import { audit } from '../auth/audit-log.js';
import { can, type Principal } from '../auth/permissions.js';
import type { CostAnswer } from '../costs/cost-answer.js';
import { parseCostQuery, type CostQueryInput } from '../costs/cost-query.js';
import type { Clock } from '../lib/clock.js';
import { isoDate, type IsoDate } from '../lib/dates.js';
import { ConflictError, InputError, NotFoundError, PermissionError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Store } from '../store/store.js';
import { relativeRange } from './relative-ranges.js';
import {
  createSavedViewSchema,
  updateSavedViewSchema,
  type SavedQuery,
  type SavedView,
} from './saved-view-schemas.js';
import { createSavedViewStore } from './saved-view-store.js';

/** The one thing saved views need of the cost domain: run a query in its text form. */
export interface CostQueryPort {
  queryText(orgId: string, input: CostQueryInput): Promise<CostAnswer>;
}

export interface SavedViewDeps {
  store: Store;
  clock: Clock;
  costs: CostQueryPort;
}

/** A view as a member sees it: whether it is theirs and whether they may change it. */
export interface SavedViewFor extends SavedView {
  mine: boolean;
  canEdit: boolean;
}

export interface SavedViewRun {
  view: SavedViewFor;
  /** The dates the range stood for when it ran. */
  from: IsoDate;
  to: IsoDate;
  answer: CostAnswer;
}

/** The dates a saved range stands for on `today`. */
export function resolveRange(query: SavedQuery, today: IsoDate): { from: IsoDate; to: IsoDate } {
  return 'relative' in query.range ? relativeRange(query.range.relative).resolve(today) : query.range;
}

/** The saved query as the explorer's text query on `today`. */
export function costQueryOf(query: SavedQuery, today: IsoDate, limit?: number): CostQueryInput {
  return {
    ...resolveRange(query, today),
    granularity: query.granularity,
    groupBy: query.groupBy,
    filter: query.filter,
    exclude: query.exclude,
    basis: query.basis,
    limit,
  };
}

/** The file name of a view's CSV: `cloudtally-NAME-FROM-to-TO.csv`. */
export const viewFileName = (name: string, from: string, to: string): string =>
  `cloudtally-${name.replace(/[^\w.-]+/g, '-').slice(0, 60) || 'view'}-${from}-to-${to}.csv`;

function parse<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const r = schema.safeParse(raw);
  if (!r.success) throw inputErrorOf(r.error);
  return r.data as z.output<T>;
}

export function createSavedViewService(deps: SavedViewDeps) {
  const { store, clock, costs } = deps;
  const views = createSavedViewStore(store);
  const today = () => isoDate(clock.now());

  /** The query is checked by the explorer's own parser, its fields named under `query.`. */
  function checkQuery(query: SavedQuery): void {
    try {
      parseCostQuery(costQueryOf(query, today()), today());
    } catch (err) {
      if (err instanceof InputError) {
        const field = err.field === 'from' || err.field === 'to' ? `range.${err.field}` : err.field;
        throw new InputError(`query.${field}`, `query.${err.message}`);
      }
      throw err;
    }
  }

  const forCaller = (p: Principal, v: SavedView): SavedViewFor => ({
    ...v,
    mine: v.ownerId === p.userId,
    canEdit: v.ownerId === p.userId || (v.visibility === 'organization' && can(p, 'org:manage')),
  });

  async function visible(p: Principal, id: string): Promise<SavedViewFor> {
    const v = await views.getVisible(p.orgId, p.userId, id);
    if (!v) throw new NotFoundError('Saved view', id);
    return forCaller(p, v);
  }

  async function editable(p: Principal, id: string): Promise<SavedViewFor> {
    const v = await visible(p, id);
    if (!v.canEdit)
      throw new PermissionError(
        'Only the person who saved this view, or an Organization Manager for a shared view, may change it.',
      );
    return v;
  }

  const auditOf = (p: Principal, action: string, v: SavedView) => ({
    orgId: p.orgId,
    actorUserId: p.userId,
    actor: p.email,
    action,
    objectType: 'saved_view',
    objectId: v.id,
    details: { name: v.name, visibility: v.visibility, pinned: v.pinned },
  });

  return {
    async list(p: Principal, options: { pinned?: boolean } = {}): Promise<SavedViewFor[]> {
      return (await views.listVisible(p.orgId, p.userId, options)).map((v) => forCaller(p, v));
    },

    get: visible,

    async create(p: Principal, raw: unknown): Promise<SavedViewFor> {
      const input = parse(createSavedViewSchema, raw);
      checkQuery(input.query);
      const now = clock.now().toISOString();
      const v: SavedView = {
        id: newId('view'),
        orgId: p.orgId,
        ownerId: p.userId,
        name: input.name,
        description: input.description ?? '',
        query: input.query,
        visibility: input.visibility,
        pinned: input.pinned,
        createdAt: now,
        updatedAt: now,
      };
      await store.transaction(async (tx) => {
        if (await views.findOwnByName(p.orgId, p.userId, v.name, tx))
          throw new ConflictError(`You already have a saved view named "${v.name}".`);
        await views.insert(tx, v);
        await audit(tx, auditOf(p, 'saved_view.create', v));
      });
      return forCaller(p, v);
    },

    async update(p: Principal, id: string, raw: unknown): Promise<SavedViewFor> {
      const input = parse(updateSavedViewSchema, raw);
      if (input.query) checkQuery(input.query);
      const current = await editable(p, id);
      const next: SavedView = {
        ...current,
        name: input.name ?? current.name,
        description: input.description ?? current.description,
        query: input.query ?? current.query,
        visibility: input.visibility ?? current.visibility,
        pinned: input.pinned ?? current.pinned,
        updatedAt: clock.now().toISOString(),
      };
      await store.transaction(async (tx) => {
        if (next.name !== current.name) {
          const same = await views.findOwnByName(p.orgId, current.ownerId, next.name, tx);
          if (same && same.id !== id)
            throw new ConflictError(`A saved view named "${next.name}" already exists.`);
        }
        await views.update(tx, next);
        await audit(tx, auditOf(p, 'saved_view.update', next));
      });
      return forCaller(p, next);
    },

    async remove(p: Principal, id: string): Promise<void> {
      const v = await editable(p, id);
      await store.transaction(async (tx) => {
        await views.remove(tx, p.orgId, id);
        await audit(tx, auditOf(p, 'saved_view.delete', v));
      });
    },

    async run(p: Principal, id: string, options: { limit?: number } = {}): Promise<SavedViewRun> {
      const view = await visible(p, id);
      const input = costQueryOf(view.query, today(), options.limit);
      const answer = await costs.queryText(p.orgId, input);
      return { view, from: input.from, to: input.to, answer };
    },
  };
}

export type SavedViewService = ReturnType<typeof createSavedViewService>;
