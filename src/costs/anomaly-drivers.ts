/**
 * The drivers of anomalies: the line items (by resource, usage type, service, account, region) that changed most
 * on an anomalous day against their average daily cost over the 28 days before.
 */
import type { Queryable } from '../store/store.js';
import type { AnomalyDimension, AnomalyDriver } from './anomaly-types.js';
import { round6 } from './cost-answer.js';
import { addDays } from './dates.js';

export const ANOMALY_COLUMN: Record<AnomalyDimension, string> = {
  account: 'sub_account_id',
  service: 'service_name',
};
const DRIVER_LIMIT = 5;

/**
 * The line items (by resource, usage type, service, account, region) that changed most on each anomalous day
 * against their average over the 28 days before, for many anomalies of one dimension in one statement.
 */
export async function driversFor(
  store: Pick<Queryable, 'query'>,
  orgId: string,
  dimension: AnomalyDimension,
  list: readonly { key: string; currency: string; date: string }[],
): Promise<Map<string, AnomalyDriver[]>> {
  const out = new Map<string, AnomalyDriver[]>();
  const window = 28;
  for (let i = 0; i < list.length; i += 100) {
    const chunk = list.slice(i, i + 100);
    const params: (string | number)[] = [orgId];
    const values = chunk
      .map(
        (a) =>
          `(${['key', 'currency'].map((f) => `$${params.push(a[f as 'key' | 'currency'])}`).join(', ')}, ` +
          `CAST($${params.push(addDays(a.date, -window))} AS DATE), CAST($${params.push(a.date)} AS DATE))`,
      )
      .join(', ');
    const dates = chunk.map((a) => a.date).sort();
    const lo = `$${params.push(addDays(dates[0], -window))}`;
    const hi = `$${params.push(dates.at(-1) ?? dates[0])}`;
    const top = `$${params.push(DRIVER_LIMIT)}`;
    const rows = await store.query<{
      ak: string;
      ac: string;
      ad: string;
      resource_id: string | null;
      usage_type: string | null;
      service: string | null;
      account: string | null;
      region: string | null;
      day_cost: number;
      base_cost: number;
    }>(
      `WITH a (ak, ac, lo, ad) AS (VALUES ${values}),
       g AS (
         SELECT a.ak AS ak, a.ac AS ac, a.ad AS ad, li.resource_id AS resource_id, li.x_usage_type AS usage_type,
                li.service_name AS service, li.sub_account_id AS account, li.region_id AS region,
                SUM(CASE WHEN li.usage_date = a.ad THEN li.effective_cost ELSE 0 END) AS day_cost,
                SUM(CASE WHEN li.usage_date < a.ad THEN li.effective_cost ELSE 0 END) AS base_cost
         FROM cost_line_items li
         JOIN a ON li.${ANOMALY_COLUMN[dimension]} = a.ak AND li.billing_currency = a.ac
               AND li.usage_date >= a.lo AND li.usage_date <= a.ad
         WHERE li.org_id = $1 AND li.usage_date >= ${lo} AND li.usage_date <= ${hi}
         GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
       )
       SELECT * FROM (
         SELECT g.*, ROW_NUMBER() OVER (
           PARTITION BY ak, ac, ad ORDER BY abs(day_cost - base_cost / ${window}) DESC, resource_id, usage_type
         ) AS rn
         FROM g WHERE day_cost - base_cost / ${window} <> 0
       ) x WHERE rn <= ${top}`,
      params,
    );
    for (const r of rows) {
      const id = JSON.stringify([r.ak, r.ac, String(r.ad).slice(0, 10)]);
      const cost = Number(r.day_cost);
      const baseline = Number(r.base_cost) / window;
      const list = out.get(id) ?? [];
      list.push({
        resourceId: r.resource_id || null,
        usageType: r.usage_type || null,
        service: r.service || null,
        account: r.account || null,
        region: r.region || null,
        cost: round6(cost),
        baseline: round6(baseline),
        change: round6(cost - baseline),
      });
      out.set(id, list);
    }
  }
  for (const l of out.values()) l.sort((x, y) => Math.abs(y.change) - Math.abs(x.change));
  return out;
}
