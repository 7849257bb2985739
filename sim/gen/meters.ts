import type { Scenario } from '../scenario/schema.js';
import { ScenarioError } from '../scenario/load.js';
import {
  ALB_HOURLY,
  CLB_HOURLY,
  EBS_GB_MONTH,
  IPV4_HOURLY,
  LCU_HOURLY,
  NLB_HOURLY,
  SNAPSHOT_GB_MONTH,
  priceOf,
  regionFactor,
  usagePrefix,
} from '../world/prices.js';
import { hexId } from '../world/ids.js';
import { DAY, runningUntil, type World } from '../world/world.js';

/** One source of usage: it bills `qty` units per hour (or per month when `monthly`) while active. */
export interface Meter {
  meter_id: number;
  account_id: string;
  region: string;
  az: string;
  product_code: string;
  product_name: string;
  product_family: string;
  usage_type: string;
  operation: string;
  resource_id: string;
  instance_type: string;
  pricing_unit: string;
  description: string;
  sku: string;
  rate: number;
  qty: number;
  monthly: boolean;
  variability: number;
  start_s: number;
  end_s: number;
  cover_kind: '' | 'ri' | 'sp';
  cover_arn: string;
  cover_start_s: number;
  cover_end_s: number;
  /** Effective $/unit while covered (reservation effective hourly, or the savings-plan rate). */
  cover_rate: number;
  tag_keys: string[];
  tag_vals: string[];
}

const FAR_FUTURE = 4_102_444_800; // 2100-01-01

export const PRODUCT_NAMES: Record<string, string> = {
  AmazonEC2: 'Amazon Elastic Compute Cloud',
  AmazonVPC: 'Amazon Virtual Private Cloud',
  AWSELB: 'Elastic Load Balancing',
  AmazonS3: 'Amazon Simple Storage Service',
  AmazonRDS: 'Amazon Relational Database Service',
  AmazonElastiCache: 'Amazon ElastiCache',
  AmazonES: 'Amazon OpenSearch Service',
  AmazonRedshift: 'Amazon Redshift',
  AWSLambda: 'AWS Lambda',
  AmazonCloudWatch: 'AmazonCloudWatch',
  AWSDataTransfer: 'AWS Data Transfer',
  AmazonDynamoDB: 'Amazon DynamoDB',
  AmazonCloudFront: 'Amazon CloudFront',
  AmazonRoute53: 'Amazon Route 53',
  AWSSupportBusiness: 'AWS Support (Business)',
  ComputeSavingsPlans: 'Savings Plans for AWS Compute usage',
  AmazonEKS: 'Amazon Elastic Container Service for Kubernetes',
  AmazonSQS: 'Amazon Simple Queue Service',
};

export function productName(code: string): string {
  return PRODUCT_NAMES[code] ?? code;
}

function skuOf(...parts: Array<string | number>): string {
  return hexId('sku', ...parts)
    .slice(0, 16)
    .toUpperCase();
}

function tagArrays(tags: Record<string, string>): { tag_keys: string[]; tag_vals: string[] } {
  const keys = Object.keys(tags)
    .filter((k) => k !== 'Name')
    .sort();
  return { tag_keys: keys, tag_vals: keys.map((k) => tags[k]) };
}

/** Builds the meters of every billable resource in the world for the accounts of one bill. */
export function buildMeters(world: World, scenario: Scenario, accounts: Set<string>): Meter[] {
  const out: Meter[] = [];
  const joined = new Map(world.accounts.map((a) => [a.id, a.joinedAt]));
  const add = (
    m: Omit<Meter, 'meter_id' | 'cover_kind' | 'cover_arn' | 'cover_start_s' | 'cover_end_s' | 'cover_rate'> &
      Partial<Meter>,
  ): void => {
    if (!accounts.has(m.account_id)) return;
    const start = Math.max(m.start_s, joined.get(m.account_id) ?? m.start_s);
    if (start >= m.end_s) return;
    out.push({
      cover_kind: '',
      cover_arn: '',
      cover_start_s: 0,
      cover_end_s: 0,
      cover_rate: 0,
      ...m,
      start_s: start,
      meter_id: out.length + 1,
    });
  };
  const reservations = new Map(world.reservations.map((r) => [r.name, r]));
  const plans = new Map(world.savingsPlans.map((p) => [p.name, p]));
  const spLoad = new Map<string, number>();

  for (const i of world.instances) {
    const rf = regionFactor(i.region);
    const rate = Math.round(priceOf(i.type).hourlyUsd * rf * 1e6) / 1e6;
    const cover: Partial<Meter> = {};
    if (i.coveredBy) {
      const ri = reservations.get(i.coveredBy);
      const sp = plans.get(i.coveredBy);
      if (ri) {
        Object.assign(cover, {
          cover_kind: 'ri',
          cover_arn: ri.arn,
          cover_start_s: ri.start,
          cover_end_s: ri.end,
          cover_rate: ri.effectiveHourlyUsd,
        });
      } else if (sp) {
        const eff = Math.round(rate * (1 - sp.discountRate) * 1e8) / 1e8;
        Object.assign(cover, {
          cover_kind: 'sp',
          cover_arn: sp.arn,
          cover_start_s: sp.start,
          cover_end_s: sp.end,
          cover_rate: eff,
        });
        spLoad.set(sp.name, (spLoad.get(sp.name) ?? 0) + eff);
      }
    }
    add({
      account_id: i.accountId,
      region: i.region,
      az: i.az,
      product_code: 'AmazonEC2',
      product_name: productName('AmazonEC2'),
      product_family: 'Compute Instance',
      usage_type: `${usagePrefix(i.region)}BoxUsage:${i.type}`,
      operation: 'RunInstances',
      resource_id: i.id,
      instance_type: i.type,
      pricing_unit: 'Hrs',
      description: `$${rate} per On Demand Linux ${i.type} Instance Hour`,
      sku: skuOf('box', i.region, i.type),
      rate,
      qty: 1,
      monthly: false,
      variability: 0,
      start_s: i.launchTime,
      end_s: runningUntil(i, world),
      ...cover,
      ...tagArrays(i.tags),
    });
  }
  for (const [name, load] of spLoad) {
    const sp = plans.get(name);
    if (sp && load > sp.commitmentPerHourUsd + 1e-9) {
      throw new ScenarioError(
        `covered usage costs ${load.toFixed(4)} $/h at the plan rate, more than the commitment ${sp.commitmentPerHourUsd}`,
        `savingsPlans[${scenario.savingsPlans.findIndex((p) => p.name === name)}].commitmentPerHourUsd`,
      );
    }
  }
  const instanceTags = new Map(world.instances.map((i) => [i.id, i.tags]));
  for (const v of world.volumes) {
    const rate = Math.round((EBS_GB_MONTH[v.type] ?? 0.1) * regionFactor(v.region) * 1e6) / 1e6;
    add({
      account_id: v.accountId,
      region: v.region,
      az: v.az,
      product_code: 'AmazonEC2',
      product_name: productName('AmazonEC2'),
      product_family: 'Storage',
      usage_type: `${usagePrefix(v.region)}EBS:VolumeUsage${v.type === 'standard' ? '' : `.${v.type}`}`,
      operation: `CreateVolume-${v.type.charAt(0).toUpperCase()}${v.type.slice(1)}`,
      resource_id: v.id,
      instance_type: '',
      pricing_unit: 'GB-Mo',
      description: `$${rate} per GB-month of ${v.type} provisioned storage`,
      sku: skuOf('ebs', v.region, v.type),
      rate,
      qty: v.sizeGiB,
      monthly: true,
      variability: 0,
      start_s: v.createTime,
      end_s: FAR_FUTURE,
      ...tagArrays({ ...(v.attachedTo ? instanceTags.get(v.attachedTo) : {}), ...v.tags }),
    });
  }
  for (const s of world.snapshots) {
    const rate = Math.round(SNAPSHOT_GB_MONTH * regionFactor(s.region) * 1e6) / 1e6;
    add({
      account_id: s.accountId,
      region: s.region,
      az: '',
      product_code: 'AmazonEC2',
      product_name: productName('AmazonEC2'),
      product_family: 'Storage Snapshot',
      usage_type: `${usagePrefix(s.region)}EBS:SnapshotUsage`,
      operation: 'CreateSnapshot',
      resource_id: s.arn,
      instance_type: '',
      pricing_unit: 'GB-Mo',
      description: `$${rate} per GB-Month of snapshot data stored`,
      sku: skuOf('snap', s.region),
      rate,
      qty: s.sizeGiB,
      monthly: true,
      variability: 0,
      start_s: s.startTime,
      end_s: FAR_FUTURE,
      ...tagArrays(s.tags),
    });
  }
  for (const a of world.addresses) {
    const rate = Math.round(IPV4_HOURLY * regionFactor(a.region) * 1e6) / 1e6;
    const idle = !a.instanceId;
    add({
      account_id: a.accountId,
      region: a.region,
      az: '',
      product_code: 'AmazonVPC',
      product_name: productName('AmazonVPC'),
      product_family: 'VPC Public IPv4 Address',
      usage_type: `${usagePrefix(a.region) || 'USE1-'}PublicIPv4:${idle ? 'IdleAddress' : 'InUseAddress'}`,
      operation: idle ? 'AllocateAddressVPC' : 'AssociateAddressVPC',
      resource_id: a.publicIp,
      instance_type: '',
      pricing_unit: 'Hrs',
      description: `$${rate} per ${idle ? 'Idle' : 'In-use'} public IPv4 address per hour`,
      sku: skuOf('ipv4', a.region, idle ? 'idle' : 'inuse'),
      rate,
      qty: 1,
      monthly: false,
      variability: 0,
      start_s: a.allocatedAt,
      end_s: FAR_FUTURE,
      tag_keys: [],
      tag_vals: [],
    });
  }
  for (const lb of world.loadBalancers) {
    const rf = regionFactor(lb.region);
    const hourly = lb.type === 'classic' ? CLB_HOURLY : lb.type === 'network' ? NLB_HOURLY : ALB_HOURLY;
    const op =
      lb.type === 'classic'
        ? 'LoadBalancing'
        : lb.type === 'network'
          ? 'LoadBalancing:Network'
          : 'LoadBalancing:Application';
    const base = {
      account_id: lb.accountId,
      region: lb.region,
      az: '',
      product_code: 'AWSELB',
      product_name: productName('AWSELB'),
      operation: op,
      resource_id: lb.arn,
      instance_type: '',
      monthly: false,
      start_s: lb.createdAt,
      end_s: FAR_FUTURE,
      ...tagArrays(lb.tags),
    };
    add({
      ...base,
      product_family: 'Load Balancer',
      usage_type: `${usagePrefix(lb.region) || 'USE1-'}LoadBalancerUsage`,
      pricing_unit: 'Hrs',
      description: `$${hourly} per ${lb.type} LoadBalancer-hour (or partial hour)`,
      sku: skuOf('lb', lb.region, lb.type),
      rate: Math.round(hourly * rf * 1e6) / 1e6,
      qty: 1,
      variability: 0,
    });
    if (lb.traffic === 'normal' && lb.targets.length > 0) {
      const classic = lb.type === 'classic';
      add({
        ...base,
        product_family: classic ? 'Load Balancer' : 'Load Balancer-Application',
        usage_type: `${usagePrefix(lb.region) || 'USE1-'}${classic ? 'DataProcessing-Bytes' : lb.type === 'network' ? 'NLCUUsage' : 'LCUUsage'}`,
        pricing_unit: classic ? 'GB' : 'LCU-Hrs',
        description: classic
          ? '$0.008 per GB Data Processed by the LoadBalancer'
          : `$${LCU_HOURLY} per LCU-hour`,
        sku: skuOf('lcu', lb.region, lb.type),
        rate: Math.round(LCU_HOURLY * rf * 1e6) / 1e6,
        qty: classic ? 4 : 1.5,
        variability: 0.3,
      });
    }
  }
  for (const s of scenario.services) {
    // Instance usage of RDS, ElastiCache, OpenSearch or Redshift a reservation covers (load.ts checks the match).
    const ri = s.coveredBy ? reservations.get(s.coveredBy) : undefined;
    add({
      account_id: s.accountId,
      region: s.region,
      az: '',
      product_code: s.productCode,
      product_name: productName(s.productCode),
      product_family: '',
      usage_type: s.usageType,
      operation: s.operation,
      resource_id: s.resourceId ?? '',
      instance_type: s.instanceType ?? '',
      ...(ri
        ? {
            cover_kind: 'ri' as const,
            cover_arn: ri.arn,
            cover_start_s: ri.start,
            cover_end_s: ri.end,
            cover_rate: ri.effectiveHourlyUsd,
          }
        : {}),
      pricing_unit: s.unit,
      description: s.description ?? `$${s.rateUsd} per ${s.unit}`,
      sku: skuOf('svc', s.productCode, s.usageType, s.region),
      rate: s.rateUsd,
      qty: s.dailyUsage / 24,
      monthly: false,
      variability: s.variability,
      start_s: world.clock.historyStart,
      end_s: FAR_FUTURE,
      ...tagArrays(s.tags),
    });
  }
  // Planted anomalies come after every other meter, so that the others keep their ids (and their day-to-day
  // variation, which is seeded by the id).
  for (const s of scenario.services) {
    // The extra usage of one day (factor − 1 times the usual), on a meter of its own.
    for (const spike of s.spikes) {
      const day = world.clock.today - spike.daysAgo * DAY;
      add({
        account_id: s.accountId,
        region: s.region,
        az: '',
        product_code: s.productCode,
        product_name: productName(s.productCode),
        product_family: '',
        usage_type: s.usageType,
        operation: s.operation,
        resource_id: s.resourceId ?? '',
        instance_type: '',
        pricing_unit: s.unit,
        description: s.description ?? `$${s.rateUsd} per ${s.unit}`,
        sku: skuOf('svc', s.productCode, s.usageType, s.region),
        rate: s.rateUsd,
        qty: (s.dailyUsage * (spike.factor - 1)) / 24,
        monthly: false,
        variability: 0,
        start_s: day,
        end_s: day + DAY,
        ...tagArrays(s.tags),
      });
    }
  }
  return out;
}
