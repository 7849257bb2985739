import { SimError } from '../server/errors.js';
import { queryFilters, queryList, xmlDocument, xmlResponse, type SimResponse } from '../server/protocol.js';
import type { HandlerContext } from '../server/types.js';
import type { Reservation } from '../world/world.js';

// EC2 DescribeReservedInstances (ec2Query): the caller's own reserved instances in the signing region, regional
// scope, Linux/UNIX, standard offering class. Upfront is `fixedPrice` for the whole reservation; the hourly fee
// per instance is a recurring charge (usagePrice 0, as for every offering sold since 2011).

const XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

export const offeringTypeOf = (ri: Pick<Reservation, 'upfrontUsd' | 'recurringHourlyUsd'>): string =>
  ri.upfrontUsd === 0 ? 'No Upfront' : ri.recurringHourlyUsd === 0 ? 'All Upfront' : 'Partial Upfront';

/** EC2 filter semantics on exact values: AND across filters, OR across a filter's values. */
function matches(attrs: Record<string, string>, filters: Array<{ name: string; values: string[] }>): boolean {
  return filters.every((f) => attrs[f.name] !== undefined && f.values.includes(attrs[f.name]));
}

export function describeReservedInstances(ctx: HandlerContext): SimResponse {
  const { world } = ctx.state;
  const ids = queryList(ctx.req.form, 'ReservedInstancesId');
  const filters = queryFilters(ctx.req.form);
  const mine = world.reservations
    .filter((r) => r.service === 'EC2' && r.accountId === ctx.caller.accountId && r.region === ctx.req.region)
    .sort((a, b) => a.id.localeCompare(b.id));
  for (const id of ids) {
    if (!mine.some((r) => r.id === id))
      throw new SimError(
        'InvalidReservationID.NotFound',
        `The reserved instances ID '${id}' does not exist`,
        400,
      );
  }
  const iso = (s: number): string => new Date(s * 1000).toISOString().replace('.000Z', 'Z');
  const stateOf = (r: Reservation): string => (r.end > world.clock.now ? 'active' : 'retired');
  const selected = mine.filter(
    (r) =>
      (ids.length === 0 || ids.includes(r.id)) &&
      matches(
        {
          'reserved-instances-id': r.id,
          'instance-type': r.instanceType,
          state: stateOf(r),
          scope: 'Region',
          'offering-type': offeringTypeOf(r),
          'product-description': 'Linux/UNIX',
          duration: String(r.end - r.start),
        },
        filters,
      ),
  );
  const body = {
    requestId: ctx.req.requestId,
    reservedInstancesSet: {
      item: selected.map((r) => ({
        reservedInstancesId: r.id,
        instanceType: r.instanceType,
        start: iso(r.start),
        end: iso(r.end),
        duration: r.end - r.start,
        usagePrice: 0,
        fixedPrice: r.upfrontUsd,
        instanceCount: r.count,
        productDescription: 'Linux/UNIX',
        state: stateOf(r),
        instanceTenancy: 'default',
        currencyCode: 'USD',
        offeringType: offeringTypeOf(r),
        recurringCharges: { item: [{ frequency: 'Hourly', amount: r.recurringHourlyUsd }] },
        offeringClass: 'standard',
        scope: 'Region',
      })),
    },
  };
  return xmlResponse(200, xmlDocument('DescribeReservedInstancesResponse', XMLNS, body), ctx.req.requestId);
}
