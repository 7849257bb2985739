/**
 * The commitments step of a Cost Explorer connection's billing stage: reads reserved instances and savings plans
 * (utilization, coverage, terms) from Cost Explorer and keeps them through the commitments domain's sink. A first
 * sync reads the whole window (at most 13 months: what Cost Explorer keeps); later ones the previous and the
 * current month, which AWS may still restate.
 */
import type { CommitmentSink } from '../../../commitments/commitment-types.js';
import type { Diagnostic } from '../../../lib/errors.js';
import { addMonths, isoDate, monthStart } from '../../../lib/dates.js';
import { diagnose } from '../sdk/diagnostics.js';
import type { AwsStageContext } from '../sync/aws-stages.js';
import { readCommitmentsFromCostExplorer } from './cost-explorer-commitments.js';

const CE_MONTHS = 13;

/** The Cost Explorer calls the step needs (the describe calls are optional). */
export const COMMITMENT_ACTIONS = [
  'ce:GetReservationUtilization',
  'ce:GetReservationCoverage',
  'ce:GetSavingsPlansUtilization',
  'ce:GetSavingsPlansUtilizationDetails',
  'ce:GetSavingsPlansCoverage',
] as const;

export interface CommitmentStepResult {
  counts: Record<string, number>;
  diagnostics: Diagnostic[];
}

export type CommitmentStep = (ctx: AwsStageContext) => Promise<CommitmentStepResult>;

export function costExplorerCommitmentStep(sink: CommitmentSink, retentionMonths: number): CommitmentStep {
  return async (ctx): Promise<CommitmentStepResult> => {
    const { account, session } = ctx;
    const now = sink.now();
    const today = isoDate(now);
    const current = monthStart(today);
    const window = Math.max(1, Math.min(CE_MONTHS, retentionMonths));
    const first = !(await sink.hasMonths(account.orgId, account.id));
    const from = addMonths(current, first ? -(window - 1) : -1);
    // Cost Explorer's data runs up to yesterday; on a month's first day the current month has none yet.
    const to = today > from ? today : addMonths(current, 1);
    let read: Awaited<ReturnType<typeof readCommitmentsFromCostExplorer>>;
    try {
      read = await readCommitmentsFromCostExplorer({
        ce: session.clients.ce(),
        savingsplans: session.clients.savingsplans(),
        ec2: (region) => session.clients.ec2(region),
        awsAccountId: account.awsAccountId,
        from,
        to,
        signal: ctx.signal,
      });
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      // The costs loaded; only the commitments are missing (e.g. a role made before these calls were asked for).
      const d = diagnose(err, { step: 'billing', service: 'ce' });
      return {
        counts: {},
        diagnostics: [
          {
            ...d,
            code: 'commitments_not_read',
            message: `The costs loaded, but reserved instances and savings plans could not be read from Cost Explorer: ${d.message}`,
            remediation: `Allow ${COMMITMENT_ACTIONS.join(', ')} in the account's policy (GET /api/v1/setup/aws shows it), then sync again.`,
          },
        ],
      };
    }
    const withAccount = <T extends { cloudAccountId: string }>(rows: T[]): T[] =>
      rows.map((r) => ({ ...r, cloudAccountId: account.id }));
    await sink.save({
      orgId: account.orgId,
      cloudAccountId: account.id,
      from,
      to: current,
      months: withAccount(read.months),
      coverage: withAccount(read.coverage),
    });
    return {
      counts: {
        commitments: new Set(read.months.map((m) => m.commitmentId)).size,
        commitmentRequests: read.requests,
      },
      diagnostics: read.diagnostics,
    };
  };
}
