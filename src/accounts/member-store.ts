import type { Queryable } from '../store/store.js';
import { isoTimestamp } from '../lib/dates.js';
import { day, json } from './account-store.js';
import type { MemberAccount, MemberCosts, NotImportedAccount, NotImportedSummary } from './account-types.js';

/** SQL for what a payer's AWS Organization lists and what its bill carries for members that are not imported. */

export interface DiscoveredInput {
  awsAccountId: string;
  name: string | null;
  email: string | null;
  status: string | null;
  joinedAt: Date | null;
}

/** Replaces the payer's list with what AWS Organizations lists now (members that left disappear). */
export async function replaceDiscovered(
  tx: Queryable,
  orgId: string,
  payerId: string,
  members: DiscoveredInput[],
  now: Date,
): Promise<void> {
  await tx.execute('DELETE FROM discovered_accounts WHERE org_id = $1 AND payer_cloud_account_id = $2', [
    orgId,
    payerId,
  ]);
  for (const m of members) {
    await tx.execute(
      `INSERT INTO discovered_accounts (org_id, payer_cloud_account_id, aws_account_id, name, email, status, joined_at, discovered_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [orgId, payerId, m.awsAccountId, m.name, m.email, m.status, m.joinedAt, now],
    );
  }
}

/** The payer's members as Organizations lists them, with where their costs stand in `bill`. */
export async function listMembers(
  q: Queryable,
  orgId: string,
  payerId: string,
  bill: PayerBill | null,
  importAll: boolean,
): Promise<MemberAccount[]> {
  const rows = await q.query<{
    aws_account_id: string;
    name: string | null;
    email: string | null;
    status: string | null;
    joined_at: Date | string | null;
    discovered_at: Date | string;
    cloud_account_id: string | null;
  }>(
    `SELECT d.aws_account_id, d.name, d.email, d.status, d.joined_at, d.discovered_at, c.id AS cloud_account_id
     FROM discovered_accounts d
     LEFT JOIN cloud_accounts c ON c.org_id = d.org_id AND c.provider = 'aws' AND c.aws_account_id = d.aws_account_id
     WHERE d.org_id = $1 AND d.payer_cloud_account_id = $2
     ORDER BY d.aws_account_id`,
    [orgId, payerId],
  );
  return rows.map((r) => ({
    awsAccountId: r.aws_account_id,
    name: r.name,
    email: r.email,
    awsStatus: r.status,
    joinedAt: isoTimestamp(r.joined_at),
    discoveredAt: isoTimestamp(r.discovered_at) ?? '',
    connected: r.cloud_account_id !== null,
    cloudAccountId: r.cloud_account_id,
    costs: memberCosts(bill, r.aws_account_id, r.cloud_account_id !== null, importAll),
  }));
}

/** The payer (Cloudtally account) whose organization lists this AWS account, if any. */
export async function payerListing(
  q: Queryable,
  orgId: string,
  awsAccountId: string,
): Promise<{ payerId: string; payerAwsAccountId: string | null; name: string | null } | null> {
  const [row] = await q.query<{ payer_id: string; payer_aws: string | null; name: string | null }>(
    `SELECT d.payer_cloud_account_id AS payer_id, c.aws_account_id AS payer_aws, d.name
     FROM discovered_accounts d JOIN cloud_accounts c ON c.id = d.payer_cloud_account_id AND c.org_id = d.org_id
     WHERE d.org_id = $1 AND d.aws_account_id = $2 AND d.aws_account_id <> COALESCE(c.aws_account_id, '')
     ORDER BY d.discovered_at DESC LIMIT 1`,
    [orgId, awsAccountId],
  );
  return row ? { payerId: row.payer_id, payerAwsAccountId: row.payer_aws, name: row.name } : null;
}

/** `billing_periods.totals` and `.not_imported` as the billing import writes them (the parts read here). */
interface PeriodTotalsJson {
  accounts?: unknown[];
}
interface NotImportedJson {
  accounts?: { id: string; rows: number; billed: number; currency: string }[];
}

/** What the payer's latest billing period holds: the accounts imported and those left out, with their cost. */
export interface PayerBill {
  billingPeriod: string;
  imported: Set<string>;
  notImported: Map<string, { id: string; rows: number; billed: number; currency: string }[]>;
}

/** The payer's latest loaded billing period (all its exports together), or null before its first load. */
export async function payerBill(q: Queryable, orgId: string, payerId: string): Promise<PayerBill | null> {
  const rows = await q.query<{
    billing_period: Date | string;
    totals: string | null;
    not_imported: string | null;
  }>(
    `SELECT billing_period, totals, not_imported FROM billing_periods
     WHERE org_id = $1 AND cloud_account_id = $2 AND state = 'loaded'
       AND billing_period = (SELECT MAX(billing_period) FROM billing_periods
                             WHERE org_id = $1 AND cloud_account_id = $2 AND state = 'loaded')`,
    [orgId, payerId],
  );
  if (rows.length === 0) return null;
  const imported = new Set<string>();
  const notImported = new Map<string, { id: string; rows: number; billed: number; currency: string }[]>();
  for (const r of rows) {
    for (const id of json<PeriodTotalsJson>(r.totals, {}).accounts ?? []) imported.add(String(id));
    for (const a of json<NotImportedJson>(r.not_imported, {}).accounts ?? []) {
      const list = notImported.get(a.id) ?? [];
      const same = list.find((x) => x.currency === a.currency);
      if (same) {
        same.rows += a.rows;
        same.billed += a.billed;
      } else list.push({ ...a });
      notImported.set(a.id, list);
    }
  }
  return { billingPeriod: day(rows[0].billing_period) ?? '', imported, notImported };
}

/**
 * Where a member's costs stand, from the payer's latest bill and whether the member is connected now. A
 * connected member whose costs the bill left out, or a removed one whose costs it still holds, waits for the
 * payer's re-import (queued when the member was connected or removed).
 */
export function memberCosts(
  bill: PayerBill | null,
  awsAccountId: string,
  connected: boolean,
  importAll: boolean,
): MemberCosts {
  if (!bill) return connected ? 'import_pending' : 'none';
  const imported = bill.imported.has(awsAccountId);
  const left = bill.notImported.has(awsAccountId);
  if (imported) return connected || importAll ? 'imported' : 'removal_pending';
  if (left) return connected || importAll ? 'import_pending' : 'not_imported';
  return 'none';
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/**
 * The payer's "not imported" notice: the member accounts its latest bill left out that are still not
 * connected (a member connected since is being re-imported and counted apart), with their names, so that the
 * number shown is the number of accounts listed.
 */
export function notImportedSummary(
  bill: PayerBill | null,
  connectedIds: ReadonlySet<string>,
  names: ReadonlyMap<string, string | null>,
): NotImportedSummary | null {
  if (!bill) return null;
  const listed: NotImportedAccount[] = [];
  let importPending = 0;
  const byCurrency: Record<string, number> = {};
  for (const [id, parts] of [...bill.notImported].sort(([a], [b]) => a.localeCompare(b))) {
    if (connectedIds.has(id)) {
      importPending += 1;
      continue;
    }
    for (const p of parts) byCurrency[p.currency] = (byCurrency[p.currency] ?? 0) + p.billed;
    listed.push({
      awsAccountId: id,
      name: names.get(id) ?? null,
      rows: parts.reduce((s, p) => s + p.rows, 0),
      cost: parts.length === 1 ? round(parts[0].billed) : null,
      currency: parts.length === 1 ? parts[0].currency : null,
    });
  }
  const currencies = Object.keys(byCurrency);
  return {
    billingPeriod: bill.billingPeriod,
    accounts: listed.length,
    cost: currencies.length === 1 ? round(byCurrency[currencies[0]]) : null,
    currency: currencies.length === 1 ? currencies[0] : null,
    list: listed,
    importPending,
    detail: { byCurrency: Object.fromEntries(currencies.map((c) => [c, round(byCurrency[c])])) },
  };
}

/**
 * Names of the organization's accounts by their ID in the cloud (the provider's account ID): connected accounts
 * first, then the members the payers' organizations listed.
 */
export async function knownAccountNames(
  q: Pick<Queryable, 'query'>,
  orgId: string,
): Promise<{ id: string; name: string | null }[]> {
  const rows = await q.query<{ id: string; name: string | null; pri: number }>(
    `SELECT aws_account_id AS id, name, 1 AS pri FROM cloud_accounts WHERE org_id = $1 AND aws_account_id IS NOT NULL
     UNION ALL
     SELECT aws_account_id AS id, name, 2 AS pri FROM discovered_accounts WHERE org_id = $1`,
    [orgId],
  );
  return rows.sort((a, b) => Number(a.pri) - Number(b.pri)).map((r) => ({ id: r.id, name: r.name }));
}
