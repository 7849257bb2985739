import { parseRoleArn, roleArnOf } from '../providers/aws/sdk/arns.js';
import type { AwsClientFactory, AwsClients, AwsConnection } from '../providers/aws/sdk/client-factory.js';
import { partitionOf } from '../providers/aws/sdk/regions.js';
import { audit } from '../auth/audit-log.js';
import type { Clock } from '../lib/clock.js';
import { ConflictError, ConnectionError, InputError, NotFoundError, type Diagnostic } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Log } from '../lib/log.js';
import type { Queryable, Store } from '../store/store.js';
import type { SecretVault } from './secret-vault.js';
import { accessKeyHint, parseCreateInput, type CreateAccountInput } from './account-schemas.js';
import * as db from './account-store.js';
import * as memberDb from './member-store.js';
import * as links from '../providers/aws/connection/payer-links.js';
import type { AccountRecord, Actor, CloudAccount, MemberAccount, ValidationReport } from './account-types.js';

export type { Actor } from './account-types.js';
import {
  createValidator,
  type ValidationResult,
  type ValidationTarget,
} from '../providers/aws/connection/account-validator.js';
import { exportOf, planUpdate } from './account-update.js';
import { createExternalIdFunctions } from '../providers/aws/connection/external-id.js';

/**
 * Hooks for the sync engine, which starts the first sync of a new account and re-imports a payer's retained
 * periods when a member is connected or removed. They run after the change is committed; a failing hook is logged, the
 * connection stands.
 */
export interface AccountEvents {
  accountConnected?(account: AccountEventPayload): Promise<void> | void;
  memberConnected?(payerId: string, member: AccountEventPayload): Promise<void> | void;
  /** A member was removed: the payer re-imports without it, so its costs leave the totals. */
  memberRemoved?(payerId: string, member: AccountEventPayload): Promise<void> | void;
  /** After the removal is committed (the account row is gone, hence the organization in the payload). */
  accountRemoved?(account: AccountEventPayload): Promise<void> | void;
}

export type AccountEventPayload = CloudAccount & { orgId: string };

export interface AccountServiceDeps {
  store: Store;
  vault: Pick<SecretVault, 'put' | 'deleteOwned'>;
  aws: AwsClientFactory;
  clock: Clock;
  log: Log;
  /** Region for discovery checks of accounts without an export region. */
  region: string;
  /** Months of billing history a sync loads, for validation to warn about an export older than that. */
  retentionMonths?: number;
  events?: AccountEvents;
  /** Extra per-account data removal run inside the removal transaction (e.g. billing's deleteAccountData). */
  dataCleaners?: ((tx: Queryable, orgId: string, cloudAccountId: string) => Promise<void>)[];
}

export const SECRET_OWNER = 'cloud_account';
export const SECRET_NAME = 'aws-access-key';

type Connectable = Pick<AccountRecord, 'id' | 'orgId' | 'roleArn' | 'secretId'>;

export function connectionOf(a: Connectable): AwsConnection {
  return { id: a.id, orgId: a.orgId, secretId: a.secretId, roleArn: a.secretId ? null : a.roleArn };
}

function publicOf(a: AccountRecord): CloudAccount {
  const { orgId: _orgId, secretId: _secretId, ...rest } = a;
  return rest;
}

function payloadOf(a: AccountRecord): AccountEventPayload {
  return { ...publicOf(a), orgId: a.orgId };
}

/** Steps 1 and 2 decide whether a connection can be saved at all. */
function blockingFailure(report: ValidationReport): ConnectionError | null {
  const blocking = report.steps.filter(
    (s) => (s.step === 'credentials' || s.step === 'identity') && s.state === 'fail',
  );
  if (blocking.length === 0) return null;
  const diagnostics: Diagnostic[] = blocking.flatMap(
    (s) =>
      s.diagnostics ?? [{ code: s.code, message: s.message, remediation: s.remediation ?? '', step: s.step }],
  );
  return new ConnectionError(diagnostics[0], diagnostics);
}

const isUniqueViolation = (err: unknown) =>
  err instanceof Error && /(duplicate key|unique constraint|violates unique)/i.test(err.message);

export function createAccountService(deps: AccountServiceDeps) {
  const { store, clock, log } = deps;
  let events: AccountEvents = deps.events ?? {};
  const validator = createValidator({
    aws: deps.aws,
    clock,
    log,
    region: deps.region,
    retentionMonths: deps.retentionMonths,
  });
  const externalIds = createExternalIdFunctions({ store, aws: deps.aws, clock });

  async function principalArn(): Promise<string | null> {
    try {
      return (await deps.aws.hostPrincipal()).arn;
    } catch {
      return null;
    }
  }

  async function run(
    target: ValidationTarget,
    orgId: string,
    signal?: AbortSignal,
    routine?: { costExplorerPassedAt: string | null },
  ): Promise<ValidationResult> {
    const ext = await db.externalIdOf(store, orgId);
    return validator(target, {
      externalId: ext.externalId,
      previousExternalId: ext.previousExternalId,
      principalArn: await principalArn(),
      signal,
      routine: routine !== undefined,
      costExplorerPassedAt: routine?.costExplorerPassedAt ?? null,
    });
  }

  async function mustGet(q: Queryable, orgId: string, id: string): Promise<AccountRecord> {
    const a = await db.getAccount(q, orgId, id);
    if (!a) throw new NotFoundError('Cloud account', id);
    return a;
  }

  async function refuseDuplicate(orgId: string, awsAccountId: string, exceptId?: string): Promise<void> {
    const existing = await db.findByAwsAccountId(store, orgId, awsAccountId);
    if (existing && existing.id !== exceptId) {
      throw new ConflictError(
        `AWS account ${awsAccountId} is already connected in this organization as "${existing.name}" (${existing.id}); edit that connection instead of adding it twice.`,
      );
    }
  }

  const resolvePayer = (orgId: string, ref: string | undefined, awsAccountId: string | null) =>
    links.resolvePayer(store, orgId, ref, awsAccountId);

  async function fire(name: string, fn: () => Promise<void> | void): Promise<void> {
    try {
      await fn();
    } catch (err) {
      log.error({ err, hook: name }, 'account event hook failed');
    }
  }

  const recordMembers = (
    tx: Queryable,
    orgId: string,
    payerId: string,
    members: memberDb.DiscoveredInput[],
  ) => links.recordMembers(tx, orgId, payerId, members, clock.now());

  async function announceAttached(orgId: string, payerId: string, ids: string[]) {
    for (const id of ids) {
      const member = await db.getAccount(store, orgId, id);
      if (member) await fire('memberConnected', () => events.memberConnected?.(payerId, payloadOf(member)));
    }
  }

  async function listMembers(a: AccountRecord) {
    const bill = await memberDb.payerBill(store, a.orgId, a.id);
    return {
      bill,
      members: await memberDb.listMembers(store, a.orgId, a.id, bill, a.memberImport === 'all'),
    };
  }

  async function decorate(a: AccountRecord): Promise<CloudAccount> {
    const out = publicOf(a);
    const { bill, members } = await listMembers(a);
    if (a.type === 'root' || members.length > 0) {
      out.members = members;
      const connected = new Set(
        (await db.listAccounts(store, a.orgId)).flatMap((x) => (x.awsAccountId ? [x.awsAccountId] : [])),
      );
      const names = new Map(members.map((m) => [m.awsAccountId, m.name]));
      out.notImported = memberDb.notImportedSummary(bill, connected, names);
    }
    return out;
  }

  return {
    /** Lets the composition root wire the sync engine after both exist. */
    setEvents(next: AccountEvents): void {
      events = next;
    },

    async list(orgId: string): Promise<CloudAccount[]> {
      return Promise.all((await db.listAccounts(store, orgId)).map(decorate));
    },

    async get(orgId: string, id: string): Promise<CloudAccount> {
      return decorate(await mustGet(store, orgId, id));
    },

    async members(orgId: string, payerId: string): Promise<MemberAccount[]> {
      return (await listMembers(await mustGet(store, orgId, payerId))).members;
    },

    async create(
      actor: Actor,
      raw: unknown,
      signal?: AbortSignal,
    ): Promise<{ account: CloudAccount; validation: ValidationReport }> {
      const orgId = actor.orgId;
      const input: CreateAccountInput = parseCreateInput(await links.asMember(store, orgId, raw));
      let awsAccountId =
        input.awsAccountId ?? (input.roleArn ? (parseRoleArn(input.roleArn)?.accountId ?? null) : null);
      const partition = partitionOf(input.exportRegion ?? deps.region);
      const roleArn =
        input.roleArn ??
        (input.roleName && awsAccountId ? roleArnOf(awsAccountId, input.roleName, partition) : null);
      const roleName = input.roleName ?? (roleArn ? (parseRoleArn(roleArn)?.name ?? null) : null);
      if (awsAccountId) await refuseDuplicate(orgId, awsAccountId);
      let payer =
        input.type === 'linked' ? await resolvePayer(orgId, input.payerAccountId, awsAccountId) : null;
      const name = input.name ?? payer?.listedName ?? null;
      if (!name) throw new InputError('name', 'name: is required (a name to recognise the account by)');

      const keys =
        input.accessKeyId && input.secretAccessKey
          ? { accessKeyId: input.accessKeyId, secretAccessKey: input.secretAccessKey }
          : null;
      const exp = exportOf(input);
      const payerAccount = payer?.parentId ? await db.getAccount(store, orgId, payer.parentId) : null;
      const result = await run(
        {
          type: input.type,
          orgId,
          awsAccountId,
          connection: { orgId, accessKeys: keys, roleArn: keys ? null : roleArn },
          export: exp,
          payerName: input.type === 'linked' ? (payerAccount?.name ?? null) : undefined,
        },
        orgId,
        signal,
      );
      const blocked = blockingFailure(result.report);
      if (blocked) throw blocked;
      if (!awsAccountId && result.identity) {
        awsAccountId = result.identity.accountId;
        await refuseDuplicate(orgId, awsAccountId);
        if (input.type === 'linked' && !payer?.parentId)
          payer = await resolvePayer(orgId, input.payerAccountId, awsAccountId);
      }

      const id = newId('ca');
      const now = clock.now();
      let attached: string[] = [];
      try {
        await store.transaction(async (tx) => {
          const secretId = keys
            ? await deps.vault.put(
                tx,
                { orgId, ownerType: SECRET_OWNER, ownerId: id, name: SECRET_NAME },
                JSON.stringify(keys),
              )
            : null;
          await db.insertAccount(tx, {
            id,
            orgId,
            type: input.type,
            createdBy: actor.userId,
            now,
            name,
            awsAccountId,
            roleName: keys ? null : roleName,
            roleArn: keys ? null : roleArn,
            secretId,
            accessKeyId: keys ? accessKeyHint(keys.accessKeyId) : null,
            exportType: exp?.exportType ?? null,
            exportName: exp?.exportName ?? null,
            bucket: exp?.bucket ?? null,
            prefix: exp ? exp.prefix : null,
            exportRegion: exp?.region ?? null,
            edp: input.edp ?? false,
            memberImport: input.memberImport ?? 'connected-only',
            payerAccountId: payer?.payerAwsId ?? null,
            parentId: payer?.parentId ?? null,
          });
          await db.saveValidation(tx, orgId, id, result.report, now);
          if (result.members) attached = await recordMembers(tx, orgId, id, result.members);
          await audit(tx, {
            orgId,
            actorUserId: actor.userId,
            actor: actor.actor,
            action: 'cloud_account.create',
            objectType: 'cloud_account',
            objectId: id,
            requestId: actor.requestId,
            details: {
              name,
              type: input.type,
              awsAccountId,
              validated: result.report.ok,
              parentId: payer?.parentId ?? null,
            },
          });
        });
      } catch (err) {
        if (isUniqueViolation(err)) {
          throw new ConflictError(
            `AWS account ${awsAccountId ?? ''} is already connected in this organization.`,
          );
        }
        throw err;
      }
      const account = await mustGet(store, orgId, id);
      log.info(
        { cloudAccountId: id, type: input.type, awsAccountId, ok: result.report.ok },
        'cloud account connected',
      );
      await fire('accountConnected', () => events.accountConnected?.(payloadOf(account)));
      if (account.parentId)
        await fire('memberConnected', () =>
          events.memberConnected?.(account.parentId as string, payloadOf(account)),
        );
      await announceAttached(orgId, id, attached);
      return { account: await decorate(account), validation: result.report };
    },

    async update(
      actor: Actor,
      id: string,
      raw: unknown,
      signal?: AbortSignal,
    ): Promise<{ account: CloudAccount; validation: ValidationReport | null }> {
      const orgId = actor.orgId;
      const cur = await mustGet(store, orgId, id);
      const plan = planUpdate(cur, raw, deps.region);
      const { input, newKeys, roleGiven, roleArn, roleName, storedKeys, connectionChanged } = plan;
      const awsAccountId = cur.awsAccountId;
      const payer =
        input.payerAccountId !== undefined
          ? await resolvePayer(orgId, input.payerAccountId, awsAccountId)
          : null;
      const exp = plan.exportTarget;
      let result: ValidationResult | null = null;
      if (connectionChanged) {
        const connection: AwsConnection = newKeys
          ? { id, orgId, accessKeys: newKeys }
          : storedKeys
            ? { id, orgId, secretId: cur.secretId }
            : { id, orgId, roleArn };
        const parentId = payer?.parentId ?? cur.parentId;
        const payerAccount = parentId ? await db.getAccount(store, orgId, parentId) : null;
        result = await run(
          {
            type: cur.type,
            orgId,
            awsAccountId,
            connection,
            export: exp,
            payerName: cur.type === 'linked' ? (payerAccount?.name ?? null) : undefined,
          },
          orgId,
          signal,
        );
        const blocked = blockingFailure(result.report);
        if (blocked) throw blocked;
      }

      const now = clock.now();
      let attached: string[] = [];
      const changed = Object.keys(input).filter((k) => k !== 'secretAccessKey' && k !== 'enabled');
      await store.transaction(async (tx) => {
        let secretId = cur.secretId;
        if (newKeys) {
          secretId = await deps.vault.put(
            tx,
            { orgId, ownerType: SECRET_OWNER, ownerId: id, name: SECRET_NAME },
            JSON.stringify(newKeys),
          );
        } else if (roleGiven && cur.secretId) {
          await deps.vault.deleteOwned(tx, orgId, SECRET_OWNER, id);
          secretId = null;
        }
        await db.updateAccountFields(
          tx,
          orgId,
          id,
          {
            name: input.name,
            roleArn: secretId ? null : roleArn,
            roleName: secretId ? null : roleName,
            secretId,
            accessKeyId: newKeys ? accessKeyHint(newKeys.accessKeyId) : secretId ? cur.accessKeyId : null,
            exportType: exp?.exportType ?? null,
            exportName: exp?.exportName ?? null,
            bucket: exp?.bucket ?? null,
            prefix: exp ? exp.prefix : null,
            exportRegion: exp?.region ?? null,
            edp: input.edp,
            memberImport: input.memberImport,
            ...(payer ? { parentId: payer.parentId, payerAccountId: payer.payerAwsId } : {}),
          },
          now,
        );
        if (result) {
          await db.saveValidation(tx, orgId, id, result.report, now);
          if (result.members) attached = await recordMembers(tx, orgId, id, result.members);
        }
        if (changed.length > 0) {
          await audit(tx, {
            orgId,
            actorUserId: actor.userId,
            actor: actor.actor,
            action: 'cloud_account.update',
            objectType: 'cloud_account',
            objectId: id,
            requestId: actor.requestId,
            details: { fields: changed, revalidated: result !== null, validated: result?.report.ok ?? null },
          });
        }
        if (input.enabled !== undefined && input.enabled !== cur.enabled) {
          await db.setDisabled(tx, orgId, id, !input.enabled, now);
          await audit(tx, {
            orgId,
            actorUserId: actor.userId,
            actor: actor.actor,
            action: input.enabled ? 'cloud_account.enable' : 'cloud_account.disable',
            objectType: 'cloud_account',
            objectId: id,
            requestId: actor.requestId,
          });
        }
      });
      if (cur.roleArn && (roleGiven || newKeys)) deps.aws.forget(cur.roleArn);
      const account = await mustGet(store, orgId, id);
      if (payer?.parentId && payer.parentId !== cur.parentId)
        await fire('memberConnected', () =>
          events.memberConnected?.(payer.parentId as string, payloadOf(account)),
        );
      await announceAttached(orgId, id, attached);
      return { account: await decorate(account), validation: result?.report ?? null };
    },

    async setEnabled(actor: Actor, id: string, enabled: boolean): Promise<CloudAccount> {
      return (await this.update(actor, id, { enabled })).account;
    },

    /** Removes the account, its imported data and its secrets in one transaction; needs `confirm`. */
    async remove(
      actor: Actor,
      id: string,
      options: { confirm: boolean },
    ): Promise<{ id: string; removed: Record<string, number> }> {
      const orgId = actor.orgId;
      const cur = await mustGet(store, orgId, id);
      if (!options.confirm) {
        throw new InputError(
          'confirm',
          `Removing "${cur.name}" deletes its imported costs, resources, recommendations, sync history and stored credentials. Repeat with ?confirm=true (CLI: --yes) to remove it.`,
        );
      }
      const removed = await store.transaction(async (tx) => {
        for (const clean of deps.dataCleaners ?? []) await clean(tx, orgId, id);
        const counts = await db.deleteAccountRows(tx, orgId, id);
        await deps.vault.deleteOwned(tx, orgId, SECRET_OWNER, id);
        await audit(tx, {
          orgId,
          actorUserId: actor.userId,
          actor: actor.actor,
          action: 'cloud_account.remove',
          objectType: 'cloud_account',
          objectId: id,
          requestId: actor.requestId,
          details: { name: cur.name, type: cur.type, awsAccountId: cur.awsAccountId, removed: counts },
        });
        return counts;
      });
      if (cur.roleArn) deps.aws.forget(cur.roleArn);
      log.info({ cloudAccountId: id }, 'cloud account removed');
      await fire('accountRemoved', () => events.accountRemoved?.(payloadOf(cur)));
      if (cur.parentId)
        await fire('memberRemoved', () => events.memberRemoved?.(cur.parentId as string, payloadOf(cur)));
      return { id, removed };
    },

    /**
     * Runs the seven checks against the stored connection and records the report (and the members listed).
     * `routine` (the sync's validate stage, the default) spares the customer's CloudTrail and Cost Explorer bill;
     * a person asking (`routine: false`) gets every check made afresh.
     */
    async validate(
      orgId: string,
      id: string,
      signal?: AbortSignal,
      options: { routine?: boolean } = {},
    ): Promise<{ account: CloudAccount; validation: ValidationReport }> {
      const cur = await mustGet(store, orgId, id);
      const lastCe = cur.validation?.steps.find((s) => s.step === 'cost_explorer' && s.state === 'pass');
      const payerAccount = cur.parentId ? await db.getAccount(store, orgId, cur.parentId) : null;
      const result = await run(
        {
          type: cur.type,
          orgId,
          awsAccountId: cur.awsAccountId,
          connection: connectionOf(cur),
          export: exportOf(cur),
          payerName: cur.type === 'linked' ? (payerAccount?.name ?? null) : undefined,
        },
        orgId,
        signal,
        options.routine === false
          ? undefined
          : {
              costExplorerPassedAt: lastCe
                ? ((lastCe.details?.lastCheckedAt as string | undefined) ?? cur.validation?.checkedAt ?? null)
                : null,
            },
      );
      let attached: string[] = [];
      await store.transaction(async (tx) => {
        await db.saveValidation(tx, orgId, id, result.report, clock.now());
        if (result.members) attached = await recordMembers(tx, orgId, id, result.members);
      });
      await announceAttached(orgId, id, attached);
      return { account: await decorate(await mustGet(store, orgId, id)), validation: result.report };
    },

    /** For sync, billing and inventory: how to reach the account, and the external ID to do it with. */
    async connectionFor(
      orgId: string,
      id: string,
    ): Promise<{ account: AccountRecord; connection: AwsConnection; externalId: string }> {
      const account = await mustGet(store, orgId, id);
      const { externalId } = await db.externalIdOf(store, orgId);
      return { account, connection: connectionOf(account), externalId };
    },

    async clientsFor(orgId: string, id: string): Promise<AwsClients> {
      const c = await this.connectionFor(orgId, id);
      return deps.aws.clientsFor(c.connection, c.externalId);
    },

    ...externalIds,
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
