import type { AwsClientFactory } from '../sdk/client-factory.js';
import { audit } from '../../../auth/audit-log.js';
import { newExternalId } from '../../../auth/auth-service.js';
import { ConnectionError } from '../../../lib/errors.js';
import type { Clock } from '../../../lib/clock.js';
import type { Store } from '../../../store/store.js';
import * as db from '../../../accounts/account-store.js';
import type { Actor } from '../../../accounts/account-types.js';
import { awsAccountOf } from './connection-document.js';
import { setupInfo, type PolicyOptions, type SetupInfo } from './setup-policies.js';

/** The organization's external ID (show, rotate) and the setup help built around it. */
export function createExternalIdFunctions(deps: { store: Store; aws: AwsClientFactory; clock: Clock }) {
  const { store, aws, clock } = deps;
  return {
    async externalId(orgId: string): Promise<{ externalId: string; rotatedAt: string | null }> {
      const e = await db.externalIdOf(store, orgId);
      return { externalId: e.externalId, rotatedAt: e.rotatedAt };
    },

    /** A new external ID; every role trusting the old one must be updated, which the answer lists. */
    async rotateExternalId(actor: Actor): Promise<{
      externalId: string;
      rotatedAt: string;
      warning: string;
      affected: { id: string; name: string; roleArn: string }[];
    }> {
      const next = newExternalId();
      const now = clock.now();
      const affected = (await db.listAccounts(store, actor.orgId))
        .filter((a) => a.provider === 'aws')
        .map(awsAccountOf)
        .filter((a) => a.roleArn && !a.secretId)
        .map((a) => ({ id: a.id, name: a.name, roleArn: a.roleArn as string }));
      await store.transaction(async (tx) => {
        await db.rotateExternalId(tx, actor.orgId, next, now);
        await audit(tx, {
          orgId: actor.orgId,
          actorUserId: actor.userId,
          actor: actor.actor,
          action: 'organization.external_id.rotate',
          objectType: 'organization',
          objectId: actor.orgId,
          requestId: actor.requestId,
          details: { affectedAccounts: affected.map((a) => a.id) },
        });
      });
      for (const a of affected) aws.forget(a.roleArn);
      return {
        externalId: next,
        rotatedAt: now.toISOString(),
        affected,
        warning:
          affected.length > 0
            ? `The trust policy of every role Cloudtally assumes must now require the new external ID; until it is updated, ${affected.length} account${affected.length === 1 ? '' : 's'} (${affected.map((a) => a.name).join(', ')}) cannot sync.`
            : 'Roles created from now on must require the new external ID.',
      };
    },

    async setup(
      orgId: string,
      options: PolicyOptions & { roleName?: string | null } = {},
    ): Promise<SetupInfo> {
      const ext = await db.externalIdOf(store, orgId);
      let principal: SetupInfo['principal'];
      try {
        const p = await aws.hostPrincipal();
        principal = { arn: p.arn, accountId: p.accountId, source: p.source };
      } catch (err) {
        principal = {
          arn: null,
          accountId: null,
          source: null,
          note:
            err instanceof ConnectionError
              ? `${err.diagnostic.message} ${err.diagnostic.remediation}`
              : 'Set CLOUDTALLY_AWS_PRINCIPAL_ARN to the ARN Cloudtally runs as.',
        };
      }
      return setupInfo({
        principal,
        externalId: ext.externalId,
        externalIdRotatedAt: ext.rotatedAt,
        options,
      });
    },
  };
}
