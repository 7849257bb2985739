import { SimError } from '../server/errors.js';
import type { HandlerContext } from '../server/types.js';
import type { CeRow } from '../gen/generate.js';

export const CT = 'application/x-amz-json-1.1';

export function periodOf(body: Record<string, unknown>): { start: string; end: string } {
  const tp = body.TimePeriod as { Start?: string; End?: string } | undefined;
  const start = tp?.Start ?? '';
  const end = tp?.End ?? '';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(start) || !/^\d{4}-\d{2}-\d{2}$/.test(end) || start >= end) {
    throw new SimError(
      'ValidationException',
      'Start date (inclusive) must be before end date (exclusive)',
      400,
    );
  }
  return { start, end };
}

/** Buckets [start, end) into DAILY or MONTHLY periods. */
export function buckets(
  start: string,
  end: string,
  granularity: string,
): Array<{ start: string; end: string }> {
  const out: Array<{ start: string; end: string }> = [];
  let d = new Date(`${start}T00:00:00Z`);
  const stop = new Date(`${end}T00:00:00Z`);
  while (d < stop) {
    const next =
      granularity === 'MONTHLY'
        ? new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1))
        : new Date(d.getTime() + 86_400_000);
    const e = next < stop ? next : stop;
    out.push({ start: d.toISOString().slice(0, 10), end: e.toISOString().slice(0, 10) });
    d = e;
  }
  return out;
}

export function payerRows(ctx: HandlerContext): CeRow[] {
  // The management account sees the whole organization; a member account only itself.
  const acct = ctx.caller.accountId;
  return acct === ctx.state.world.payerAccountId
    ? ctx.state.ce.filter((r) => r.payerAccountId === acct)
    : ctx.state.ce.filter((r) => r.accountId === acct);
}
