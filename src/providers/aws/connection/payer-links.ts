import { InputError } from '../../../lib/errors.js';
import type { Queryable } from '../../../store/store.js';
import type { AccountType } from './aws-schemas.js';
import { awsAccountOf } from './connection-document.js';
import * as db from '../../../accounts/account-store.js';
import * as memberDb from '../../../accounts/member-store.js';

/** How linked accounts find their payer: named, or listed by the payer's AWS Organization. */

const isPayerType = (t: AccountType | string) => t === 'root' || t === 'assumed_role';

/** The payer a linked account bills through: the one named, else the payer whose organization lists it. */
export async function resolvePayer(
  store: Queryable,
  orgId: string,
  ref: string | undefined,
  awsAccountId: string | null,
): Promise<{ parentId: string | null; payerAwsId: string | null; listedName: string | null }> {
  if (ref && ref.startsWith('ca_')) {
    const payer = await db.getAccount(store, orgId, ref);
    if (!payer)
      throw new InputError('payerAccountId', `payerAccountId: no cloud account ${ref} in this organization`);
    if (!isPayerType(payer.type))
      throw new InputError(
        'payerAccountId',
        `payerAccountId: ${payer.name} is a ${payer.type} account, not a payer`,
      );
    const listed = awsAccountId ? await memberDb.payerListing(store, orgId, awsAccountId) : null;
    return { parentId: payer.id, payerAwsId: payer.awsAccountId, listedName: listed?.name ?? null };
  }
  if (ref) {
    const id = ref.replace(/-/g, '');
    const payer = await db.findByAwsAccountId(store, orgId, id);
    return {
      parentId: payer && isPayerType(payer.type) ? payer.id : null,
      payerAwsId: id,
      listedName: null,
    };
  }
  if (awsAccountId) {
    const listed = await memberDb.payerListing(store, orgId, awsAccountId);
    if (listed)
      return { parentId: listed.payerId, payerAwsId: listed.payerAwsAccountId, listedName: listed.name };
  }
  return { parentId: null, payerAwsId: null, listedName: null };
}

/** Stores what Organizations listed and attaches linked accounts that were waiting for this payer. */
export async function recordMembers(
  tx: Queryable,
  orgId: string,
  payerId: string,
  members: memberDb.DiscoveredInput[],
  now: Date,
): Promise<string[]> {
  await memberDb.replaceDiscovered(tx, orgId, payerId, members, now);
  const payer = await db.getAccount(tx, orgId, payerId);
  const ids = new Set(members.map((m) => m.awsAccountId));
  const attached: string[] = [];
  for (const orphan of await db.orphanLinkedAccounts(tx, orgId)) {
    if (orphan.awsAccountId && ids.has(orphan.awsAccountId)) {
      await db.updateAccountFields(
        tx,
        orgId,
        orphan.id,
        { parentId: payerId, connection: { payerAccountId: payer?.awsAccountId ?? null } },
        now,
      );
      attached.push(orphan.id);
    }
  }
  return attached;
}

const EXPORT_FIELDS = ['exportType', 'exportName', 'bucket', 'prefix', 'exportRegion'] as const;

/**
 * An account that a connected payer's AWS Organization lists is a member whichever type it is connected as:
 * asked for as `assumed_role` with no export, or with its payer's own export (which a member's role cannot
 * read), it is connected as a linked account with that role, billed through the payer. Anything else is
 * returned as given.
 */
export async function asMember(store: Queryable, orgId: string, raw: unknown): Promise<unknown> {
  if (typeof raw !== 'object' || raw === null) return raw;
  const body = raw as Record<string, unknown>;
  if (body.type !== 'assumed_role' || typeof body.awsAccountId !== 'string') return raw;
  const listed = await memberDb.payerListing(store, orgId, body.awsAccountId.replace(/-/g, ''));
  if (!listed) return raw;
  const stored = await db.getAccount(store, orgId, listed.payerId);
  if (!stored) return raw;
  const payer = awsAccountOf(stored);
  const noExport = body.bucket === undefined && body.exportName === undefined;
  const payersExport = body.bucket === payer.bucket && body.exportName === payer.exportName;
  if (!noExport && !payersExport) return raw;
  const out: Record<string, unknown> = { ...body, type: 'linked', payerAccountId: payer.id };
  for (const f of [...EXPORT_FIELDS, 'memberImport']) delete out[f];
  return out;
}
