/**
 * Commitments of a Cost Explorer connection: utilization per commitment and month and EC2 coverage from the Cost
 * Explorer API (ce-utilization.ts, ce-coverage.ts), with each commitment's terms completed where the account's
 * permissions allow — savings plans from the Savings Plans API (`DescribeSavingsPlans`), reserved instances from
 * EC2 (`DescribeReservedInstances` in their regions). Both describe only the connection's own purchases; a refused
 * call is a diagnostic, and the terms Cost Explorer states stay.
 */
import { DescribeReservedInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { DescribeSavingsPlansCommand, type SavingsplansClient } from '@aws-sdk/client-savingsplans';
import type { CoverageSums, StoredMonth } from '../../../commitments/commitment-types.js';
import type { Diagnostic } from '../../../lib/errors.js';
import { diagnose } from '../sdk/diagnostics.js';
import { withAwsRetry } from '../sdk/retry.js';
import { coverageFromCostExplorer } from './ce-coverage.js';
import {
  amount,
  isoOrNull,
  paymentOf,
  reservationMonths,
  savingsPlanMonths,
  type CeRange,
  type CeSender,
} from './ce-utilization.js';

export interface CostExplorerCommitmentInput {
  ce: CeSender;
  /** The Savings Plans API; without it the plans' terms are Cost Explorer's. */
  savingsplans?: Pick<SavingsplansClient, 'send'>;
  /** EC2 per region; without it the reservations' terms are Cost Explorer's. */
  ec2?: (region: string) => Pick<EC2Client, 'send'>;
  /** The connection's own AWS account (whose purchases the describe calls list). */
  awsAccountId: string | null;
  /** `[from, to)`, `YYYY-MM-DD`; from is a month's first day. */
  from: string;
  to: string;
  signal?: AbortSignal;
}

export interface CostExplorerCommitments {
  months: StoredMonth[];
  coverage: CoverageSums[];
  /** Cost Explorer requests made ($0.01 each). */
  requests: number;
  /** Describe calls that were refused or failed (the terms from Cost Explorer were kept). */
  diagnostics: Diagnostic[];
}

type Terms = StoredMonth['terms'];
const SECONDS_PER_YEAR = 365 * 86_400;

async function savingsPlanTerms(
  client: Pick<SavingsplansClient, 'send'>,
  arns: string[],
  signal?: AbortSignal,
): Promise<Map<string, Partial<Terms>>> {
  const out = new Map<string, Partial<Terms>>();
  let token: string | undefined;
  do {
    const page = await withAwsRetry(
      () =>
        client.send(new DescribeSavingsPlansCommand({ savingsPlanArns: arns, nextToken: token }), {
          abortSignal: signal,
        }),
      { signal },
    );
    for (const p of page.savingsPlans ?? []) {
      if (!p.savingsPlanArn) continue;
      const hourly = p.commitment !== undefined ? amount(p.commitment) : undefined;
      out.set(p.savingsPlanArn, {
        ...(p.savingsPlanType ? { type: `${p.savingsPlanType}SavingsPlans` } : {}),
        ...(p.paymentOption ? { paymentOption: paymentOf(p.paymentOption) } : {}),
        ...(p.termDurationInSeconds
          ? { termYears: Math.round(p.termDurationInSeconds / SECONDS_PER_YEAR) }
          : {}),
        ...(p.start ? { start: isoOrNull(p.start) } : {}),
        ...(p.end ? { end: isoOrNull(p.end) } : {}),
        ...(p.region ? { region: p.region } : {}),
        ...(p.ec2InstanceFamily ? { instanceType: p.ec2InstanceFamily } : {}),
        ...(hourly !== undefined ? { hourlyCommitment: hourly } : {}),
        ...(p.upfrontPaymentAmount !== undefined ? { upfrontFee: amount(p.upfrontPaymentAmount) } : {}),
        ...(p.recurringPaymentAmount !== undefined
          ? { recurringHourlyFee: amount(p.recurringPaymentAmount) }
          : {}),
      });
    }
    token = page.nextToken;
  } while (token);
  return out;
}

async function reservationTerms(
  ec2: Pick<EC2Client, 'send'>,
  ids: string[],
  signal?: AbortSignal,
): Promise<Map<string, Partial<Terms>>> {
  const page = await withAwsRetry(
    () =>
      ec2.send(new DescribeReservedInstancesCommand({ ReservedInstancesIds: ids }), { abortSignal: signal }),
    { signal },
  );
  const out = new Map<string, Partial<Terms>>();
  for (const ri of page.ReservedInstances ?? []) {
    if (!ri.ReservedInstancesId) continue;
    const hourly = (ri.RecurringCharges ?? [])
      .filter((c) => c.Frequency === 'Hourly')
      .reduce((s, c) => s + (c.Amount ?? 0), ri.UsagePrice ?? 0);
    out.set(ri.ReservedInstancesId, {
      ...(ri.InstanceCount !== undefined ? { count: ri.InstanceCount } : {}),
      ...(ri.Start ? { start: ri.Start.toISOString() } : {}),
      ...(ri.End ? { end: ri.End.toISOString() } : {}),
      ...(ri.Duration ? { termYears: Math.round(ri.Duration / SECONDS_PER_YEAR) } : {}),
      ...(ri.OfferingType ? { paymentOption: paymentOf(ri.OfferingType) } : {}),
      ...(ri.FixedPrice !== undefined ? { upfrontFee: ri.FixedPrice } : {}),
      recurringHourlyFee: hourly,
    });
  }
  return out;
}

/** Runs one describe step; a failure becomes a diagnostic (the step's terms stay Cost Explorer's). */
async function describeStep(
  diagnostics: Diagnostic[],
  what: { operation: string; service: string },
  run: () => Promise<void>,
): Promise<void> {
  try {
    await run();
  } catch (err) {
    const d = diagnose(err, { ...what, step: 'billing' });
    diagnostics.push({
      ...d,
      message: `Commitment terms were taken from Cost Explorer: ${what.service}:${what.operation} failed (${d.message})`,
    });
  }
}

/** Reads the connection's commitments over `[from, to)` from Cost Explorer, completing terms where allowed. */
export async function readCommitmentsFromCostExplorer(
  input: CostExplorerCommitmentInput,
): Promise<CostExplorerCommitments> {
  let requests = 0;
  const range: CeRange = {
    ce: input.ce,
    from: input.from,
    to: input.to,
    signal: input.signal,
    counted: () => {
      requests++;
    },
  };
  const plans = await savingsPlanMonths(range);
  const reservations = await reservationMonths(range);
  const coverage = await coverageFromCostExplorer(range, reservations);
  const diagnostics: Diagnostic[] = [];
  const own = (m: StoredMonth) => input.awsAccountId !== null && m.terms.awsAccountId === input.awsAccountId;

  const planArns = [...new Set(plans.filter(own).map((m) => m.commitmentId))];
  if (input.savingsplans && planArns.length > 0) {
    const client = input.savingsplans;
    await describeStep(
      diagnostics,
      { operation: 'DescribeSavingsPlans', service: 'savingsplans' },
      async () => {
        const terms = await savingsPlanTerms(client, planArns, input.signal);
        for (const m of plans) Object.assign(m.terms, terms.get(m.commitmentId) ?? {});
      },
    );
  }
  const ec2 = input.ec2;
  if (ec2) {
    const byRegion = new Map<string, Set<string>>();
    for (const m of reservations.filter((x) => own(x) && x.terms.type === 'EC2' && x.terms.region)) {
      const ids = byRegion.get(m.terms.region!) ?? new Set<string>();
      ids.add(m.commitmentId.slice(m.commitmentId.lastIndexOf('/') + 1));
      byRegion.set(m.terms.region!, ids);
    }
    for (const [region, ids] of byRegion) {
      await describeStep(
        diagnostics,
        { operation: 'DescribeReservedInstances', service: 'ec2' },
        async () => {
          const terms = await reservationTerms(ec2(region), [...ids], input.signal);
          for (const m of reservations) {
            const id = m.commitmentId.slice(m.commitmentId.lastIndexOf('/') + 1);
            if (m.terms.region === region) Object.assign(m.terms, terms.get(id) ?? {});
          }
        },
      );
    }
  }
  return { months: [...plans, ...reservations], coverage, requests, diagnostics };
}
