import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsClientFactory, AwsClients, AwsConnection } from '../sdk/client-factory.js';
import { assumeRole, sessionNameFor, type AwsCredentials } from '../sdk/credentials.js';
import { diagnose, type DiagnoseContext } from '../sdk/diagnostics.js';
import { DEFAULT_RETENTION_MONTHS, oldestRetainedPeriod } from '../../../billing/billing-service.js';
import type { Clock } from '../../../lib/clock.js';
import type { Diagnostic } from '../../../lib/errors.js';
import type { Log } from '../../../lib/log.js';
import type { AccountType } from './aws-schemas.js';
import type { DiscoveredInput } from '../../../accounts/member-store.js';
import type { ValidationReport, ValidationStep } from '../../../accounts/account-types.js';
import { checkCostExplorer, checkDiscovery, checkOrganizations } from './access-checks.js';
import { checkBucket, checkExport } from './export-checks.js';
import { fail, isDenied, pass, skip, DAY_MS, type ExportTarget } from './validation-steps.js';

/** What is validated: a connection as entered (not yet stored) or as stored. */
export interface ValidationTarget {
  type: AccountType;
  orgId: string;
  /** Null for a linked account given by keys alone: the identity step finds it. */
  awsAccountId: string | null;
  /** Keys (inline or in the vault) or a role; neither for a linked account connected for billing only. */
  connection: AwsConnection;
  export: ExportTarget | null;
  /** The payer this linked account bills through, for the message when it has no export of its own. */
  payerName?: string | null;
}

export interface ValidationContext {
  externalId: string;
  previousExternalId: string | null;
  principalArn: string | null;
  signal?: AbortSignal;
  /**
   * A routine re-check (the sync's validate stage) rather than one a person asked for: it skips the probe without
   * an external ID (a denied AssumeRole in the customer's CloudTrail every few hours alarms security teams) and
   * reuses a Cost Explorer pass younger than a day (each request costs $0.01).
   */
  routine?: boolean;
  /** When the Cost Explorer step last passed, for routine re-checks. */
  costExplorerPassedAt?: string | null;
}

export interface ValidationResult {
  report: ValidationReport;
  /** The account the credentials reached (from sts:GetCallerIdentity). */
  identity: { accountId: string; arn: string } | null;
  /** Payers: the member accounts AWS Organizations listed (null when not listed). */
  members: DiscoveredInput[] | null;
}

export interface ValidatorDeps {
  aws: AwsClientFactory;
  clock: Clock;
  log: Log;
  /** Region for discovery checks when the account names no export region. */
  region: string;
  /** Months of billing history a sync loads (CLOUDTALLY_RETENTION_MONTHS); default 13. */
  retentionMonths?: number;
}

/**
 * Runs the seven checks in order. Each reports pass / fail / skipped with a stable code; a step that cannot run
 * because an earlier one failed is skipped and says why. Only AWS read calls are made (and one Cost Explorer
 * request for Cost Explorer sources, which AWS bills at $0.01).
 */ export function createValidator(deps: ValidatorDeps) {
  return async function validate(t: ValidationTarget, v: ValidationContext): Promise<ValidationResult> {
    const steps: ValidationStep[] = [];
    const signal = v.signal;
    const months = deps.retentionMonths ?? DEFAULT_RETENTION_MONTHS;
    const dctx = (c: DiagnoseContext): DiagnoseContext => ({
      principalArn: v.principalArn ?? undefined,
      ...c,
    });
    let identity: ValidationResult['identity'] = null;
    let members: DiscoveredInput[] | null = null;

    // 1. credentials
    let creds: AwsCredentials | null = null;
    const hasRole = !t.connection.accessKeys && !t.connection.secretId && Boolean(t.connection.roleArn);
    const hasKeys = Boolean(t.connection.accessKeys || t.connection.secretId);
    if (!hasRole && !hasKeys) {
      steps.push(
        skip(
          'credentials',
          'no_credentials',
          'No credentials given: the account is connected for billing through its payer only; its resources are not discovered.',
        ),
      );
    } else if (hasRole) {
      const r = await checkRole(t, v, dctx);
      steps.push(r.step);
      creds = r.creds;
    } else {
      try {
        creds = await deps.aws.clientsFor(t.connection, null).credentials();
        const out = await deps.aws
          .clientsFor({ orgId: t.orgId, accessKeys: creds }, null)
          .sts()
          .send(new GetCallerIdentityCommand({}), { abortSignal: signal });
        identity = { accountId: out.Account ?? '', arn: out.Arn ?? '' };
        const warnings: Diagnostic[] = /:root$/.test(identity.arn)
          ? [
              {
                code: 'root_user_keys',
                message: "These are the account root user's keys, which can do anything in the account.",
                remediation:
                  'Create an IAM user with only the permission policy from setup, and use its access key instead.',
                step: 'credentials',
              },
            ]
          : [];
        steps.push(
          pass(
            'credentials',
            'keys_valid',
            `The access key is valid (${identity.arn}).`,
            warnings.length ? { diagnostics: warnings, remediation: warnings[0].remediation } : {},
          ),
        );
      } catch (err) {
        creds = null;
        steps.push(
          fail('credentials', {
            diagnostics: [diagnose(err, dctx({ operation: 'GetCallerIdentity', service: 'sts' }))],
          }),
        );
      }
    }
    const clients: AwsClients | null = creds
      ? deps.aws.clientsFor({ orgId: t.orgId, accessKeys: creds }, null)
      : null;

    // 2. identity
    const idStep = await (async (): Promise<ValidationStep> => {
      if (!clients)
        return skip(
          'identity',
          steps[0].state === 'fail' ? 'needs_credentials' : 'no_credentials',
          steps[0].state === 'fail'
            ? 'Skipped: the credentials did not work.'
            : 'Skipped: no credentials to check.',
        );
      try {
        if (!identity) {
          const out = await clients.sts().send(new GetCallerIdentityCommand({}), { abortSignal: signal });
          identity = { accountId: out.Account ?? '', arn: out.Arn ?? '' };
        }
      } catch (err) {
        return fail('identity', {
          diagnostics: [diagnose(err, dctx({ operation: 'GetCallerIdentity', service: 'sts' }))],
        });
      }
      if (t.awsAccountId && identity.accountId !== t.awsAccountId) {
        return fail('identity', {
          diagnostics: [
            {
              code: 'account_id_mismatch',
              message: `The credentials reach AWS account ${identity.accountId}, not ${t.awsAccountId} as entered.`,
              remediation: `Correct the AWS account ID to ${identity.accountId}, or use keys / a role of account ${t.awsAccountId}.`,
            },
          ],
          details: { reached: identity.accountId, entered: t.awsAccountId },
        });
      }
      return pass('identity', 'account_matches', `Connected to AWS account ${identity.accountId}.`, {
        details: { awsAccountId: identity.accountId, arn: identity.arn },
      });
    })();
    steps.push(idStep);
    const reachable = clients !== null && idStep.state === 'pass';
    const blockedBy =
      steps[0].state === 'fail'
        ? 'the credentials did not work'
        : idStep.state === 'fail'
          ? 'the account ID does not match'
          : 'there are no credentials';

    // 3. bucket, 4. export
    if (!t.export) {
      const why =
        t.type === 'cost_explorer'
          ? 'Billing comes from the Cost Explorer API; no export is needed.'
          : `Billing comes through the payer's export${t.payerName ? ` (${t.payerName})` : ''}${t.payerName === null ? ' once the payer account that lists it is connected' : ''}.`;
      steps.push(skip('bucket', 'no_export', why), skip('export', 'no_export', why));
    } else if (!reachable || !clients) {
      steps.push(
        skip('bucket', 'blocked', `Skipped: ${blockedBy}.`),
        skip('export', 'blocked', `Skipped: ${blockedBy}.`),
      );
    } else {
      const bucketStep = await checkBucket(clients, t.export, dctx, signal);
      steps.push(bucketStep);
      steps.push(
        bucketStep.state === 'pass'
          ? await checkExport(clients, t.export, dctx, deps.clock.now(), signal, {
              period: oldestRetainedPeriod(deps.clock.now(), months),
              months,
            })
          : skip('export', 'blocked', 'Skipped: the bucket cannot be read.'),
      );
    }

    // 5. discovery
    if (!reachable || !clients) steps.push(skip('discovery', 'blocked', `Skipped: ${blockedBy}.`));
    else steps.push(await checkDiscovery(clients, t.export?.region ?? deps.region, dctx, signal));

    // 6. organizations
    if (t.type === 'linked')
      steps.push(skip('organizations', 'not_payer', 'Linked accounts are listed by their payer.'));
    else if (!reachable || !clients || !identity)
      steps.push(skip('organizations', 'blocked', `Skipped: ${blockedBy}.`));
    else {
      const org = await checkOrganizations(clients, identity.accountId, t.type === 'root', dctx, signal);
      steps.push(org.step);
      members = org.members;
    }

    // 7. Cost Explorer
    if (t.type !== 'cost_explorer')
      steps.push(
        skip('cost_explorer', 'not_cost_explorer', 'Only Cost Explorer sources read the Cost Explorer API.'),
      );
    else if (!reachable || !clients) steps.push(skip('cost_explorer', 'blocked', `Skipped: ${blockedBy}.`));
    else if (
      v.routine &&
      v.costExplorerPassedAt &&
      deps.clock.now().getTime() - Date.parse(v.costExplorerPassedAt) < DAY_MS
    )
      steps.push(
        pass(
          'cost_explorer',
          'ce_allowed',
          `The Cost Explorer API answered at ${v.costExplorerPassedAt}; not asked again within a day (each request costs $0.01).`,
          { details: { lastCheckedAt: v.costExplorerPassedAt } },
        ),
      );
    else steps.push(await checkCostExplorer(clients, deps.clock.now(), dctx, signal));

    return {
      report: {
        ok: steps.every((s) => s.state !== 'fail'),
        checkedAt: deps.clock.now().toISOString(),
        steps,
      },
      identity,
      members,
    };

    async function checkRole(
      target: ValidationTarget,
      ctx: ValidationContext,
      d: (c: DiagnoseContext) => DiagnoseContext,
    ): Promise<{ step: ValidationStep; creds: AwsCredentials | null }> {
      const roleArn = target.connection.roleArn ?? '';
      const sts = deps.aws.hostSts();
      const sessionName = sessionNameFor(target.connection.id ?? 'validate');
      const rd = d({ operation: 'AssumeRole', service: 'sts', roleArn });
      try {
        const session = await assumeRole(
          sts,
          { roleArn, externalId: ctx.externalId, sessionName },
          ctx.signal,
        );
        // A role that can be assumed without the external ID is open to the confused-deputy problem.
        const open =
          !ctx.routine &&
          (await assumeRole(sts, { roleArn, sessionName }, ctx.signal).then(
            () => true,
            () => false,
          ));
        if (open) {
          return {
            creds: null,
            step: fail('credentials', {
              diagnostics: [
                {
                  code: 'external_id_not_required',
                  message: `${roleArn} can be assumed without an external ID: its trust policy is missing the sts:ExternalId condition.`,
                  remediation:
                    'Add the condition "StringEquals": {"sts:ExternalId": "<this organization\'s external ID>"} to the role\'s trust policy (the trust policy from setup has it), so that no other Cloudtally customer can use the role.',
                },
              ],
            }),
          };
        }
        return {
          creds: session,
          step: pass(
            'credentials',
            'role_assumed',
            `Cloudtally assumed ${roleArn} with the organization's external ID.`,
          ),
        };
      } catch (err) {
        if (isDenied(err) && ctx.previousExternalId && ctx.previousExternalId !== ctx.externalId) {
          const stale = await assumeRole(
            sts,
            { roleArn, externalId: ctx.previousExternalId, sessionName },
            ctx.signal,
          ).then(
            () => true,
            () => false,
          );
          if (stale) {
            return {
              creds: null,
              step: fail('credentials', {
                diagnostics: [
                  {
                    code: 'external_id_mismatch',
                    message: `The trust policy of ${roleArn} still requires the organization's previous external ID; it was rotated.`,
                    remediation: `Update the sts:ExternalId condition in the trust policy of ${roleArn} to the current external ID (shown by GET /api/v1/setup/aws or \`cloudtally accounts setup aws\`).`,
                  },
                ],
              }),
            };
          }
        }
        return { creds: null, step: fail('credentials', { diagnostics: [diagnose(err, rd)] }) };
      }
    }
  };
}
