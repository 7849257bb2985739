// The product's table is the one source, so the simulated bill and the recommendation engine price a type alike.
import table from '../../src/providers/aws/recommendations/instance-prices.json' with { type: 'json' };

export interface InstancePrice {
  vcpu: number;
  memoryGiB: number;
  hourlyUsd: number;
  family: string;
  generation: 'current' | 'previous';
  successor?: string;
}

/** The bundled us-east-1 Linux on-demand price table. */
export function instancePrices(): Record<string, InstancePrice> {
  return table as Record<string, InstancePrice>;
}

export function priceOf(type: string): InstancePrice {
  const p = instancePrices()[type];
  if (!p) throw new Error(`instance type ${type} is not in the bundled price table`);
  return p;
}

/** Regional multiplier applied to EC2, EBS, ELB and IPv4 prices. */
export function regionFactor(region: string): number {
  if (region === 'us-east-1' || region === 'us-east-2' || region === 'us-west-2') return 1;
  if (region === 'eu-central-1') return 1.15;
  if (region.startsWith('ap-') || region.startsWith('sa-')) return 1.25;
  return 1.1;
}

const PREFIX: Record<string, string> = {
  'us-east-1': '',
  'us-east-2': 'USE2-',
  'us-west-1': 'USW1-',
  'us-west-2': 'USW2-',
  'eu-west-1': 'EU-',
  'eu-west-2': 'EUW2-',
  'eu-west-3': 'EUW3-',
  'eu-central-1': 'EUC1-',
  'eu-north-1': 'EUN1-',
  'ap-southeast-1': 'APS1-',
  'ap-southeast-2': 'APS2-',
  'ap-northeast-1': 'APN1-',
  'ap-south-1': 'APS3-',
  'ca-central-1': 'CAN1-',
  'sa-east-1': 'SAE1-',
};

/** Usage-type prefix of a region as AWS writes it (`USW2-BoxUsage:m5.large`; none in us-east-1). */
export function usagePrefix(region: string): string {
  return PREFIX[region] ?? `${region.toUpperCase().replace(/-/g, '')}-`;
}

export const EBS_GB_MONTH: Record<string, number> = {
  gp2: 0.1,
  gp3: 0.08,
  io1: 0.125,
  st1: 0.045,
  sc1: 0.015,
  standard: 0.05,
};
export const SNAPSHOT_GB_MONTH = 0.05;
export const IPV4_HOURLY = 0.005;
export const ALB_HOURLY = 0.0225;
export const NLB_HOURLY = 0.0225;
export const CLB_HOURLY = 0.025;
export const LCU_HOURLY = 0.008;
/** Savings rate assumed by the savings_plan_commitment rule (a 1-year no-upfront Compute Savings Plan). */
export const SAVINGS_PLAN_RATE = 0.28;
/** Highest CPU % an `oversized` instance reaches; rightsizing targets are derived from it. */
export const OVERSIZED_MAX_CPU = 30;
