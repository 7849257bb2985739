/**
 * AWS cost categories for the Cost Explorer source. Cost Explorer cannot return a category beside the pair plan's
 * service × usage type (two GroupBy at most), so each category costs its own request series: one DAILY
 * GetCostAndUsage grouped by the category and the linked account for the whole range (plus pages). A line of the
 * pair plan then takes its account's value that day; where an account's spend that day falls into several values,
 * the line is split across them in proportion to their cost, to the line's 10th decimal, so no cost is lost or
 * created. Requests: one ListCostCategoryDefinitions (plus pages) and one series per category.
 */
import {
  type CostExplorerClient,
  GetCostAndUsageCommand,
  ListCostCategoryDefinitionsCommand,
  type GetCostAndUsageCommandInput,
  type GetCostAndUsageCommandOutput,
} from '@aws-sdk/client-cost-explorer';
import { withAwsRetry } from '../sdk/retry.js';

type CostExplorer = Pick<CostExplorerClient, 'send'>;

/** Cost of one category value for one account and day (the split weight). */
interface ValueShare {
  value: string;
  cost: number;
}

/** `day|account` → category name → the values with spend that day. */
export type CategoryShares = Map<string, Map<string, ValueShare[]>>;

interface Counted {
  signal?: AbortSignal;
  count: () => void;
}

async function send<T>(fn: () => Promise<T>, c: Counted): Promise<T> {
  // Counted per request sent, retried ones included, so the count bounds what Cost Explorer bills.
  return withAwsRetry(
    () => {
      c.count();
      return fn();
    },
    { signal: c.signal },
  );
}

/** The names of the payer's cost categories (ListCostCategoryDefinitions, every page). */
export async function costCategoryNames(
  ce: CostExplorer,
  effectiveOn: string,
  c: Counted,
): Promise<string[]> {
  const names = new Set<string>();
  let token: string | undefined;
  do {
    const page = token;
    const res = await send(
      () =>
        ce.send(new ListCostCategoryDefinitionsCommand({ EffectiveOn: effectiveOn, NextToken: page }), {
          abortSignal: c.signal,
        }),
      c,
    );
    for (const ref of res.CostCategoryReferences ?? []) if (ref.Name) names.add(ref.Name);
    token = res.NextToken;
  } while (token);
  return [...names].sort();
}

/** Every category's daily cost per linked account and value over [start, end). */
export async function fetchCategoryShares(
  ce: CostExplorer,
  start: string,
  end: string,
  c: Counted,
): Promise<{ names: string[]; shares: CategoryShares }> {
  const names = await costCategoryNames(ce, start, c);
  const shares: CategoryShares = new Map();
  for (const name of names) {
    let token: string | undefined;
    do {
      const input: GetCostAndUsageCommandInput = {
        TimePeriod: { Start: start, End: end },
        Granularity: 'DAILY',
        Metrics: ['UnblendedCost'],
        GroupBy: [
          { Type: 'COST_CATEGORY', Key: name },
          { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' },
        ],
        NextPageToken: token,
      };
      const res: GetCostAndUsageCommandOutput = await send(
        () => ce.send(new GetCostAndUsageCommand(input), { abortSignal: c.signal }),
        c,
      );
      for (const r of res.ResultsByTime ?? []) {
        const day = r.TimePeriod?.Start ?? '';
        for (const g of r.Groups ?? []) {
          const [key = '', account = ''] = g.Keys ?? [];
          const value = categoryValueOfKey(key, name);
          if (value === '') continue;
          const at = `${day}|${account}`;
          const byName = shares.get(at) ?? new Map<string, ValueShare[]>();
          shares.set(at, byName);
          const list = byName.get(name) ?? [];
          byName.set(name, list);
          list.push({ value, cost: Number(g.Metrics?.UnblendedCost?.Amount ?? 0) });
        }
      }
      token = res.NextPageToken;
    } while (token);
  }
  return { names, shares };
}

/** `CostCenter$product` → `product`; an uncategorized group (`CostCenter$`) → ''. */
export function categoryValueOfKey(key: string, name: string): string {
  return key.startsWith(`${name}$`) ? key.slice(name.length + 1) : key;
}

const SCALE = 1e10;

/**
 * `amounts` split in proportion to `weights` at 10 decimals, the last part taking the remainder, so that the parts
 * sum to each amount exactly. Weights that sum to zero split evenly.
 */
export function splitAmounts(amounts: readonly number[], weights: readonly number[]): number[][] {
  const total = weights.reduce((s, w) => s + Math.abs(w), 0);
  const share = weights.map((w) => (total === 0 ? 1 / weights.length : Math.abs(w) / total));
  return amounts.map((a) => {
    const units = Math.round(a * SCALE);
    let given = 0;
    return share.map((s, i) => {
      const part = i === share.length - 1 ? units - given : Math.round(units * s);
      given += part;
      return part / SCALE;
    });
  });
}

/** The money fields of a line that a split divides. */
export interface Splittable {
  day: string;
  account: string;
  unblended: number;
  net: number;
  amortized: number;
  netAmortized: number;
  usage: number;
  costCategories?: Record<string, string>;
}

/**
 * Each line with its cost categories: one value → the line carries it; several values that day → the line is
 * split into one line per value, in proportion to the values' cost.
 */
export function assignCostCategories<T extends Splittable>(
  lines: readonly T[],
  names: readonly string[],
  shares: CategoryShares,
): T[] {
  let out: T[] = [...lines];
  for (const name of names) {
    const next: T[] = [];
    for (const l of out) {
      const values = shares.get(`${l.day}|${l.account}`)?.get(name) ?? [];
      if (values.length === 0) {
        next.push(l);
        continue;
      }
      if (values.length === 1) {
        next.push({ ...l, costCategories: { ...l.costCategories, [name]: values[0].value } });
        continue;
      }
      const [unblended, net, amortized, netAmortized, usage] = splitAmounts(
        [l.unblended, l.net, l.amortized, l.netAmortized, l.usage],
        values.map((v) => v.cost),
      );
      values.forEach((v, i) =>
        next.push({
          ...l,
          unblended: unblended[i],
          net: net[i],
          amortized: amortized[i],
          netAmortized: netAmortized[i],
          usage: usage[i],
          costCategories: { ...l.costCategories, [name]: v.value },
        }),
      );
    }
    out = next;
  }
  return out;
}

/** JSON object text of a line's categories with sorted keys, as the export sources store it; null without any. */
export function costCategoriesJson(cats: Record<string, string> | undefined): string | null {
  if (!cats) return null;
  const keys = Object.keys(cats).sort();
  if (keys.length === 0) return null;
  return JSON.stringify(Object.fromEntries(keys.map((k) => [k, cats[k]])));
}
