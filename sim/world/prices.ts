import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface InstancePrice {
  vcpu: number;
  memoryGiB: number;
  hourlyUsd: number;
  family: string;
  generation: 'current' | 'previous';
  successor?: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const SIM_TABLE = path.resolve(here, '..', 'data', 'instance-prices.json');
const SHARED_TABLE = path.resolve(here, '..', '..', 'src', 'recommendations', 'instance-prices.json');

let cached: Record<string, InstancePrice> | undefined;

/**
 * The bundled us-east-1 Linux on-demand price table. The product's copy (src/recommendations) wins where
 * both list a type, so the bill and the recommendation engine price a type the same way.
 */
export function instancePrices(): Record<string, InstancePrice> {
  if (cached) return cached;
  const table = JSON.parse(readFileSync(SIM_TABLE, 'utf8')) as Record<string, InstancePrice>;
  if (existsSync(SHARED_TABLE)) {
    Object.assign(table, JSON.parse(readFileSync(SHARED_TABLE, 'utf8')) as Record<string, InstancePrice>);
  }
  cached = table;
  return table;
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
