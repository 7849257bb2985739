import { InputError } from '../lib/errors.js';
import type { SqlParam, Store } from '../store/store.js';
import { RESOURCE_TYPES, type ResourceType } from './inventory-types.js';
import { RESOURCE_COLUMNS, toStoredResource } from './resource-store.js';

export interface ResourceFilters {
  cloudAccountId?: string;
  awsAccountId?: string;
  region?: string;
  type?: ResourceType;
  state?: string;
  /** `key` (has the tag) or `key=value`. */
  tag?: string;
  /** Substring of the ID, name or ARN. */
  search?: string;
  includeGone?: boolean;
  minCost?: number;
  sort?: 'cost' | 'name' | 'type';
  limit?: number;
  offset?: number;
}

export interface ResourceCostView {
  billed: number;
  effective: number;
  currency: string;
  /** The window of the bill the figures cover, `[from, to)`. */
  from: string;
  to: string;
}

export interface ResourceView {
  id: string;
  type: ResourceType;
  cloudAccountId: string;
  awsAccountId: string;
  region: string;
  name: string | null;
  state: string | null;
  arn: string | null;
  tags: Record<string, string>;
  details: Record<string, unknown>;
  firstSeenAt: string;
  lastSeenAt: string;
  goneAt: string | null;
  /** Cost over the bill's last 30 days; null when the bill has no line for the resource. */
  cost: ResourceCostView | null;
}

type Row = Record<string, unknown> & {
  billed_cost: number | null;
  effective_cost: number | null;
  currency: string | null;
  window_start: unknown;
  window_end: unknown;
};

const dayOf = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

export function parseTagFilter(tag: string): { key: string; value?: string } {
  const i = tag.indexOf('=');
  const key = (i >= 0 ? tag.slice(0, i) : tag).trim();
  if (!key) throw new InputError('tag', 'tag: give KEY or KEY=VALUE');
  return i >= 0 ? { key, value: tag.slice(i + 1) } : { key };
}

/** Lists an organization's resources with their bill cost, filtered and paged. */
export async function listResources(
  store: Pick<Store, 'query' | 'dialect'>,
  orgId: string,
  f: ResourceFilters,
): Promise<{ items: ResourceView[]; total: number; totalBilledCost: number }> {
  if (f.type && !RESOURCE_TYPES.includes(f.type)) {
    throw new InputError('type', `type: one of ${RESOURCE_TYPES.join(', ')}`);
  }
  const params: SqlParam[] = [orgId];
  const p = (v: SqlParam) => `$${params.push(v)}`;
  const where = ['r.org_id = $1'];
  if (!f.includeGone) where.push('r.gone_at IS NULL');
  if (f.cloudAccountId) where.push(`r.cloud_account_id = ${p(f.cloudAccountId)}`);
  if (f.awsAccountId) where.push(`r.aws_account_id = ${p(f.awsAccountId)}`);
  if (f.region) where.push(`r.region = ${p(f.region)}`);
  if (f.type) where.push(`r.resource_type = ${p(f.type)}`);
  if (f.state) where.push(`r.state = ${p(f.state)}`);
  if (f.tag) {
    const { key, value } = parseTagFilter(f.tag);
    const expr = store.dialect.jsonText('r.tags', key, p);
    where.push(value === undefined ? `${expr} IS NOT NULL` : `${expr} = ${p(value)}`);
  }
  if (f.search) {
    // strpos, not LIKE: the search text is matched as typed, `%` and `_` included.
    const text = p(f.search.toLowerCase());
    where.push(
      `(strpos(lower(r.resource_id), ${text}) > 0 OR strpos(lower(COALESCE(r.name, '')), ${text}) > 0 OR strpos(lower(COALESCE(r.arn, '')), ${text}) > 0)`,
    );
  }
  if (f.minCost !== undefined) where.push(`COALESCE(c.billed_cost, 0) >= ${p(f.minCost)}`);
  const from = `FROM resources r LEFT JOIN resource_costs c ON c.org_id = r.org_id
      AND c.cloud_account_id = r.cloud_account_id AND c.resource_type = r.resource_type AND c.resource_id = r.resource_id
    WHERE ${where.join(' AND ')}`;
  const [agg] = await store.query<{ n: number; billed: number | null }>(
    `SELECT count(*) AS n, CAST(sum(c.billed_cost) AS DOUBLE PRECISION) AS billed ${from}`,
    params,
  );
  const order =
    f.sort === 'name'
      ? 'COALESCE(r.name, r.resource_id), r.resource_id'
      : f.sort === 'type'
        ? 'r.resource_type, r.resource_id'
        : 'COALESCE(c.billed_cost, 0) DESC, r.resource_type, r.resource_id';
  const cols = RESOURCE_COLUMNS.split(', ')
    .map((c) => `r.${c}`)
    .join(', ');
  const rows = await store.query<Row>(
    `SELECT ${cols}, c.billed_cost, c.effective_cost, c.currency, c.window_start, c.window_end ${from}
     ORDER BY ${order} LIMIT ${p(f.limit ?? 100)} OFFSET ${p(f.offset ?? 0)}`,
    params,
  );
  const items = rows.map((row): ResourceView => {
    const r = toStoredResource(row as unknown as Parameters<typeof toStoredResource>[0]);
    const { billIds: _billIds, ...details } = r.details;
    return {
      id: r.id,
      type: r.type,
      cloudAccountId: r.cloudAccountId,
      awsAccountId: r.awsAccountId,
      region: r.region,
      name: r.name,
      state: r.state,
      arn: r.arn,
      tags: r.tags,
      details,
      firstSeenAt: r.firstSeenAt.toISOString(),
      lastSeenAt: r.lastSeenAt.toISOString(),
      goneAt: r.goneAt ? r.goneAt.toISOString() : null,
      cost:
        row.billed_cost === null || row.billed_cost === undefined
          ? null
          : {
              billed: Math.round(Number(row.billed_cost) * 100) / 100,
              effective: Math.round(Number(row.effective_cost) * 100) / 100,
              currency: row.currency ?? 'USD',
              from: dayOf(row.window_start),
              to: dayOf(row.window_end),
            },
    };
  });
  return {
    items,
    total: Number(agg?.n ?? 0),
    totalBilledCost: Math.round(Number(agg?.billed ?? 0) * 100) / 100,
  };
}

/** A cloud account of the organization (the accounts domain owns the table). */
export { accountInOrg } from '../accounts/account-store.js';
