import { SimError } from '../server/errors.js';
import { decodeToken, encodeToken, jsonResponse, type SimResponse } from '../server/protocol.js';
import type { HandlerContext, ServiceModule } from '../server/types.js';
import type { SavingsPlan } from '../world/world.js';

// The Savings Plans API (restJson1, `POST /DescribeSavingsPlans`, signing name `savingsplans`): the plans the
// caller's own account bought. Types are the API's (`Compute`, `EC2Instance`, …), not Cost Explorer's.

const CT = 'application/json';

/** `ComputeSavingsPlans` → `Compute`, as the Savings Plans API names a type. */
export const apiTypeOf = (type: string): string => type.replace(/SavingsPlans$/, '');

function planOf(p: SavingsPlan, now: number): Record<string, unknown> {
  const iso = (s: number): string => new Date(s * 1000).toISOString().replace('.000Z', 'Z');
  return {
    offeringId: `offering-${p.id.slice(0, 8)}`,
    savingsPlanId: p.id,
    savingsPlanArn: p.arn,
    description: `${Math.round((p.end - p.start) / (365 * 86_400))} year No Upfront ${apiTypeOf(p.type)} Savings Plan`,
    start: iso(p.start),
    end: iso(p.end),
    state: p.end > now ? 'active' : 'retired',
    region: '',
    ec2InstanceFamily: '',
    savingsPlanType: apiTypeOf(p.type),
    paymentOption: 'No Upfront',
    productTypes: ['EC2', 'Fargate', 'Lambda'],
    currency: 'USD',
    commitment: String(p.commitmentPerHourUsd),
    upfrontPaymentAmount: '0',
    recurringPaymentAmount: String(p.commitmentPerHourUsd),
    termDurationInSeconds: p.end - p.start,
    tags: {},
  };
}

function describeSavingsPlans(ctx: HandlerContext): SimResponse {
  const { world } = ctx.state;
  const b = ctx.req.json;
  const arns = (b.savingsPlanArns as string[] | undefined) ?? [];
  const ids = (b.savingsPlanIds as string[] | undefined) ?? [];
  const states = (b.states as string[] | undefined) ?? [];
  const max = Number(b.maxResults ?? 1000);
  if (!Number.isInteger(max) || max < 1 || max > 1000)
    throw new SimError('ValidationException', 'maxResults must be between 1 and 1000', 400);
  const plans = world.savingsPlans
    .filter((p) => p.accountId === ctx.caller.accountId)
    .map((p) => planOf(p, world.clock.now))
    .filter(
      (p) =>
        (arns.length === 0 || arns.includes(String(p.savingsPlanArn))) &&
        (ids.length === 0 || ids.includes(String(p.savingsPlanId))) &&
        (states.length === 0 || states.includes(String(p.state))),
    )
    .sort((x, y) => String(x.savingsPlanId).localeCompare(String(y.savingsPlanId)));
  const salt = `sp|${ctx.caller.accountId}`;
  const offset = decodeToken(b.nextToken as string | undefined, salt);
  if (offset === undefined) throw new SimError('ValidationException', 'Invalid nextToken', 400);
  const next = offset + max < plans.length ? encodeToken(offset + max, salt) : undefined;
  return jsonResponse(
    200,
    { savingsPlans: plans.slice(offset, offset + max), ...(next ? { nextToken: next } : {}) },
    ctx.req.requestId,
    CT,
  );
}

export const savingsplans: ServiceModule = {
  actionOf: (req) => `savingsplans:${req.operation}`,
  handle(ctx) {
    if (ctx.req.operation !== 'DescribeSavingsPlans')
      throw new SimError('UnknownOperationException', `Unknown operation ${ctx.req.operation}`, 404);
    return describeSavingsPlans(ctx);
  },
};
