/**
 * The line items of an Azure bill, day by day, with both views Cost Management has of them: actual (what is
 * invoiced: a reservation's purchase on its day, covered usage at 0) and amortized (the purchase spread over the
 * term: covered usage carries the reservation's daily cost in proportion to use, the rest is `UnusedReservation`).
 */
import { createHash } from 'node:crypto';

export interface AzureSubscription {
  id: string;
  name: string;
}

export interface AzureMeter {
  subscriptionId: string;
  resourceGroup: string;
  resourceName: string;
  /** ARM type, e.g. `Microsoft.Compute/virtualMachines`. */
  resourceType: string;
  serviceName: string;
  meterCategory: string;
  meterName: string;
  region: string;
  unit: string;
  unitPrice: number;
  dailyQuantity: number;
  tags: Record<string, string>;
  /** Name of the reservation that covers this meter's usage (VMs only). */
  coveredBy?: string;
}

export interface AzureReservation {
  name: string;
  /** The reservation order's GUID. */
  orderId: string;
  subscriptionId: string;
  region: string;
  vmSize: string;
  /** Paid upfront on the purchase day, in the billing currency. */
  amount: number;
  termDays: number;
  purchasedDaysAgo: number;
  /** Share of the reservation's hours that the covered meter uses, 0–1. */
  utilization: number;
}

export interface AzureCostScenario {
  seed: string;
  billingAccountId: string;
  billingAccountName: string;
  currency: string;
  subscriptions: AzureSubscription[];
  meters: AzureMeter[];
  reservations: AzureReservation[];
  /** Months of history, ending with the (partial) month of `now`. */
  months: number;
}

export type ChargeType = 'Usage' | 'Purchase' | 'UnusedReservation';

export interface CostLine {
  /** `YYYY-MM-DD` (UTC day of the charge). */
  day: string;
  subscriptionId: string;
  subscriptionName: string;
  resourceGroup: string;
  resourceId: string;
  resourceName: string;
  resourceType: string;
  serviceName: string;
  meterCategory: string;
  meterName: string;
  region: string;
  unit: string;
  quantity: number;
  unitPrice: number;
  chargeType: ChargeType;
  pricingModel: 'OnDemand' | 'Reservation';
  /** Actual cost (invoiced). */
  actual: number;
  /** Amortized cost. */
  amortized: number;
  /** On-demand equivalent. */
  list: number;
  reservation?: { id: string; name: string };
  tags: Record<string, string>;
}

const round8 = (x: number) => Math.round(x * 1e8) / 1e8;

/** A deterministic number in [0, 1) from the seed and a key. */
function unit(seed: string, key: string): number {
  return createHash('sha256').update(`${seed}|${key}`).digest().readUInt32BE(0) / 2 ** 32;
}

export function resourceIdOf(
  m: Pick<AzureMeter, 'subscriptionId' | 'resourceGroup' | 'resourceType' | 'resourceName'>,
) {
  return `/subscriptions/${m.subscriptionId}/resourceGroups/${m.resourceGroup}/providers/${m.resourceType}/${m.resourceName}`.toLowerCase();
}

export function reservationIdOf(r: AzureReservation): string {
  return `/providers/Microsoft.Capacity/reservationOrders/${r.orderId}/reservations/${r.orderId}`;
}

function dayString(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Whole UTC days from the first day of the first month up to (not including) `now`'s day. */
export function billedDays(scenario: AzureCostScenario, now: Date): string[] {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (scenario.months - 1), 1));
  const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const days: string[] = [];
  for (let t = start.getTime(); t < end; t += 86_400_000) days.push(dayString(new Date(t)));
  return days;
}

export function generateCostLines(scenario: AzureCostScenario, now: Date): CostLine[] {
  const subs = new Map(scenario.subscriptions.map((s) => [s.id, s]));
  const lines: CostLine[] = [];
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  for (const day of billedDays(scenario, now)) {
    for (const m of scenario.meters) {
      const sub = subs.get(m.subscriptionId);
      if (!sub) throw new Error(`meter ${m.resourceName}: unknown subscription ${m.subscriptionId}`);
      const quantity = round8(
        m.dailyQuantity * (0.8 + 0.4 * unit(scenario.seed, `${m.resourceName}|${day}`)),
      );
      const list = round8(quantity * m.unitPrice);
      const base = {
        day,
        subscriptionId: sub.id,
        subscriptionName: sub.name,
        resourceGroup: m.resourceGroup,
        resourceId: resourceIdOf(m),
        resourceName: m.resourceName,
        resourceType: m.resourceType,
        serviceName: m.serviceName,
        meterCategory: m.meterCategory,
        meterName: m.meterName,
        region: m.region,
        unit: m.unit,
        quantity,
        unitPrice: m.unitPrice,
        list,
        tags: m.tags,
      };
      const r = m.coveredBy ? scenario.reservations.find((x) => x.name === m.coveredBy) : undefined;
      const dayMs = Date.parse(`${day}T00:00:00Z`);
      const active = r && dayMs >= today - r.purchasedDaysAgo * 86_400_000;
      if (r && active) {
        const daily = r.amount / r.termDays;
        const reservation = { id: reservationIdOf(r), name: r.name };
        lines.push({
          ...base,
          chargeType: 'Usage',
          pricingModel: 'Reservation',
          actual: 0,
          amortized: round8(daily * r.utilization),
          reservation,
        });
      } else {
        lines.push({ ...base, chargeType: 'Usage', pricingModel: 'OnDemand', actual: list, amortized: list });
      }
    }
    for (const r of scenario.reservations) {
      const dayMs = Date.parse(`${day}T00:00:00Z`);
      const purchase = today - r.purchasedDaysAgo * 86_400_000;
      if (dayMs < purchase) continue;
      const sub = subs.get(r.subscriptionId);
      if (!sub) throw new Error(`reservation ${r.name}: unknown subscription ${r.subscriptionId}`);
      const reservation = { id: reservationIdOf(r), name: r.name };
      const common = {
        day,
        subscriptionId: sub.id,
        subscriptionName: sub.name,
        resourceGroup: '',
        resourceId: reservation.id.toLowerCase(),
        resourceName: r.name,
        resourceType: 'Microsoft.Capacity/reservationOrders',
        serviceName: 'Virtual Machines',
        meterCategory: 'Virtual Machines',
        meterName: `${r.vmSize} Reserved`,
        region: r.region,
        unit: '1 Hour',
        pricingModel: 'Reservation' as const,
        reservation,
        tags: {},
      };
      if (dayMs === purchase) {
        lines.push({
          ...common,
          quantity: 1,
          unitPrice: r.amount,
          chargeType: 'Purchase',
          actual: r.amount,
          amortized: 0,
          list: r.amount,
        });
      }
      const unused = round8((r.amount / r.termDays) * (1 - r.utilization));
      if (unused > 0) {
        lines.push({
          ...common,
          quantity: round8(24 * (1 - r.utilization)),
          unitPrice: 0,
          chargeType: 'UnusedReservation',
          actual: 0,
          amortized: unused,
          list: 0,
        });
      }
    }
  }
  return lines;
}
