import { z } from 'zod';
import { defineTool, money, READ_ONLY, table } from '../tool-kit.js';
import { ok } from '../api-caller.js';

export const listCommitmentsTool = defineTool({
  name: 'list_commitments',
  title: 'List commitments',
  description:
    'The reserved instances and savings plans the bills show: type, account, term, payment option, end date and days left, and for one month (the newest with billing data by default) the committed cost, utilization, unused cost (the waste) and net savings against on-demand prices. Use get_commitment_utilization for months side by side and get_commitment_coverage for what runs uncovered.',
  annotations: READ_ONLY,
  args: {
    period: z
      .string()
      .optional()
      .describe('The month of the figures, YYYY-MM (default: the newest with data)'),
    expiringWithinDays: z
      .number()
      .int()
      .min(1)
      .max(1095)
      .optional()
      .describe('Only commitments that end within this many days'),
  },
  async execute(args, api) {
    const { period, items } = await ok(
      api.GET('/api/v1/commitments', { params: { query: { period: args.period } } }),
    );
    const shown =
      args.expiringWithinDays === undefined
        ? items
        : items.filter(
            (c) => c.daysLeft !== null && c.daysLeft >= 0 && c.daysLeft <= args.expiringWithinDays!,
          );
    if (items.length === 0)
      return 'No reserved instances or savings plans in the bills. Commitments appear once an account with a CUR export (or a Cost Explorer account) has synced; buying one is suggested by the savings_plan_commitment recommendation.';
    if (shown.length === 0)
      return `None of the ${items.length} commitments ends within ${args.expiringWithinDays} days.`;
    const waste = shown.reduce((a, c) => a + (c.month?.unused ?? 0), 0);
    const currency = shown[0].currency;
    return [
      `${shown.length} commitment${shown.length === 1 ? '' : 's'}; figures of ${period}; unused commitment ${money(waste, currency)}.`,
      '',
      table(
        [
          'type',
          'account',
          'term',
          'ends',
          'days left',
          'committed',
          'utilization',
          'unused',
          'net savings',
          'id',
        ],
        shown.map((c) => [
          c.kind === 'reservation'
            ? `${c.type} RI ${c.count ?? '?'}× ${c.instanceType ?? ''} ${c.region ?? ''}`.trim()
            : `${c.type} ${c.hourlyCommitment === null ? '' : `${money(c.hourlyCommitment, c.currency)}/h`}`.trim(),
          c.awsAccountId ?? '-',
          `${c.termYears ?? '?'}y ${c.paymentOption ?? ''}`.trim(),
          c.end?.slice(0, 10) ?? '-',
          c.daysLeft === null ? '-' : String(c.daysLeft),
          c.month ? money(c.month.committed, c.currency) : '-',
          c.month ? `${c.month.utilization}%` : '-',
          c.month ? money(c.month.unused, c.currency) : '-',
          c.month ? money(c.month.netSavings, c.currency) : '-',
          c.id,
        ]),
        100,
        'filter with expiringWithinDays',
      ),
    ].join('\n');
  },
});
