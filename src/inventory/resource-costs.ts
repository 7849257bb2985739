import { addDays, isoDate } from '../lib/dates.js';
import type { Queryable, SqlParam } from '../store/store.js';
import type { StoredResource } from './resource-store.js';

/** The bill behind one AWS account: the connection that delivers its lines and the last complete days. */
export interface BillWindow {
  /** The cloud account (connection) whose export holds this AWS account's lines. */
  sourceCloudAccountId: string;
  /** Newest usage day in the bill, `YYYY-MM-DD`. */
  newestDay: string;
  currency: string;
  /** The connection's lines of every sub account (an Azure connection over several subscriptions). */
  allSubAccounts?: boolean;
  /** Resource IDs compared without case (Azure spells the same ID with different cases). */
  ignoreCase?: boolean;
}

/**
 * How a provider's resources are found in the bill. Default: the lines of the account's ID in its cloud
 * (`sub_account_id`, from whichever connection delivers them), resource IDs compared exactly. `connection`: the
 * connection's own lines, whatever their sub account, resource IDs compared without case.
 */
export type BillMatch = 'sub_account' | 'connection';

/** The `days`-day range that ends with the bill's newest day: `[from, to)` as `YYYY-MM-DD`. */
export function windowOf(bill: BillWindow, days: number): { from: string; to: string } {
  const to = addDays(bill.newestDay, 1);
  return { from: addDays(to, -days), to };
}

/**
 * Finds the bill of an AWS account. When two connections deliver its lines (a payer export and the account's
 * own), the one with the newest data wins, so that no resource is counted twice. Days after `today` are ignored.
 */
export async function findBill(
  q: Queryable,
  orgId: string,
  awsAccountId: string,
  today: Date,
  match: { by: BillMatch; cloudAccountId: string } = { by: 'sub_account', cloudAccountId: '' },
): Promise<BillWindow | null> {
  if (match.by === 'connection') {
    const own = await q.query<{ newest: string | Date | null; currency: string | null }>(
      `SELECT max(usage_date) AS newest, min(billing_currency) AS currency FROM cost_line_items
       WHERE org_id = $1 AND cloud_account_id = $2 AND usage_date <= $3::DATE`,
      [orgId, match.cloudAccountId, isoDate(today)],
    );
    const o = own[0];
    if (!o || o.newest === null) return null;
    return {
      sourceCloudAccountId: match.cloudAccountId,
      newestDay: o.newest instanceof Date ? isoDate(o.newest) : String(o.newest).slice(0, 10),
      currency: o.currency ?? 'USD',
      allSubAccounts: true,
      ignoreCase: true,
    };
  }
  const rows = await q.query<{
    cloud_account_id: string;
    newest: string | Date | null;
    currency: string | null;
  }>(
    `SELECT cloud_account_id, max(usage_date) AS newest, min(billing_currency) AS currency FROM cost_line_items
     WHERE org_id = $1 AND sub_account_id = $2 AND usage_date <= $3::DATE
     GROUP BY cloud_account_id ORDER BY newest DESC, cloud_account_id LIMIT 1`,
    [orgId, awsAccountId, isoDate(today)],
  );
  const r = rows[0];
  if (!r || r.newest === null) return null;
  const newest = r.newest instanceof Date ? isoDate(r.newest) : String(r.newest).slice(0, 10);
  return { sourceCloudAccountId: r.cloud_account_id, newestDay: newest, currency: r.currency ?? 'USD' };
}

export interface BilledCost {
  billed: number;
  effective: number;
  lines: number;
}

/** Billed and effective cost per bill resource ID over `[from, to)`, for the given IDs only. */
export async function costsByBillId(
  q: Queryable,
  input: {
    orgId: string;
    bill: BillWindow;
    awsAccountId: string;
    from: string;
    to: string;
    billIds: string[];
  },
): Promise<Map<string, BilledCost>> {
  const out = new Map<string, BilledCost>();
  const { allSubAccounts, ignoreCase } = input.bill;
  const ids = [...new Set(ignoreCase ? input.billIds.map((id) => id.toLowerCase()) : input.billIds)];
  const idColumn = ignoreCase ? 'lower(resource_id)' : 'resource_id';
  for (let i = 0; i < ids.length; i += 500) {
    const params: SqlParam[] = [input.orgId, input.bill.sourceCloudAccountId, input.from, input.to];
    const sub = allSubAccounts ? '' : `AND sub_account_id = $${params.push(input.awsAccountId)}`;
    const list = ids
      .slice(i, i + 500)
      .map((id) => `$${params.push(id)}`)
      .join(', ');
    const rows = await q.query<{ resource_id: string; billed: number; effective: number; n: number }>(
      `SELECT ${idColumn} AS resource_id, CAST(sum(billed_cost) AS DOUBLE PRECISION) AS billed,
              CAST(sum(COALESCE(effective_cost, billed_cost)) AS DOUBLE PRECISION) AS effective, count(*) AS n
       FROM cost_line_items
       WHERE org_id = $1 AND cloud_account_id = $2 ${sub}
         AND usage_date >= $3::DATE AND usage_date < $4::DATE AND ${idColumn} IN (${list})
       GROUP BY ${idColumn}`,
      params,
    );
    for (const r of rows) {
      out.set(r.resource_id, {
        billed: Number(r.billed),
        effective: Number(r.effective),
        lines: Number(r.n),
      });
    }
  }
  return out;
}

/** A resource's cost: the sum over the bill IDs it carries. Null when the bill has no line for it. */
export function costOf(
  resource: { details: Record<string, unknown>; id: string },
  costs: Map<string, BilledCost>,
) {
  const ids = Array.isArray(resource.details.billIds)
    ? (resource.details.billIds as string[])
    : [resource.id];
  let found = false;
  const total: BilledCost = { billed: 0, effective: 0, lines: 0 };
  for (const id of ids) {
    const c = costs.get(id) ?? costs.get(id.toLowerCase());
    if (!c) continue;
    found = true;
    total.billed += c.billed;
    total.effective += c.effective;
    total.lines += c.lines;
  }
  return found ? total : null;
}

export function billIdsOf(resources: StoredResource[]): string[] {
  return resources.flatMap((r) =>
    Array.isArray(r.details.billIds) ? (r.details.billIds as string[]) : [r.id],
  );
}

/**
 * Links every current resource of a connection to its cost over the bill's last `days` days and stores the result
 * in `resource_costs` (replaced as a whole, so that resources the bill no longer names lose their figures).
 */
export async function linkResourceCosts(
  store: { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> } & Queryable,
  input: {
    orgId: string;
    cloudAccountId: string;
    awsAccountId: string;
    resources: StoredResource[];
    today: Date;
    now: Date;
    days?: number;
    /** How the provider's resources are found in the bill (default: by sub account). */
    billMatch?: BillMatch;
  },
): Promise<{ linked: number; window: { from: string; to: string } | null }> {
  const bill = await findBill(store, input.orgId, input.awsAccountId, input.today, {
    by: input.billMatch ?? 'sub_account',
    cloudAccountId: input.cloudAccountId,
  });
  if (!bill) {
    await store.execute('DELETE FROM resource_costs WHERE org_id = $1 AND cloud_account_id = $2', [
      input.orgId,
      input.cloudAccountId,
    ]);
    return { linked: 0, window: null };
  }
  const window = windowOf(bill, input.days ?? 30);
  const costs = await costsByBillId(store, {
    orgId: input.orgId,
    bill,
    awsAccountId: input.awsAccountId,
    ...window,
    billIds: billIdsOf(input.resources),
  });
  const rows = input.resources
    .map((r) => ({ r, c: costOf(r, costs) }))
    .filter((x): x is { r: StoredResource; c: BilledCost } => x.c !== null);
  await store.transaction(async (tx) => {
    await tx.execute('DELETE FROM resource_costs WHERE org_id = $1 AND cloud_account_id = $2', [
      input.orgId,
      input.cloudAccountId,
    ]);
    for (let i = 0; i < rows.length; i += 200) {
      const params: SqlParam[] = [];
      const values = rows.slice(i, i + 200).map(({ r, c }) => {
        const p = (v: SqlParam) => `$${params.push(v)}`;
        return `(${[
          p(input.orgId),
          p(input.cloudAccountId),
          p(r.type),
          p(r.id),
          p(c.billed),
          p(c.effective),
          p(bill.currency),
          p(c.lines),
          `${p(window.from)}::DATE`,
          `${p(window.to)}::DATE`,
          p(input.now),
        ].join(', ')})`;
      });
      await tx.execute(
        `INSERT INTO resource_costs (org_id, cloud_account_id, resource_type, resource_id, billed_cost, effective_cost,
           currency, line_count, window_start, window_end, updated_at) VALUES ${values.join(', ')}`,
        params,
      );
    }
  });
  return { linked: rows.length, window };
}

/** One day of a resource's bill. */
export interface ResourceBillDay {
  date: string;
  billed: number;
  effective: number;
}

/** A resource's lines of one AWS line item type over a window (Usage, DiscountedUsage, SavingsPlanCoveredUsage…). */
export interface ResourceBillLines {
  lineType: string;
  lines: number;
  billed: number;
  effective: number;
  /** Lines that name a reservation or savings plan. */
  committed: number;
  /** Lines whose description says free tier. */
  freeTier: number;
}

/** The days and the line item types of a resource's bill IDs over `[from, to)`. */
export async function resourceBill(
  q: Queryable,
  input: {
    orgId: string;
    bill: BillWindow;
    awsAccountId: string;
    from: string;
    to: string;
    billIds: string[];
  },
): Promise<{ days: ResourceBillDay[]; lineTypes: ResourceBillLines[] }> {
  const params: SqlParam[] = [
    input.orgId,
    input.bill.sourceCloudAccountId,
    input.awsAccountId,
    input.from,
    input.to,
  ];
  const ids = [...new Set(input.billIds)]
    .slice(0, 500)
    .map((id) => `$${params.push(id)}`)
    .join(', ');
  if (!ids) return { days: [], lineTypes: [] };
  const where = `org_id = $1 AND cloud_account_id = $2 AND sub_account_id = $3
    AND usage_date >= $4::DATE AND usage_date < $5::DATE AND resource_id IN (${ids})`;
  const days = await q.query<{ day: unknown; billed: number; effective: number }>(
    `SELECT usage_date AS day, CAST(sum(billed_cost) AS DOUBLE PRECISION) AS billed,
            CAST(sum(COALESCE(effective_cost, billed_cost)) AS DOUBLE PRECISION) AS effective
     FROM cost_line_items WHERE ${where} GROUP BY usage_date ORDER BY usage_date`,
    params,
  );
  const types = await q.query<{
    line_type: string | null;
    n: number;
    billed: number;
    effective: number;
    committed: number;
    free_tier: number;
  }>(
    `SELECT x_line_item_type AS line_type, count(*) AS n, CAST(sum(billed_cost) AS DOUBLE PRECISION) AS billed,
            CAST(sum(COALESCE(effective_cost, billed_cost)) AS DOUBLE PRECISION) AS effective,
            sum(CASE WHEN COALESCE(commitment_discount_id, '') <> '' THEN 1 ELSE 0 END) AS committed,
            sum(CASE WHEN strpos(lower(COALESCE(charge_description, '')), 'free tier') > 0 THEN 1 ELSE 0 END) AS free_tier
     FROM cost_line_items WHERE ${where} GROUP BY x_line_item_type ORDER BY count(*) DESC, x_line_item_type`,
    params,
  );
  const cents = (v: unknown) => Math.round(Number(v ?? 0) * 100) / 100;
  return {
    days: days.map((d) => ({
      date: d.day instanceof Date ? isoDate(d.day) : String(d.day).slice(0, 10),
      billed: cents(d.billed),
      effective: cents(d.effective),
    })),
    lineTypes: types.map((t) => ({
      lineType: t.line_type ?? 'Usage',
      lines: Number(t.n),
      billed: cents(t.billed),
      effective: cents(t.effective),
      committed: Number(t.committed),
      freeTier: Number(t.free_tier),
    })),
  };
}
