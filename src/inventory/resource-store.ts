import type { Diagnostic } from '../lib/errors.js';
import type { Queryable, SqlParam } from '../store/store.js';
import type {
  AddressDetails,
  DiscoveredResource,
  InstanceDetails,
  ResourceType,
  VolumeDetails,
} from './inventory-types.js';

/** A resource row as stored, with JSON columns parsed. */
export interface StoredResource {
  orgId: string;
  cloudAccountId: string;
  awsAccountId: string;
  region: string;
  type: ResourceType;
  id: string;
  arn: string | null;
  name: string | null;
  state: string | null;
  details: Record<string, unknown>;
  tags: Record<string, string>;
  firstSeenAt: Date;
  lastSeenAt: Date;
  goneAt: Date | null;
}

type ResourceRow = {
  org_id: string;
  cloud_account_id: string;
  aws_account_id: string;
  region: string;
  resource_type: string;
  resource_id: string;
  arn: string | null;
  name: string | null;
  state: string | null;
  details: string;
  tags: string;
  first_seen_at: Date;
  last_seen_at: Date;
  gone_at: Date | null;
};

export const RESOURCE_COLUMNS =
  'org_id, cloud_account_id, aws_account_id, region, resource_type, resource_id, arn, name, state, details, tags, first_seen_at, last_seen_at, gone_at';

export function toStoredResource(r: ResourceRow): StoredResource {
  return {
    orgId: r.org_id,
    cloudAccountId: r.cloud_account_id,
    awsAccountId: r.aws_account_id,
    region: r.region,
    type: r.resource_type as ResourceType,
    id: r.resource_id,
    arn: r.arn,
    name: r.name,
    state: r.state,
    details: JSON.parse(r.details) as Record<string, unknown>,
    tags: JSON.parse(r.tags) as Record<string, string>,
    firstSeenAt: new Date(r.first_seen_at),
    lastSeenAt: new Date(r.last_seen_at),
    goneAt: r.gone_at ? new Date(r.gone_at) : null,
  };
}

export async function loadResources(
  q: Queryable,
  orgId: string,
  cloudAccountId: string,
  options: { includeGone?: boolean; types?: ResourceType[] } = {},
): Promise<StoredResource[]> {
  const params: SqlParam[] = [orgId, cloudAccountId];
  let where = 'org_id = $1 AND cloud_account_id = $2';
  if (!options.includeGone) where += ' AND gone_at IS NULL';
  if (options.types?.length) {
    where += ` AND resource_type IN (${options.types.map((t) => `$${params.push(t)}`).join(', ')})`;
  }
  const rows = await q.query<ResourceRow>(
    `SELECT ${RESOURCE_COLUMNS} FROM resources WHERE ${where} ORDER BY resource_type, resource_id`,
    params,
  );
  return rows.map(toStoredResource);
}

/**
 * Facts AWS does not report but that rules need, carried from the previous scan: since when a volume has been
 * unattached and an address unassociated. AWS gives no detach time; a volume first seen unattached counts from its
 * creation, one seen attached before counts from the scan that found it detached.
 */
export function carryOver(found: DiscoveredResource, previous: StoredResource | undefined, now: Date): void {
  const current = previous && !previous.goneAt ? previous : undefined;
  if (found.type === 'ec2_instance') {
    const d = found.details as unknown as InstanceDetails;
    if (found.state !== 'stopped') {
      d.stoppedSince = null;
      return;
    }
    const prev = current?.details as unknown as InstanceDetails | undefined;
    if (d.stoppedAt) d.stoppedSince = d.stoppedAt;
    else if (current?.state === 'stopped') d.stoppedSince = prev?.stoppedSince ?? null;
    else if (current) d.stoppedSince = now.toISOString();
    else d.stoppedSince = null;
  } else if (found.type === 'ebs_volume') {
    const d = found.details as unknown as VolumeDetails;
    if (d.attachments.length > 0) {
      d.unattachedSince = null;
      return;
    }
    const prev = previous?.details as unknown as VolumeDetails | undefined;
    if (prev && previous && !previous.goneAt && prev.attachments.length === 0) {
      d.unattachedSince = prev.unattachedSince ?? d.createTime ?? previous.firstSeenAt.toISOString();
    } else if (prev && previous && !previous.goneAt) {
      d.unattachedSince = now.toISOString();
    } else {
      d.unattachedSince = d.createTime ?? now.toISOString();
    }
  } else if (found.type === 'elastic_ip') {
    const d = found.details as unknown as AddressDetails;
    if (found.state === 'associated') {
      d.unassociatedSince = null;
      return;
    }
    const prev = previous?.details as unknown as AddressDetails | undefined;
    if (previous && !previous.goneAt && previous.state === 'unassociated') {
      d.unassociatedSince = prev?.unassociatedSince ?? null;
    } else if (previous && !previous.goneAt) {
      d.unassociatedSince = now.toISOString();
    } else {
      // Unknown: the recommendation rule looks for evidence in the bill (idle-address charges).
      d.unassociatedSince = null;
    }
  }
}

const UPSERT_BATCH = 200;

/** Writes the resources one scan unit found and marks the unit's other resources gone. */
export async function saveScanUnit(
  tx: Queryable,
  input: {
    orgId: string;
    cloudAccountId: string;
    awsAccountId: string;
    region: string;
    type: ResourceType;
    /** Which stored resources of this region and type the unit covers (ELBv2 and classic share a type). */
    covers: (r: StoredResource) => boolean;
    found: DiscoveredResource[];
    now: Date;
  },
): Promise<{ upserted: number; gone: number }> {
  const { orgId, cloudAccountId, region, type, now } = input;
  const existing = (
    await tx.query<ResourceRow>(
      `SELECT ${RESOURCE_COLUMNS} FROM resources
       WHERE org_id = $1 AND cloud_account_id = $2 AND region = $3 AND resource_type = $4`,
      [orgId, cloudAccountId, region, type],
    )
  )
    .map(toStoredResource)
    .filter(input.covers);
  const byId = new Map(existing.map((r) => [r.id, r]));
  for (const f of input.found) carryOver(f, byId.get(f.id), now);

  for (let i = 0; i < input.found.length; i += UPSERT_BATCH) {
    const batch = input.found.slice(i, i + UPSERT_BATCH);
    const params: SqlParam[] = [];
    const values = batch.map((f) => {
      const p = (v: SqlParam) => `$${params.push(v)}`;
      return `(${[
        p(orgId),
        p(cloudAccountId),
        p(input.awsAccountId),
        p(f.region),
        p(f.type),
        p(f.id),
        p(f.arn ?? null),
        p(f.name ?? null),
        p(f.state ?? null),
        p(JSON.stringify({ ...f.details, billIds: f.billIds })),
        p(JSON.stringify(f.tags)),
        p(now),
        p(now),
      ].join(', ')}, NULL)`;
    });
    await tx.execute(
      `INSERT INTO resources (${RESOURCE_COLUMNS}) VALUES ${values.join(', ')}
       ON CONFLICT (org_id, cloud_account_id, resource_type, resource_id) DO UPDATE SET
         aws_account_id = excluded.aws_account_id, region = excluded.region, arn = excluded.arn,
         name = excluded.name, state = excluded.state, details = excluded.details, tags = excluded.tags,
         last_seen_at = excluded.last_seen_at, gone_at = NULL`,
      params,
    );
  }

  const seen = new Set(input.found.map((f) => f.id));
  const goneIds = existing.filter((r) => !r.goneAt && !seen.has(r.id)).map((r) => r.id);
  for (let i = 0; i < goneIds.length; i += UPSERT_BATCH) {
    const batch = goneIds.slice(i, i + UPSERT_BATCH);
    const params: SqlParam[] = [now, orgId, cloudAccountId, type];
    const list = batch.map((id) => `$${params.push(id)}`).join(', ');
    await tx.execute(
      `UPDATE resources SET gone_at = $1
       WHERE org_id = $2 AND cloud_account_id = $3 AND resource_type = $4 AND resource_id IN (${list})`,
      params,
    );
  }
  return { upserted: input.found.length, gone: goneIds.length };
}

export async function saveScanStatus(
  tx: Queryable,
  input: {
    orgId: string;
    cloudAccountId: string;
    region: string;
    unit: string;
    ok: boolean;
    count: number;
    diagnostic: Diagnostic | null;
    now: Date;
  },
): Promise<void> {
  await tx.execute(
    `INSERT INTO inventory_scan_status
       (org_id, cloud_account_id, region, scan_unit, state, item_count, diagnostic, scanned_at, last_success_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (org_id, cloud_account_id, region, scan_unit) DO UPDATE SET
       state = excluded.state, item_count = excluded.item_count, diagnostic = excluded.diagnostic,
       scanned_at = excluded.scanned_at,
       last_success_at = COALESCE(excluded.last_success_at, inventory_scan_status.last_success_at)`,
    [
      input.orgId,
      input.cloudAccountId,
      input.region,
      input.unit,
      input.ok ? 'ok' : 'failed',
      input.count,
      input.diagnostic ? JSON.stringify(input.diagnostic) : null,
      input.now,
      input.ok ? input.now : null,
    ],
  );
}

export interface ScanStatus {
  region: string;
  unit: string;
  state: 'ok' | 'failed';
  itemCount: number;
  diagnostic: Diagnostic | null;
  scannedAt: string;
  lastSuccessAt: string | null;
}

export async function loadScanStatus(
  q: Queryable,
  orgId: string,
  cloudAccountId: string,
): Promise<ScanStatus[]> {
  const rows = await q.query<{
    region: string;
    scan_unit: string;
    state: string;
    item_count: number;
    diagnostic: string | null;
    scanned_at: Date;
    last_success_at: Date | null;
  }>(
    `SELECT region, scan_unit, state, item_count, diagnostic, scanned_at, last_success_at FROM inventory_scan_status
     WHERE org_id = $1 AND cloud_account_id = $2 ORDER BY region, scan_unit`,
    [orgId, cloudAccountId],
  );
  return rows.map((r) => ({
    region: r.region,
    unit: r.scan_unit,
    state: r.state === 'ok' ? 'ok' : 'failed',
    itemCount: Number(r.item_count),
    diagnostic: r.diagnostic ? (JSON.parse(r.diagnostic) as Diagnostic) : null,
    scannedAt: new Date(r.scanned_at).toISOString(),
    lastSuccessAt: r.last_success_at ? new Date(r.last_success_at).toISOString() : null,
  }));
}
