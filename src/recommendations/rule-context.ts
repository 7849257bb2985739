import { addDays, isoDate } from '../lib/dates.js';
import { costOf, costsByBillId, billIdsOf, findBill, windowOf } from '../inventory/resource-costs.js';
import type { BilledCost, BillMatch } from '../inventory/resource-costs.js';
import { summarizeMetrics, type MetricSummary } from '../inventory/metric-store.js';
import { loadResources, loadScanStatus } from '../inventory/resource-store.js';
import type { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import type { Queryable, SqlParam } from '../store/store.js';
import { commitmentsFromCostExplorer } from '../providers/aws/recommendations/ce-commitments.js';
import type { CommitmentUse, DailyCost, RuleContext } from './rule-kit.js';

function dayOf(v: unknown): string {
  return v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10);
}

function inList(params: SqlParam[], values: string[]): string {
  return values.map((v) => `$${params.push(v)}`).join(', ');
}

/** Gathers the facts rules read for one connection: current resources, their bill costs, metrics, commitments. */
export async function buildRuleContext(
  q: Queryable,
  input: {
    orgId: string;
    cloudAccountId: string;
    awsAccountId: string;
    now: Date;
    savingsDays?: number;
    /** How the provider's resources are found in the bill (Provider.billMatch; default by sub account). */
    billMatch?: BillMatch;
    /** For Cost Explorer sources: commitment utilization comes from its API instead of CUR fee lines. */
    costExplorer?: Pick<CostExplorerClient, 'send'>;
    signal?: AbortSignal;
  },
): Promise<RuleContext> {
  const { orgId, cloudAccountId, awsAccountId, now } = input;
  const resources = await loadResources(q, orgId, cloudAccountId);
  const bill = await findBill(q, orgId, awsAccountId, now, {
    by: input.billMatch ?? 'sub_account',
    cloudAccountId,
  });
  const savingsWindow = bill ? windowOf(bill, input.savingsDays ?? 30) : null;
  let costs = new Map<string, BilledCost>();
  if (bill && savingsWindow) {
    costs = await costsByBillId(q, {
      orgId,
      bill,
      awsAccountId,
      ...savingsWindow,
      billIds: billIdsOf(resources),
    });
  }
  const scanStatus = await loadScanStatus(q, orgId, cloudAccountId);
  const metricCache = new Map<number, Promise<Map<string, Map<string, MetricSummary>>>>();
  const base = (): SqlParam[] => [orgId, bill?.sourceCloudAccountId ?? '', awsAccountId];

  return {
    orgId,
    cloudAccountId,
    awsAccountId,
    now,
    currency: bill?.currency ?? 'USD',
    bill,
    savingsWindow,
    resources,
    byId: new Map(resources.map((r) => [r.id, r])),
    cost: (r) => costOf(r, costs),
    scanStatus,
    claimed: new Set(),

    metrics(days) {
      let m = metricCache.get(days);
      if (!m) {
        m = summarizeMetrics(q, {
          orgId,
          cloudAccountId,
          from: new Date(now.getTime() - days * 86_400_000),
          to: now,
        });
        metricCache.set(days, m);
      }
      return m;
    },

    async onDemandDaily(days): Promise<DailyCost[]> {
      if (!bill) return [];
      const w = windowOf(bill, days);
      const rows = await q.query<{ day: unknown; cost: number }>(
        `SELECT usage_date AS day, CAST(sum(billed_cost) AS DOUBLE PRECISION) AS cost FROM cost_line_items
         WHERE org_id = $1 AND cloud_account_id = $2 AND sub_account_id = $3
           AND usage_date >= $4::DATE AND usage_date < $5::DATE
           AND x_line_item_type = 'Usage' AND x_usage_type LIKE '%BoxUsage%'
         GROUP BY usage_date ORDER BY usage_date`,
        [...base(), w.from, w.to],
      );
      return rows.map((r) => ({ day: dayOf(r.day), cost: Number(r.cost) }));
    },

    commitmentSource: input.costExplorer ? 'cost_explorer' : bill ? 'bill' : null,

    async commitments(days): Promise<CommitmentUse[]> {
      if (input.costExplorer) {
        const to = bill ? addDays(bill.newestDay, 1) : isoDate(now);
        return commitmentsFromCostExplorer(input.costExplorer, {
          awsAccountId,
          from: addDays(to, -days),
          to,
          signal: input.signal,
        });
      }
      if (!bill) return [];
      const w = windowOf(bill, days);
      const w0 = Date.parse(`${w.from}T00:00:00Z`);
      const w1 = Date.parse(`${w.to}T00:00:00Z`);
      // Fee lines may span a month (RIFee sits at the period start): take the share that falls in the window,
      // counting a line as covering its charge period up to the bill's newest day.
      const fees = await q.query<{
        id: string;
        t: string;
        region: string | null;
        start: Date | null;
        finish: Date | null;
        day: unknown;
        fees: number;
        unused: number;
      }>(
        `SELECT COALESCE(commitment_discount_id, resource_id) AS id, x_line_item_type AS t, min(region_id) AS region,
                charge_period_start AS start, charge_period_end AS finish, usage_date AS day,
                CAST(sum(billed_cost) AS DOUBLE PRECISION) AS fees,
                CAST(sum(COALESCE(effective_cost, 0)) AS DOUBLE PRECISION) AS unused
         FROM cost_line_items
         WHERE org_id = $1 AND cloud_account_id = $2 AND sub_account_id = $3
           AND usage_date >= $4::DATE AND usage_date < $5::DATE
           AND x_line_item_type IN ('SavingsPlanRecurringFee', 'RIFee')
           AND COALESCE(commitment_discount_id, resource_id) IS NOT NULL
         GROUP BY COALESCE(commitment_discount_id, resource_id), x_line_item_type, charge_period_start,
                  charge_period_end, usage_date`,
        [...base(), addDays(w.from, -31), w.to],
      );
      const byId = new Map<string, CommitmentUse>();
      for (const f of fees) {
        const s0 = f.start ? new Date(f.start).getTime() : Date.parse(`${dayOf(f.day)}T00:00:00Z`);
        const s1 = Math.min(f.finish ? new Date(f.finish).getTime() : s0 + 86_400_000, w1);
        const share = s1 > s0 ? Math.max(0, Math.min(s1, w1) - Math.max(s0, w0)) / (s1 - s0) : 0;
        if (share <= 0) continue;
        const c = byId.get(f.id) ?? {
          id: f.id,
          kind: f.t === 'RIFee' ? ('reservation' as const) : ('savings_plan' as const),
          region: f.region,
          used: 0,
          unused: 0,
          fees: 0,
        };
        c.unused += Number(f.unused) * share;
        c.fees += Number(f.fees) * share;
        byId.set(f.id, c);
      }
      if (byId.size === 0) return [];
      // Covered usage may sit in any account of the organization: the commitment is shared.
      const params: SqlParam[] = [orgId, bill.sourceCloudAccountId, w.from, w.to];
      const used = await q.query<{ id: string; used: number }>(
        `SELECT commitment_discount_id AS id, CAST(sum(COALESCE(effective_cost, 0)) AS DOUBLE PRECISION) AS used
         FROM cost_line_items
         WHERE org_id = $1 AND cloud_account_id = $2 AND usage_date >= $3::DATE AND usage_date < $4::DATE
           AND x_line_item_type IN ('SavingsPlanCoveredUsage', 'DiscountedUsage')
           AND commitment_discount_id IN (${inList(params, [...byId.keys()])})
         GROUP BY commitment_discount_id`,
        params,
      );
      for (const u of used) {
        const c = byId.get(u.id);
        if (c) c.used = Number(u.used);
      }
      return [...byId.values()];
    },

    async idleAddressSince(publicIps) {
      const out = new Map<string, string>();
      if (!bill || publicIps.length === 0) return out;
      const params: SqlParam[] = [...base(), addDays(bill.newestDay, -120), bill.newestDay];
      const rows = await q.query<{ resource_id: string; day: unknown }>(
        `SELECT resource_id, usage_date AS day FROM cost_line_items
         WHERE org_id = $1 AND cloud_account_id = $2 AND sub_account_id = $3
           AND usage_date >= $4::DATE AND usage_date <= $5::DATE AND x_usage_type LIKE '%IdleAddress%'
           AND resource_id IN (${inList(params, publicIps)})
         GROUP BY resource_id, usage_date`,
        params,
      );
      const days = new Map<string, Set<string>>();
      for (const r of rows) days.set(r.resource_id, (days.get(r.resource_id) ?? new Set()).add(dayOf(r.day)));
      for (const [ip, set] of days) {
        let day = bill.newestDay;
        if (!set.has(day)) continue;
        while (set.has(addDays(day, -1))) day = addDays(day, -1);
        out.set(ip, day);
      }
      return out;
    },
  };
}
