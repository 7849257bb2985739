import type { ResourceDetail } from '../../types';

/** Why a resource's billed cost is zero, in words (the reasons of GET /api/v1/resources/detail). */
export function zeroReasonText(d: ResourceDetail): { title: string; body: string } | null {
  const r = d.resource;
  const b = d.bill;
  switch (d.zeroReason) {
    case null:
      return null;
    case 'no_bill':
      return {
        title: 'No bill loaded for this account yet',
        body: `No billing data of account ${r.awsAccountId} has been loaded, so no cost can be shown. It appears after the first successful sync of a connection that delivers this account's bill.`,
      };
    case 'not_in_bill_yet':
      return {
        title: 'Not in the bill yet',
        body: `The resource was first seen on ${r.firstSeenAt.slice(0, 10)}; the bill's newest day is ${b?.newestDay ?? '—'}. AWS bills usage a day or two late, so its cost appears with the next billing loads.`,
      };
    case 'covered_by_commitment':
      return {
        title: 'Covered by a commitment',
        body: `A reservation or savings plan paid for its usage, so its own lines bill nothing. Its share of the commitment (amortized cost) is shown beside the billed cost.`,
      };
    case 'free_tier':
      return {
        title: 'Free tier',
        body: 'Its usage falls within the AWS free tier: the bill lists it at no charge.',
      };
    case 'zero_priced':
      return {
        title: 'Billed at no charge',
        body: 'The bill lists its usage at a price of zero (a free allowance or a credit applied to the line).',
      };
    case 'not_billed':
      return {
        title: 'No line in the bill names it',
        body: 'In the bill’s last 30 days no line names this resource: it was not charged (for example a stopped instance, or an address attached to a running instance), or its cost is billed under another resource.',
      };
  }
}

/** AWS line item types in words. */
export const LINE_TYPE_LABELS: Record<string, string> = {
  Usage: 'On-demand usage',
  DiscountedUsage: 'Usage covered by a reservation',
  SavingsPlanCoveredUsage: 'Usage covered by a savings plan',
  SavingsPlanNegation: 'Savings plan offset',
  Tax: 'Tax',
  Credit: 'Credit',
  Refund: 'Refund',
  Fee: 'Fee',
  RIFee: 'Reservation fee',
};
