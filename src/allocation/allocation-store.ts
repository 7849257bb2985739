// SQL over the allocation tables, which this module owns: `allocation_dimensions` and `cost_allocations`.
import type { Queryable } from '../store/store.js';
import { definitionSchema, type Definition } from './allocation-schemas.js';
import { isoTimestamp } from '../lib/dates.js';

export interface AllocationDimension {
  id: string;
  orgId: string;
  name: string;
  definition: Definition;
  /** Bumped on every change of the definition. */
  version: number;
  /** The version the cost tables answer with (null until first applied). */
  appliedVersion: number | null;
  appliedAt: string | null;
  /** Why the last application failed, if it did. */
  applyError: string | null;
  createdAt: string;
  updatedAt: string;
}

type Row = {
  id: string;
  org_id: string;
  name: string;
  definition: string;
  version: number;
  applied_version: number | null;
  applied_at: Date | string | null;
  apply_error: string | null;
  created_at: Date | string;
  updated_at: Date | string;
};

function fromRow(r: Row): AllocationDimension {
  return {
    id: r.id,
    orgId: r.org_id,
    name: r.name,
    definition: definitionSchema.parse(JSON.parse(r.definition)),
    version: Number(r.version),
    appliedVersion: r.applied_version === null ? null : Number(r.applied_version),
    appliedAt: isoTimestamp(r.applied_at),
    applyError: r.apply_error,
    createdAt: isoTimestamp(r.created_at) ?? '',
    updatedAt: isoTimestamp(r.updated_at) ?? '',
  };
}

export async function listDimensions(db: Queryable, orgId: string): Promise<AllocationDimension[]> {
  const rows = await db.query<Row>('SELECT * FROM allocation_dimensions WHERE org_id = $1 ORDER BY name', [
    orgId,
  ]);
  return rows.map(fromRow);
}

export async function findDimension(
  db: Queryable,
  orgId: string,
  name: string,
): Promise<AllocationDimension | null> {
  const [row] = await db.query<Row>('SELECT * FROM allocation_dimensions WHERE org_id = $1 AND name = $2', [
    orgId,
    name,
  ]);
  return row ? fromRow(row) : null;
}

export async function insertDimension(
  db: Queryable,
  d: { id: string; orgId: string; definition: Definition; now: Date },
): Promise<void> {
  await db.execute(
    `INSERT INTO allocation_dimensions (id, org_id, name, definition, version, created_at, updated_at)
     VALUES ($1, $2, $3, $4, 1, $5, $5)`,
    [d.id, d.orgId, d.definition.name, JSON.stringify(d.definition), d.now],
  );
}

/** Replaces the definition and bumps the version; the applied version stays until the new one is written. */
export async function updateDefinition(
  db: Queryable,
  orgId: string,
  name: string,
  definition: Definition,
  now: Date,
): Promise<void> {
  await db.execute(
    `UPDATE allocation_dimensions SET definition = $3, version = version + 1, updated_at = $4
     WHERE org_id = $1 AND name = $2`,
    [orgId, name, JSON.stringify(definition), now],
  );
}

export async function deleteDimension(db: Queryable, orgId: string, name: string): Promise<void> {
  await db.execute('DELETE FROM cost_allocations WHERE org_id = $1 AND dimension = $2', [orgId, name]);
  await db.execute('DELETE FROM allocation_dimensions WHERE org_id = $1 AND name = $2', [orgId, name]);
}

/** Marks `version` applied when it is still the newest, and drops every other version's rows. */
export async function markApplied(db: Queryable, orgId: string, name: string, version: number, now: Date) {
  const changed = await db.execute(
    `UPDATE allocation_dimensions SET applied_version = $3, applied_at = $4, apply_error = NULL
     WHERE org_id = $1 AND name = $2 AND version = $3`,
    [orgId, name, version, now],
  );
  if (changed > 0)
    await db.execute('DELETE FROM cost_allocations WHERE org_id = $1 AND dimension = $2 AND version <> $3', [
      orgId,
      name,
      version,
    ]);
  return changed > 0;
}

export async function markFailed(db: Queryable, orgId: string, name: string, error: string): Promise<void> {
  await db.execute('UPDATE allocation_dimensions SET apply_error = $3 WHERE org_id = $1 AND name = $2', [
    orgId,
    name,
    error,
  ]);
}

/** A new version with the same rules, for re-applying after the billing data changed. */
export async function bumpVersion(db: Queryable, id: string, now: Date): Promise<void> {
  await db.execute('UPDATE allocation_dimensions SET version = version + 1, updated_at = $2 WHERE id = $1', [
    id,
    now,
  ]);
}
