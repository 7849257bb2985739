import {
  GetReservationUtilizationCommand,
  GetSavingsPlansUtilizationCommand,
  type CostExplorerClient,
} from '@aws-sdk/client-cost-explorer';
import { withAwsRetry } from '../sdk/retry.js';
import type { CommitmentUse } from '../../../recommendations/rule-kit.js';

const num = (v: string | undefined): number => (v === undefined || v === '' ? NaN : Number(v));

/**
 * Commitment use from Cost Explorer, for connections whose billing comes from it (no CUR lines to read): the
 * organization's savings plans and reservations as two aggregates over `[from, to)`. Two requests ($0.02).
 * Reservations without amortized fees in the answer cannot be priced and are left out.
 */
export async function commitmentsFromCostExplorer(
  ce: Pick<CostExplorerClient, 'send'>,
  input: { awsAccountId: string; from: string; to: string; signal?: AbortSignal },
): Promise<CommitmentUse[]> {
  const period = { Start: input.from, End: input.to };
  const out: CommitmentUse[] = [];
  const sp = await withAwsRetry(
    () =>
      ce.send(new GetSavingsPlansUtilizationCommand({ TimePeriod: period }), { abortSignal: input.signal }),
    { signal: input.signal },
  );
  const u = sp.Total?.Utilization;
  const total = num(u?.TotalCommitment);
  const unused = num(u?.UnusedCommitment);
  if (total > 0 && Number.isFinite(unused)) {
    out.push({
      id: `savings-plans:${input.awsAccountId}`,
      kind: 'savings_plan',
      region: null,
      used: num(u?.UsedCommitment) || total - unused,
      unused,
      fees: total,
    });
  }
  const ri = await withAwsRetry(
    () =>
      ce.send(new GetReservationUtilizationCommand({ TimePeriod: period }), { abortSignal: input.signal }),
    { signal: input.signal },
  );
  const t = ri.Total;
  const purchased = num(t?.PurchasedHours);
  const unusedHours = num(t?.UnusedHours);
  const fee = num(t?.TotalAmortizedFee);
  if (purchased > 0 && Number.isFinite(unusedHours) && fee > 0) {
    const unusedCost = (fee * unusedHours) / purchased;
    out.push({
      id: `reservations:${input.awsAccountId}`,
      kind: 'reservation',
      region: null,
      used: fee - unusedCost,
      unused: unusedCost,
      fees: fee,
    });
  }
  return out;
}
