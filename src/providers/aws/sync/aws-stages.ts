import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsClientFactory, AwsClients, AwsConnection } from '../sdk/client-factory.js';
import { AWS_FAILURES } from '../sdk/aws-failures.js';
import { diagnose } from '../sdk/diagnostics.js';
import { ConnectionError, type Diagnostic } from '../../../lib/errors.js';
import type { StageContext, StageOutcome, SyncAccount, SyncStages } from '../../../sync/sync-types.js';

/** What every AWS stage gets from validate: the account's clients and how to reach it. */
export interface AwsSession {
  clients: AwsClients;
  connection: AwsConnection;
  externalId: string | null;
}

export type AwsStageContext = StageContext<AwsSession>;
export type AwsStage = (ctx: AwsStageContext) => Promise<StageOutcome>;

/**
 * The services a run calls, as the composition root wires them. A stage left out is recorded as skipped with a
 * note, so that a build without one of them still syncs the rest.
 */
export interface AwsStagePorts {
  aws: AwsClientFactory;
  /** How to reach a stored account, and the organization's external ID for its role (the accounts service). */
  connectionFor: (account: SyncAccount) => Promise<{ connection: AwsConnection; externalId: string | null }>;
  /** Step-by-step access check of a stored account (the accounts validator); default: the credentials work. */
  validate?: (ctx: StageContext<undefined>, session: AwsSession) => Promise<StageOutcome>;
  billing?: AwsStage;
  inventory?: AwsStage;
  metrics?: AwsStage;
  recommendations?: AwsStage;
}

/** The minimal access check: the credentials work and reach the account the connection names. */
async function checkIdentity(ctx: StageContext<undefined>, session: AwsSession): Promise<StageOutcome> {
  await session.clients.credentials();
  let identity: { Account?: string };
  try {
    identity = await session.clients
      .sts()
      .send(new GetCallerIdentityCommand({}), { abortSignal: ctx.signal });
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    throw new ConnectionError(
      diagnose(err, { operation: 'GetCallerIdentity', service: 'sts', step: 'validate' }),
    );
  }
  const expected = ctx.account.awsAccountId;
  if (expected && identity.Account && identity.Account !== expected) {
    const d: Diagnostic = {
      code: 'account_id_mismatch',
      message: `The credentials reach AWS account ${identity.Account}, not ${expected}.`,
      remediation:
        'Edit the account: give the role or keys of the account it names, or correct its AWS account ID.',
      step: 'validate',
    };
    throw new ConnectionError(d);
  }
  return { counts: {} };
}

const notWired =
  (stage: string): AwsStage =>
  async () => ({ state: 'skipped', note: `No ${stage} service is wired into this build.` });

/** The stages of a run over AWS: validate opens the clients every later stage uses. */
export function createAwsStages(ports: AwsStagePorts): SyncStages<AwsSession> {
  return {
    async validate(ctx) {
      const { connection, externalId } = await ports.connectionFor(ctx.account);
      const session: AwsSession = {
        clients: ports.aws.clientsFor(connection, externalId),
        connection,
        externalId,
      };
      const outcome = await (ports.validate ?? checkIdentity)(ctx, session);
      return { ...outcome, session };
    },
    billing: ports.billing ?? notWired('billing'),
    failures: () => AWS_FAILURES,
    inventory: ports.inventory ?? notWired('inventory'),
    metrics: ports.metrics ?? notWired('metrics'),
    recommendations: ports.recommendations ?? notWired('recommendations'),
  };
}
