/**
 * How an AWS account is connected, edited and checked: the AWS side of the accounts service (its port,
 * accounts/account-connector.ts). Payers list their members through AWS Organizations; a linked account finds its
 * payer; key-based connections keep their keys in the vault as `aws-access-key`.
 */
import {
  blockingFailure,
  type AccountConnector,
  type AfterSave,
} from '../../../accounts/account-connector.js';
import * as db from '../../../accounts/account-store.js';
import type { AccountRecord } from '../../../accounts/account-types.js';
import * as memberDb from '../../../accounts/member-store.js';
import type { Clock } from '../../../lib/clock.js';
import { ConflictError, InputError } from '../../../lib/errors.js';
import type { Log } from '../../../lib/log.js';
import type { Queryable } from '../../../store/store.js';
import { parseRoleArn, roleArnOf } from '../sdk/arns.js';
import type { AwsClientFactory, AwsConnection } from '../sdk/client-factory.js';
import { partitionOf } from '../sdk/regions.js';
import { createValidator, type ValidationResult, type ValidationTarget } from './account-validator.js';
import { accessKeyHint, parseCreateInput, type CreateAccountInput } from './aws-schemas.js';
import { exportOf, planUpdate } from './aws-update.js';
import { awsAccountOf, awsDocumentOf, type AwsConnectionDocument } from './connection-document.js';
import * as links from './payer-links.js';

export const AWS_SECRET_NAME = 'aws-access-key';

/** Credentials and identity decide whether a connection can be saved at all. */
const BLOCKING_STEPS = ['credentials', 'identity'] as const;

export interface AwsConnectorDeps {
  store: Queryable;
  aws: AwsClientFactory;
  clock: Clock;
  log: Log;
  /** Region for discovery checks of accounts without an export region. */
  region: string;
  /** Months of billing history a sync loads, for validation to warn about an export older than that. */
  retentionMonths?: number;
}

/** How the SDK reaches a stored account: its keys in the vault, or its role. */
export function connectionOf(a: AccountRecord): AwsConnection {
  const roleArn = a.secretId ? null : awsDocumentOf(a.connection).roleArn;
  return { id: a.id, orgId: a.orgId, secretId: a.secretId, roleArn };
}

/** Payers: what AWS Organizations listed is stored, and waiting linked accounts are attached, with the save. */
function membersAfterSave(result: ValidationResult): AfterSave | undefined {
  const members = result.members;
  if (!members) return undefined;
  return (tx, orgId, id, now) => links.recordMembers(tx, orgId, id, members, now);
}

export function createAwsConnector(deps: AwsConnectorDeps): AccountConnector {
  const { store, clock } = deps;
  const validator = createValidator({
    aws: deps.aws,
    clock,
    log: deps.log,
    region: deps.region,
    retentionMonths: deps.retentionMonths,
  });

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

  const payerNameOf = async (orgId: string, type: string, parentId: string | null | undefined) => {
    if (type !== 'linked') return undefined;
    const payer = parentId ? await db.getAccount(store, orgId, parentId) : null;
    return payer?.name ?? null;
  };

  return {
    async prepareCreate(orgId, raw, signal) {
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
      const result = await run(
        {
          type: input.type,
          orgId,
          awsAccountId,
          connection: { orgId, accessKeys: keys, roleArn: keys ? null : roleArn },
          export: exp,
          payerName: await payerNameOf(orgId, input.type, payer?.parentId),
        },
        orgId,
        signal,
      );
      const blocked = blockingFailure(result.report, BLOCKING_STEPS);
      if (blocked) throw blocked;
      if (!awsAccountId && result.identity) {
        awsAccountId = result.identity.accountId;
        await refuseDuplicate(orgId, awsAccountId);
        if (input.type === 'linked' && !payer?.parentId)
          payer = await resolvePayer(orgId, input.payerAccountId, awsAccountId);
      }
      const document: AwsConnectionDocument = {
        roleName: keys ? null : roleName,
        roleArn: keys ? null : roleArn,
        accessKeyId: keys ? accessKeyHint(keys.accessKeyId) : null,
        exportType: exp?.exportType ?? null,
        exportName: exp?.exportName ?? null,
        bucket: exp?.bucket ?? null,
        prefix: exp ? exp.prefix : null,
        exportRegion: exp?.region ?? null,
        edp: input.edp ?? false,
        memberImport: input.memberImport ?? 'connected-only',
        payerAccountId: payer?.payerAwsId ?? null,
      };
      return {
        type: input.type,
        name,
        nativeId: awsAccountId,
        document,
        secret: keys ? { name: AWS_SECRET_NAME, value: JSON.stringify(keys) } : null,
        parentId: payer?.parentId ?? null,
        report: result.report,
        afterSave: membersAfterSave(result),
      };
    },

    async prepareUpdate(stored, raw, signal) {
      const cur = awsAccountOf(stored);
      const orgId = cur.orgId;
      const plan = planUpdate(cur, raw, deps.region);
      const { input, newKeys, roleGiven, roleArn, roleName, storedKeys, connectionChanged } = plan;
      const awsAccountId = cur.awsAccountId;
      const payer =
        input.payerAccountId !== undefined
          ? await resolvePayer(orgId, input.payerAccountId, awsAccountId)
          : null;
      const exp = plan.exportTarget;
      let result: ValidationResult | null = null;
      const id = cur.id;
      if (connectionChanged) {
        const connection: AwsConnection = newKeys
          ? { id, orgId, accessKeys: newKeys }
          : storedKeys
            ? { id, orgId, secretId: cur.secretId }
            : { id, orgId, roleArn };
        result = await run(
          {
            type: cur.type as ValidationTarget['type'],
            orgId,
            awsAccountId,
            connection,
            export: exp,
            payerName: await payerNameOf(orgId, cur.type, payer?.parentId ?? cur.parentId),
          },
          orgId,
          signal,
        );
        const blocked = blockingFailure(result.report, BLOCKING_STEPS);
        if (blocked) throw blocked;
      }
      const dropKeys = roleGiven && Boolean(cur.secretId);
      const keepsKeys = newKeys !== null || (Boolean(cur.secretId) && !dropKeys);
      const document: Partial<AwsConnectionDocument> = {
        roleArn: keepsKeys ? null : roleArn,
        roleName: keepsKeys ? null : roleName,
        accessKeyId: newKeys ? accessKeyHint(newKeys.accessKeyId) : keepsKeys ? cur.accessKeyId : null,
        exportType: exp?.exportType ?? null,
        exportName: exp?.exportName ?? null,
        bucket: exp?.bucket ?? null,
        prefix: exp ? exp.prefix : null,
        exportRegion: exp?.region ?? null,
        edp: input.edp,
        memberImport: input.memberImport,
        ...(payer ? { payerAccountId: payer.payerAwsId } : {}),
      };
      return {
        name: input.name,
        enabled: input.enabled,
        document,
        secret: newKeys
          ? { name: AWS_SECRET_NAME, value: JSON.stringify(newKeys) }
          : dropKeys
            ? 'delete'
            : undefined,
        ...(payer ? { parentId: payer.parentId } : {}),
        report: result?.report ?? null,
        changed: Object.keys(input).filter((k) => k !== 'secretAccessKey' && k !== 'enabled'),
        afterSave: result ? membersAfterSave(result) : undefined,
        afterCommit: () => {
          if (cur.roleArn && (roleGiven || newKeys)) deps.aws.forget(cur.roleArn);
        },
      };
    },

    async validate(stored, options) {
      const cur = awsAccountOf(stored);
      const lastCe = cur.validation?.steps.find((s) => s.step === 'cost_explorer' && s.state === 'pass');
      const result = await run(
        {
          type: cur.type as ValidationTarget['type'],
          orgId: cur.orgId,
          awsAccountId: cur.awsAccountId,
          connection: connectionOf(cur),
          export: exportOf(cur),
          payerName: await payerNameOf(cur.orgId, cur.type, cur.parentId),
        },
        cur.orgId,
        options.signal,
        options.routine
          ? {
              costExplorerPassedAt: lastCe
                ? ((lastCe.details?.lastCheckedAt as string | undefined) ?? cur.validation?.checkedAt ?? null)
                : null,
            }
          : undefined,
      );
      return { report: result.report, afterSave: membersAfterSave(result) };
    },

    publicFields(a) {
      return { ...awsDocumentOf(a.connection) };
    },

    async decorate(stored) {
      const a = awsAccountOf(stored);
      const bill = await memberDb.payerBill(store, a.orgId, a.id);
      const members = await memberDb.listMembers(store, a.orgId, a.id, bill, a.memberImport === 'all');
      if (a.type !== 'root' && members.length === 0) return {};
      const connected = new Set(
        (await db.listAccounts(store, a.orgId)).flatMap((x) =>
          x.provider === 'aws' && x.awsAccountId ? [x.awsAccountId] : [],
        ),
      );
      const names = new Map(members.map((m) => [m.awsAccountId, m.name]));
      return { members, notImported: memberDb.notImportedSummary(bill, connected, names) };
    },

    async members(stored) {
      const a = awsAccountOf(stored);
      const bill = await memberDb.payerBill(store, a.orgId, a.id);
      return memberDb.listMembers(store, a.orgId, a.id, bill, a.memberImport === 'all');
    },

    removed(stored) {
      const roleArn = awsDocumentOf(stored.connection).roleArn;
      if (roleArn) deps.aws.forget(roleArn);
    },
  };
}
