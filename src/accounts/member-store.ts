import type { Queryable } from '../store/store.js';
import { day, iso, json } from './account-store.js';
import type { MemberAccount, NotImportedSummary } from './account-types.js';

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

export async function listMembers(q: Queryable, orgId: string, payerId: string): Promise<MemberAccount[]> {
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
    joinedAt: iso(r.joined_at),
    discoveredAt: iso(r.discovered_at) ?? '',
    connected: r.cloud_account_id !== null,
    cloudAccountId: r.cloud_account_id,
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

/** `billing_periods.not_imported` as the billing import writes it. */
interface NotImportedJson {
  accounts?: { id: string; rows: number; billed: number; currency: string }[];
  rows?: number;
  billed?: number | null;
  byCurrency?: Record<string, number>;
}

/**
 * The payer's "not imported" figures of its latest billing period (all its exports together): how many member
 * accounts the bill carries that are not imported, and what they cost.
 */
export async function notImportedSummary(
  q: Queryable,
  orgId: string,
  payerId: string,
): Promise<NotImportedSummary | null> {
  const rows = await q.query<{ billing_period: Date | string; not_imported: string | null }>(
    `SELECT billing_period, not_imported FROM billing_periods
     WHERE org_id = $1 AND cloud_account_id = $2
       AND billing_period = (SELECT MAX(billing_period) FROM billing_periods WHERE org_id = $1 AND cloud_account_id = $2)`,
    [orgId, payerId],
  );
  if (rows.length === 0) return null;
  const accounts = new Map<string, { id: string; rows: number; billed: number; currency: string }>();
  const byCurrency: Record<string, number> = {};
  for (const r of rows) {
    for (const a of json<NotImportedJson>(r.not_imported, {}).accounts ?? []) {
      const key = `${a.id}/${a.currency}`;
      const prev = accounts.get(key);
      accounts.set(
        key,
        prev ? { ...prev, rows: prev.rows + a.rows, billed: prev.billed + a.billed } : { ...a },
      );
      byCurrency[a.currency] = (byCurrency[a.currency] ?? 0) + a.billed;
    }
  }
  const currencies = Object.keys(byCurrency);
  const round = (n: number) => Math.round(n * 1e6) / 1e6;
  return {
    billingPeriod: day(rows[0].billing_period) ?? '',
    accounts: new Set([...accounts.values()].map((a) => a.id)).size,
    cost: currencies.length === 1 ? round(byCurrency[currencies[0]]) : null,
    currency: currencies.length === 1 ? currencies[0] : null,
    detail: {
      accounts: [...accounts.values()].map((a) => ({ ...a, billed: round(a.billed) })),
      byCurrency: Object.fromEntries(currencies.map((c) => [c, round(byCurrency[c])])),
    },
  };
}
