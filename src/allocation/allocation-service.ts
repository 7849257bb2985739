/**
 * Allocation dimensions of an organization: define, change and remove them, preview a change, and keep each one's
 * materialized assignment current. A change bumps the version and re-applies in the background: queries go on
 * answering with the applied version (shown as the dimension's "as of") until the new one is complete.
 */
import type { Logger } from 'pino';
import type { CostBasis } from '../costs/cost-query.js';
import type { Clock } from '../lib/clock.js';
import { checkDateRange } from '../lib/date-rules.js';
import { monthStartAfter } from '../costs/dates.js';
import { isoDate } from '../lib/dates.js';
import { ConflictError, InputError, NotFoundError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Store } from '../store/store.js';
import { definitionSchema, type Definition, type DefinitionInput } from './allocation-schemas.js';
import {
  deleteDimension,
  findDimension,
  insertDimension,
  listDimensions,
  bumpVersion,
  markApplied,
  markFailed,
  updateDefinition,
  type AllocationDimension,
} from './allocation-store.js';
import { previewChange, type PreviewAnswer } from './allocation-preview.js';
import { materialize } from './materialize.js';
import { readShowback, type ShowbackAnswer } from './showback.js';
import { readCoverage, type CoverageAnswer, type CoverageBy } from './tag-coverage.js';

export type DimensionStatus = 'applied' | 'applying' | 'failed';
export type DimensionView = Omit<AllocationDimension, 'orgId' | 'id'> & { status: DimensionStatus };

export interface AllocationServiceDeps {
  store: Store;
  clock: Clock;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
}

function parseDefinition(input: unknown, field = 'body'): Definition {
  const r = definitionSchema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => {
    const path = [field === 'body' ? '' : field, ...i.path.map(String)].filter(Boolean).join('.') || field;
    return { field: path, message: `${path}: ${i.message}` };
  });
  throw new InputError(issues[0].field, issues.map((i) => i.message).join('; '), issues);
}

export function createAllocationService({ store, clock, log }: AllocationServiceDeps) {
  /** One background application per dimension at a time; a change during one asks for another after it. */
  const jobs = new Map<string, { done: Promise<void>; again: boolean }>();
  const today = () => isoDate(clock.now());

  async function applyOnce(orgId: string, name: string): Promise<void> {
    const d = await findDimension(store, orgId, name);
    if (!d || d.appliedVersion === d.version) return;
    const started = Date.now();
    try {
      await materialize(store, orgId, name, d.version, d.definition);
      await markApplied(store, orgId, name, d.version, clock.now());
      log.info(
        { orgId, dimension: name, version: d.version, ms: Date.now() - started },
        'allocation applied',
      );
    } catch (err) {
      log.error({ err, orgId, dimension: name }, 'allocation failed to apply');
      await markFailed(store, orgId, name, err instanceof Error ? err.message : String(err));
    }
  }

  function schedule(orgId: string, name: string): Promise<void> {
    const key = `${orgId}\u0000${name}`;
    const running = jobs.get(key);
    if (running) {
      running.again = true;
      return running.done;
    }
    const job = { again: false, done: Promise.resolve() };
    job.done = (async () => {
      do {
        job.again = false;
        await applyOnce(orgId, name);
      } while (job.again);
      jobs.delete(key);
    })();
    jobs.set(key, job);
    return job.done;
  }

  function view(d: AllocationDimension): DimensionView {
    const { orgId: _o, id: _i, ...rest } = d;
    const status: DimensionStatus =
      d.appliedVersion === d.version
        ? 'applied'
        : d.applyError && !jobs.has(`${d.orgId}\u0000${d.name}`)
          ? 'failed'
          : 'applying';
    return { ...rest, status };
  }

  async function mustFind(orgId: string, name: string): Promise<AllocationDimension> {
    const d = await findDimension(store, orgId, name);
    if (!d) throw new NotFoundError('Allocation dimension', name);
    return d;
  }

  return {
    async list(orgId: string): Promise<DimensionView[]> {
      return (await listDimensions(store, orgId)).map(view);
    },

    async get(orgId: string, name: string): Promise<DimensionView> {
      return view(await mustFind(orgId, name));
    },

    async create(orgId: string, input: DefinitionInput): Promise<DimensionView> {
      const definition = parseDefinition(input);
      if (await findDimension(store, orgId, definition.name))
        throw new ConflictError(`An allocation dimension named ${definition.name} exists`);
      await insertDimension(store, { id: newId('adim'), orgId, definition, now: clock.now() });
      void schedule(orgId, definition.name);
      return view(await mustFind(orgId, definition.name));
    },

    async update(
      orgId: string,
      name: string,
      input: Omit<DefinitionInput, 'name'> & { name?: string },
    ): Promise<DimensionView> {
      await mustFind(orgId, name);
      const definition = parseDefinition({ ...input, name: input.name ?? name });
      if (definition.name !== name)
        throw new InputError(
          'name',
          `name: a dimension keeps its name (${name}); create a new one to rename`,
        );
      await updateDefinition(store, orgId, name, definition, clock.now());
      void schedule(orgId, name);
      return view(await mustFind(orgId, name));
    },

    async remove(orgId: string, name: string): Promise<void> {
      await mustFind(orgId, name);
      await jobs.get(`${orgId}\u0000${name}`)?.done;
      await deleteDimension(store, orgId, name);
    },

    /** Re-applies one dimension, or every dimension of the organization (after a billing load). */
    async reapply(orgId: string, name?: string): Promise<void> {
      const dims = name ? [await mustFind(orgId, name)] : await listDimensions(store, orgId);
      for (const d of dims) {
        // The data changed, not the rules: a new version, written beside the applied one.
        await bumpVersion(store, d.id, clock.now());
        void schedule(orgId, d.name);
      }
    },

    async preview(
      orgId: string,
      input: { definition: DefinitionInput; from?: string; to?: string; basis?: CostBasis },
    ): Promise<PreviewAnswer> {
      const proposed = parseDefinition(input.definition, 'definition');
      const { from, to } = checkDateRange(
        { from: input.from ?? monthStartAfter(today(), -1), to: input.to ?? today() },
        today(),
      );
      const current = await findDimension(store, orgId, proposed.name);
      return previewChange(store, orgId, current?.definition ?? null, proposed, {
        from,
        to,
        basis: input.basis ?? 'billed',
      });
    },

    /** Showback of the applied version, months `from`–`to` (any day of each; default the last 3 months). */
    async showback(
      orgId: string,
      name: string,
      o: { from?: string; to?: string; basis?: CostBasis },
    ): Promise<ShowbackAnswer> {
      const d = await mustFind(orgId, name);
      const { from, to } = checkDateRange(
        { from: o.from ?? monthStartAfter(today(), -2), to: o.to ?? today() },
        today(),
      );
      return readShowback(store, orgId, d, { from, to, basis: o.basis ?? 'billed' });
    },

    /** Tag coverage per account or service, with the allocation dimension's coverage when named. */
    async coverage(
      orgId: string,
      o: {
        from: string;
        to: string;
        keys: string[];
        by?: CoverageBy;
        allocation?: string;
        basis?: CostBasis;
        limit?: number;
      },
    ): Promise<CoverageAnswer> {
      const { from, to } = checkDateRange(o, today());
      const keys = [...new Set(o.keys.map((k) => k.trim()).filter(Boolean))];
      if (keys.length === 0 || keys.length > 10)
        throw new InputError('keys', 'keys: name 1 to 10 tag keys, comma-separated, e.g. keys=user:team,env');
      const limit = o.limit ?? 20;
      if (!Number.isInteger(limit) || limit < 1 || limit > 200)
        throw new InputError('limit', 'limit: must be a whole number from 1 to 200');
      const d = o.allocation === undefined ? null : await mustFind(orgId, o.allocation);
      return readCoverage(store, orgId, {
        from,
        to,
        keys,
        limit,
        basis: o.basis ?? 'billed',
        by: o.by ?? 'account',
        allocation: d
          ? { name: d.name, defaultValue: d.definition.defaultValue, appliedVersion: d.appliedVersion }
          : null,
      });
    },

    /** Resolves when every background application has finished (shutdown, tests). */
    async settle(): Promise<void> {
      while (jobs.size) await Promise.all([...jobs.values()].map((j) => j.done));
    },
  };
}

export type AllocationService = ReturnType<typeof createAllocationService>;
