/**
 * One resource with its bill: the daily cost history, its lines by AWS line item type over the bill's last 30 days,
 * and, when it cost nothing, why (GET /api/v1/resources/detail).
 */
import { isoDate } from '../lib/dates.js';
import { InputError, NotFoundError } from '../lib/errors.js';
import type { SqlParam, Store } from '../store/store.js';
import {
  findBill,
  resourceBill,
  windowOf,
  type ResourceBillDay,
  type ResourceBillLines,
} from './resource-costs.js';
import { listResources, type ResourceView } from './resource-query.js';
import { RESOURCE_COLUMNS, toStoredResource } from './resource-store.js';

/**
 * Why a resource's billed cost over the window is zero (null when it is not):
 * - `no_bill`: no bill of its AWS account has been loaded;
 * - `not_in_bill_yet`: it appeared on or after the bill's newest day (AWS bills usage up to a day or two late);
 * - `covered_by_commitment`: its usage was paid by a reservation or savings plan (the amortized cost says what
 *   share of the commitment it used);
 * - `free_tier`: its lines are priced at zero, the free tier;
 * - `zero_priced`: its lines are priced at zero for another reason;
 * - `not_billed`: the bill names it on no line in the window (e.g. a stopped instance, an attached address).
 */
export const ZERO_REASONS = [
  'no_bill',
  'not_in_bill_yet',
  'covered_by_commitment',
  'free_tier',
  'zero_priced',
  'not_billed',
] as const;
export type ZeroReason = (typeof ZERO_REASONS)[number];

export interface ResourceDetail {
  resource: ResourceView;
  bill: {
    /** Newest usage day in the account's bill. */
    newestDay: string;
    currency: string;
    /** The window the totals and line types cover, `[from, to)`: the bill's last 30 days. */
    from: string;
    to: string;
    billed: number;
    effective: number;
    lineTypes: ResourceBillLines[];
    /** Daily cost over the bill's last `historyDays` days (days without a line are absent). */
    history: ResourceBillDay[];
    historyFrom: string;
  } | null;
  zeroReason: ZeroReason | null;
}

const COMMITMENT_TYPES = new Set(['DiscountedUsage', 'SavingsPlanCoveredUsage', 'SavingsPlanNegation']);

export function zeroReasonOf(input: {
  firstSeenAt: Date;
  newestDay: string | null;
  billed: number;
  lineTypes: ResourceBillLines[];
}): ZeroReason | null {
  if (input.newestDay === null) return 'no_bill';
  if (Math.abs(input.billed) >= 0.005) return null;
  const lines = input.lineTypes;
  if (lines.length === 0) {
    return isoDate(input.firstSeenAt) >= input.newestDay ? 'not_in_bill_yet' : 'not_billed';
  }
  if (lines.some((l) => COMMITMENT_TYPES.has(l.lineType) || l.committed > 0)) return 'covered_by_commitment';
  if (lines.some((l) => l.freeTier > 0)) return 'free_tier';
  return 'zero_priced';
}

export async function resourceDetail(
  store: Store,
  input: { orgId: string; resourceId: string; cloudAccountId?: string; historyDays: number; today: Date },
): Promise<ResourceDetail> {
  if (!input.resourceId.trim()) throw new InputError('resourceId', 'resourceId: give a resource ID');
  const params: SqlParam[] = [input.orgId, input.resourceId];
  let where = 'org_id = $1 AND resource_id = $2';
  if (input.cloudAccountId) where += ` AND cloud_account_id = $${params.push(input.cloudAccountId)}`;
  // A current copy before a gone one, when two connections see the same resource.
  const rows = await store.query<Parameters<typeof toStoredResource>[0]>(
    `SELECT ${RESOURCE_COLUMNS} FROM resources WHERE ${where}
     ORDER BY CASE WHEN gone_at IS NULL THEN 0 ELSE 1 END, last_seen_at DESC LIMIT 1`,
    params,
  );
  if (!rows[0]) throw new NotFoundError('Resource', input.resourceId);
  const stored = toStoredResource(rows[0]);
  const listed = await listResources(store, input.orgId, {
    cloudAccountId: stored.cloudAccountId,
    search: stored.id,
    type: stored.type,
    includeGone: true,
    limit: 1000,
  });
  const resource = listed.items.find((r) => r.id === stored.id);
  if (!resource) throw new NotFoundError('Resource', input.resourceId);
  const found = await findBill(store, input.orgId, stored.awsAccountId, input.today);
  if (!found) return { resource, bill: null, zeroReason: 'no_bill' };
  const billIds = Array.isArray(stored.details.billIds) ? (stored.details.billIds as string[]) : [stored.id];
  const window = windowOf(found, 30);
  const history = windowOf(found, input.historyDays);
  const base = { orgId: input.orgId, bill: found, awsAccountId: stored.awsAccountId, billIds };
  const recent = await resourceBill(store, { ...base, ...window });
  const longer = await resourceBill(store, { ...base, ...history });
  const sum = (k: 'billed' | 'effective') =>
    Math.round(recent.lineTypes.reduce((s, l) => s + l[k], 0) * 100) / 100;
  const billed = sum('billed');
  return {
    resource,
    bill: {
      newestDay: found.newestDay,
      currency: found.currency,
      ...window,
      billed,
      effective: sum('effective'),
      lineTypes: recent.lineTypes,
      history: longer.days,
      historyFrom: history.from,
    },
    zeroReason: zeroReasonOf({
      firstSeenAt: stored.firstSeenAt,
      newestDay: found.newestDay,
      billed,
      lineTypes: recent.lineTypes,
    }),
  };
}
