import { z } from 'zod';
import instancePriceTable from './instance-prices.json' with { type: 'json' };
import listPriceTable from './list-prices.json' with { type: 'json' };

/**
 * The bundled price data: us-east-1 Linux on-demand prices of common instance families (the simulator's bill reads
 * the same file, so both price a type alike) and the list prices behind estimates. Ratios between two sizes are what
 * rightsizing uses; the bill's own figures give the absolute amount.
 */
const InstancePriceSchema = z.object({
  vcpu: z.number(),
  memoryGiB: z.number(),
  hourlyUsd: z.number().positive(),
  family: z.string(),
  generation: z.enum(['current', 'previous']),
  successor: z.string().optional(),
});
export type InstancePrice = z.infer<typeof InstancePriceSchema>;

const ListPricesSchema = z.object({
  ebsGbMonth: z.record(z.string(), z.number()),
  snapshotGbMonth: z.number(),
  publicIpv4Hourly: z.number(),
  loadBalancerHourly: z.record(z.string(), z.number()),
});
export type ListPrices = z.infer<typeof ListPricesSchema>;

let instances: Record<string, InstancePrice> | undefined;
let lists: ListPrices | undefined;

export function instancePrices(): Record<string, InstancePrice> {
  instances ??= z.record(z.string(), InstancePriceSchema).parse(instancePriceTable);
  return instances;
}

export function listPrices(): ListPrices {
  lists ??= ListPricesSchema.parse(listPriceTable);
  return lists;
}

export function priceOf(type: string): InstancePrice | undefined {
  return instancePrices()[type];
}

/** The next size down in the same family: the dearest type of the family that costs less. */
export function nextSizeDown(type: string): string | undefined {
  const cur = priceOf(type);
  if (!cur) return undefined;
  let best: [string, InstancePrice] | undefined;
  for (const [name, p] of Object.entries(instancePrices())) {
    if (p.family !== cur.family || p.hourlyUsd >= cur.hourlyUsd) continue;
    if (!best || p.hourlyUsd > best[1].hourlyUsd) best = [name, p];
  }
  return best?.[0];
}

/** Hours in the 30-day month that savings are quoted for. */
export const HOURS_PER_MONTH = 720;
