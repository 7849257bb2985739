import type { DuckDBConnection } from '@duckdb/node-api';
import {
  instancePrices,
  priceOf,
  OVERSIZED_MAX_CPU,
  SAVINGS_PLAN_RATE,
  EBS_GB_MONTH,
} from '../world/prices.js';
import { DAY, type World } from '../world/world.js';
import { cents, type WasteItem } from './truth.js';

/** Bill figures over the savings windows, gathered period by period from the `li` table. */
export interface WasteAccumulator {
  /** Billed (unblended) cost per line_item_resource_id over the last 30 days. */
  resourceCost: Map<string, number>;
  /** On-demand EC2 instance cost per account and day over the last 90 days. */
  onDemandDaily: Map<string, Map<number, number>>;
  plans: Map<string, { total: number; used: number }>;
  reservationHours: Map<string, number>;
}

export function newWasteAccumulator(): WasteAccumulator {
  return { resourceCost: new Map(), onDemandDaily: new Map(), plans: new Map(), reservationHours: new Map() };
}

export async function accumulateWaste(
  conn: DuckDBConnection,
  acc: WasteAccumulator,
  today: number,
): Promise<void> {
  const w30 = today - 30 * DAY;
  const w90 = today - 90 * DAY;
  const rows = async (sql: string): Promise<Array<Record<string, unknown>>> =>
    (await conn.runAndReadAll(sql)).getRowObjectsJS() as Array<Record<string, unknown>>;
  for (const r of await rows(`SELECT resource_id, sum(unblended) AS c FROM li
      WHERE ts0 >= ${w30} AND ts0 < ${today} AND resource_id <> '' GROUP BY resource_id`)) {
    const id = String(r.resource_id);
    acc.resourceCost.set(id, (acc.resourceCost.get(id) ?? 0) + Number(r.c));
  }
  for (const r of await rows(`SELECT account_id, ts0 // 86400 AS d, sum(unblended) AS c FROM li
      WHERE line_type = 'Usage' AND product_code = 'AmazonEC2' AND usage_type LIKE '%BoxUsage:%'
        AND ts0 >= ${w90} AND ts0 < ${today} GROUP BY ALL`)) {
    const a = String(r.account_id);
    const m = acc.onDemandDaily.get(a) ?? new Map<number, number>();
    m.set(Number(r.d), (m.get(Number(r.d)) ?? 0) + Number(r.c));
    acc.onDemandDaily.set(a, m);
  }
  for (const r of await rows(`SELECT sp_arn, sum(sp_total_commitment) AS t, sum(sp_used_commitment) AS u FROM li
      WHERE line_type = 'SavingsPlanRecurringFee' AND ts0 >= ${w30} AND ts0 < ${today} GROUP BY sp_arn`)) {
    const p = acc.plans.get(String(r.sp_arn)) ?? { total: 0, used: 0 };
    p.total += Number(r.t);
    p.used += Number(r.u);
    acc.plans.set(String(r.sp_arn), p);
  }
  for (const r of await rows(`SELECT ri_arn, sum(usage_amount) AS h FROM li
      WHERE line_type = 'DiscountedUsage' AND ts0 >= ${w30} AND ts0 < ${today} GROUP BY ri_arn`)) {
    acc.reservationHours.set(
      String(r.ri_arn),
      (acc.reservationHours.get(String(r.ri_arn)) ?? 0) + Number(r.h),
    );
  }
}

/** Smallest type of the same family whose vCPUs cover p99 CPU at 80 % (AWS-FACTS §4), if cheaper. */
export function rightsizingTarget(type: string, p99Percent = OVERSIZED_MAX_CPU): string | undefined {
  const cur = priceOf(type);
  const needed = Math.ceil((cur.vcpu * p99Percent) / 80);
  const candidates = Object.entries(instancePrices())
    .filter(([, p]) => p.family === cur.family && p.vcpu >= needed && p.hourlyUsd < cur.hourlyUsd)
    .sort((a, b) => a[1].hourlyUsd - b[1].hourlyUsd);
  return candidates[0]?.[0];
}

/** The planted waste with monthly savings measured from the bill (see sim/README.md for the formulas). */
export function plantedWaste(world: World, acc: WasteAccumulator): WasteItem[] {
  const out: WasteItem[] = [];
  const cost = (id: string): number => acc.resourceCost.get(id) ?? 0;
  const push = (item: Omit<WasteItem, 'monthlySavings'>, savings: number): void => {
    if (savings > 0) out.push({ ...item, monthlySavings: cents(savings) });
  };
  const today = world.clock.today;
  for (const i of world.instances) {
    const base = { resourceId: i.id, awsAccountId: i.accountId, region: i.region, billResourceIds: [i.id] };
    if (i.state === 'stopped') {
      if (i.stoppedAt !== undefined && i.stoppedAt <= today - DAY) {
        push(
          {
            ...base,
            rule: 'stopped_instance_volumes',
            billResourceIds: [...i.volumeIds],
            details: { instanceType: i.type },
          },
          i.volumeIds.reduce((s, v) => s + cost(v), 0),
        );
      }
      continue;
    }
    if (i.coveredBy) continue;
    const price = priceOf(i.type);
    if (i.behaviour === 'idle') {
      push({ ...base, rule: 'idle_instance', details: { instanceType: i.type } }, cost(i.id));
    } else if (i.behaviour === 'oversized') {
      const target = rightsizingTarget(i.type);
      if (target) {
        push(
          { ...base, rule: 'rightsizing', details: { instanceType: i.type, targetType: target } },
          cost(i.id) * (1 - priceOf(target).hourlyUsd / price.hourlyUsd),
        );
      }
    } else if (price.generation === 'previous' && price.successor) {
      push(
        {
          ...base,
          rule: 'previous_generation',
          details: { instanceType: i.type, targetType: price.successor },
        },
        cost(i.id) * (1 - priceOf(price.successor).hourlyUsd / price.hourlyUsd),
      );
    }
  }
  for (const v of world.volumes) {
    const base = { resourceId: v.id, awsAccountId: v.accountId, region: v.region, billResourceIds: [v.id] };
    if (!v.attachedTo && v.createTime <= today - DAY)
      push({ ...base, rule: 'unattached_volume' }, cost(v.id));
    if (v.type === 'gp2') {
      push(
        { ...base, rule: 'gp2_to_gp3', details: { sizeGiB: v.sizeGiB } },
        cost(v.id) * (1 - EBS_GB_MONTH.gp3 / EBS_GB_MONTH.gp2),
      );
    }
  }
  for (const a of world.addresses) {
    if (!a.instanceId && a.allocatedAt <= today - 7 * DAY) {
      push(
        {
          rule: 'unassociated_eip',
          resourceId: a.allocationId,
          awsAccountId: a.accountId,
          region: a.region,
          billResourceIds: [a.publicIp],
          details: { publicIp: a.publicIp },
        },
        cost(a.publicIp),
      );
    }
  }
  for (const lb of world.loadBalancers) {
    if (lb.traffic === 'none' || lb.targets.length === 0) {
      push(
        {
          rule: 'idle_load_balancer',
          resourceId: lb.arn,
          awsAccountId: lb.accountId,
          region: lb.region,
          billResourceIds: [lb.arn],
          details: { name: lb.name, type: lb.type },
        },
        cost(lb.arn),
      );
    }
  }
  const imaged = new Set(world.images.map((im) => im.snapshotId));
  for (const s of world.snapshots) {
    if (!imaged.has(s.id) && s.startTime <= today - 90 * DAY) {
      push(
        {
          rule: 'old_snapshot',
          resourceId: s.id,
          awsAccountId: s.accountId,
          region: s.region,
          billResourceIds: [s.arn],
          details: { ageDays: Math.round((today - s.startTime) / DAY) },
        },
        cost(s.arn),
      );
    }
  }
  for (const [account, days] of [...acc.onDemandDaily.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (days.size < 90) continue;
    const min = Math.min(...days.values());
    push(
      {
        rule: 'savings_plan_commitment',
        resourceId: account,
        awsAccountId: account,
        region: '',
        billResourceIds: [],
        details: { minDailyOnDemand: cents(min), rate: SAVINGS_PLAN_RATE },
      },
      min * 30 * SAVINGS_PLAN_RATE,
    );
  }
  for (const sp of world.savingsPlans) {
    const p = acc.plans.get(sp.arn);
    if (p && p.total > 0 && p.used / p.total < 0.8) {
      push(
        {
          rule: 'low_commitment_utilization',
          resourceId: sp.arn,
          awsAccountId: sp.accountId,
          region: '',
          billResourceIds: [sp.arn],
          details: { utilization: Math.round((p.used / p.total) * 1000) / 10 },
        },
        p.total - p.used,
      );
    }
  }
  for (const ri of world.reservations) {
    const from = Math.max(today - 30 * DAY, ri.start, world.clock.historyStart);
    const to = Math.min(today, ri.end);
    const hours = (ri.count * Math.max(0, to - from)) / 3600;
    const used = acc.reservationHours.get(ri.arn) ?? 0;
    if (hours > 0 && used / hours < 0.8) {
      push(
        {
          rule: 'low_commitment_utilization',
          resourceId: ri.arn,
          awsAccountId: ri.accountId,
          region: ri.region,
          billResourceIds: [ri.arn],
          details: { utilization: Math.round((used / hours) * 1000) / 10 },
        },
        (hours - used) * ri.effectiveHourlyUsd,
      );
    }
  }
  return out;
}
