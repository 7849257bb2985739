import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { generateExports, loadScenario, type GenerationResult } from '../../sim/index.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'sim-gen-'));
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function digestTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out[path.relative(root, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(root);
  return out;
}

const AMORTIZED = (c: (n: string) => string): string => `CASE ${c('LineItemType')}
  WHEN 'SavingsPlanCoveredUsage' THEN ${c('SavingsPlanEffectiveCost')}
  WHEN 'SavingsPlanRecurringFee' THEN ${c('TotalCommitmentToDate')} - ${c('UsedCommitment')}
  WHEN 'SavingsPlanNegation' THEN 0
  WHEN 'DiscountedUsage' THEN ${c('EffectiveCost')}
  WHEN 'RIFee' THEN ${c('UnusedAmortizedUpfrontFeeForBillingPeriod')} + ${c('UnusedRecurringFee')}
  WHEN 'Fee' THEN CASE WHEN coalesce(${c('ReservationARN')}, '') <> '' THEN 0 ELSE ${c('UnblendedCost')} END
  ELSE ${c('UnblendedCost')} END`;

const CUR2: Record<string, string> = {
  LineItemType: 'line_item_line_item_type',
  SavingsPlanEffectiveCost: 'savings_plan_savings_plan_effective_cost',
  TotalCommitmentToDate: 'savings_plan_total_commitment_to_date',
  UsedCommitment: 'savings_plan_used_commitment',
  EffectiveCost: 'reservation_effective_cost',
  UnusedAmortizedUpfrontFeeForBillingPeriod: 'reservation_unused_amortized_upfront_fee_for_billing_period',
  UnusedRecurringFee: 'reservation_unused_recurring_fee',
  ReservationARN: 'reservation_reservation_a_r_n',
  UnblendedCost: 'line_item_unblended_cost',
  NetUnblendedCost: 'line_item_net_unblended_cost',
};
const LEGACY: Record<string, string> = {
  LineItemType: '"lineItem/LineItemType"',
  SavingsPlanEffectiveCost: '"savingsPlan/SavingsPlanEffectiveCost"',
  TotalCommitmentToDate: '"savingsPlan/TotalCommitmentToDate"',
  UsedCommitment: '"savingsPlan/UsedCommitment"',
  EffectiveCost: '"reservation/EffectiveCost"',
  UnusedAmortizedUpfrontFeeForBillingPeriod: '"reservation/UnusedAmortizedUpfrontFeeForBillingPeriod"',
  UnusedRecurringFee: '"reservation/UnusedRecurringFee"',
  ReservationARN: '"reservation/ReservationARN"',
  UnblendedCost: '"lineItem/UnblendedCost"',
  NetUnblendedCost: '"lineItem/NetUnblendedCost"',
};

describe('billing-data generator', () => {
  const scenario = loadScenario('small');
  let first: GenerationResult;
  let dirA: string;

  it('is byte-for-byte reproducible from seed and now', async () => {
    dirA = tempDir();
    const dirB = tempDir();
    first = await generateExports(scenario, { dataDir: dirA });
    await generateExports(scenario, { dataDir: dirB });
    const a = digestTree(path.join(dirA, 'buckets'));
    const b = digestTree(path.join(dirB, 'buckets'));
    expect(Object.keys(a).length).toBeGreaterThan(10);
    expect(b).toEqual(a);
    expect(readFileSync(path.join(dirB, 'truth.json'), 'utf8')).toBe(
      readFileSync(path.join(dirA, 'truth.json'), 'utf8'),
    );
    const other = await generateExports({ ...scenario, seed: 8 }, { dataDir: tempDir() });
    expect(other.truth.exports['small-cur2'].periods).not.toEqual(first.truth.exports['small-cur2'].periods);
  });

  it('writes totals that a reader of only the current files reproduces to the cent', async () => {
    const inst = await DuckDBInstance.create(':memory:');
    const conn = await inst.connect();
    const root = path.join(dirA, 'buckets', 'small-cur');
    const q = async (sql: string): Promise<Record<string, unknown>> =>
      (await conn.runAndReadAll(sql)).getRowObjectsJS()[0];
    for (const [name, t] of Object.entries(first.truth.exports)) {
      for (const [period, totals] of Object.entries(t.periods)) {
        let files: string[];
        let cols: Record<string, string>;
        let reader: string;
        if (t.type === 'cur2') {
          const m = JSON.parse(
            readFileSync(
              path.join(
                root,
                t.prefix,
                name,
                'metadata',
                `BILLING_PERIOD=${period}`,
                `${name}-Manifest.json`,
              ),
              'utf8',
            ),
          ) as { dataFiles: string[] };
          files = m.dataFiles.map((f) => path.join(root, f.replace('s3://small-cur/', '')));
          cols = CUR2;
          reader = t.format === 'parquet' ? 'read_parquet' : 'read_csv';
        } else {
          const folder = readdirSync(path.join(root, t.prefix, name)).find((f) =>
            f.startsWith(period.replace('-', '')),
          )!;
          const m = JSON.parse(
            readFileSync(path.join(root, t.prefix, name, folder, `${name}-Manifest.json`), 'utf8'),
          ) as {
            reportKeys: string[];
          };
          files = m.reportKeys.map((k) => path.join(root, k));
          cols = LEGACY;
          reader = 'read_csv';
        }
        const c = (n: string): string => `coalesce(${cols[n]}, 0)`;
        const list = files.map((f) => `'${f}'`).join(',');
        const got = await q(`SELECT count(*) AS n, round(sum(${cols.UnblendedCost}), 2) AS b,
            round(sum(${cols.NetUnblendedCost}), 2) AS net, round(sum(${AMORTIZED((x) => (x === 'LineItemType' || x === 'ReservationARN' ? cols[x] : c(x)))}), 2) AS a
          FROM ${reader}([${list}], hive_partitioning = false)`);
        expect({
          name,
          period,
          rows: Number(got.n),
          billed: Number(got.b),
          net: Number(got.net),
          amortized: Number(got.a),
        }).toEqual({
          name,
          period,
          rows: totals.rows,
          billed: totals.billed,
          net: totals.net,
          amortized: totals.amortized,
        });
      }
    }
    conn.closeSync();
    inst.closeSync();
  });

  it('covers every line item type, puts EDP on the line or in rows, and leaves stale assemblies beside', async () => {
    const legacy = first.truth.exports['small-legacy'];
    const cur2 = first.truth.exports['small-cur2'];
    // On-line EDP leaves billed before the discount; separate EdpDiscount rows bring billed down to net.
    expect(cur2.periods['2025-02'].billed).toBeGreaterThan(cur2.periods['2025-02'].net);
    expect(legacy.periods['2025-02'].billed).toBeCloseTo(legacy.periods['2025-02'].net, 1);
    expect(legacy.periods['2025-02'].net).toBeCloseTo(cur2.periods['2025-02'].net, 1);
    const types = first.ce.map((r) => r.lineType);
    for (const t of [
      'Usage',
      'DiscountedUsage',
      'SavingsPlanCoveredUsage',
      'SavingsPlanNegation',
      'SavingsPlanRecurringFee',
      'RIFee',
      'Fee',
      'Tax',
      'Credit',
      'Refund',
      'EdpDiscount',
    ]) {
      expect(types).toContain(t);
    }
    const folder = path.join(dirA, 'buckets', 'small-cur', 'legacy', 'small-legacy', '20250201-20250301');
    const assemblies = readdirSync(folder).filter((f) => !f.endsWith('.json'));
    expect(assemblies).toHaveLength(3);
    expect(legacy.memberAccounts).toEqual(['111111111111', '222222222222', '333333333333']);
    const created = readdirSync(
      path.join(dirA, 'buckets', 'small-cur', 'small-parquet', 'data', 'BILLING_PERIOD=2025-03'),
    );
    expect(created).toHaveLength(2);
    created.forEach((f) => expect(f).toMatch(/^\d{8}T\d{6}Z-[0-9a-f-]{36}$/));
  });

  it('plants waste whose savings come from the bill', () => {
    const rules = first.truth.waste.map((w) => w.rule).sort();
    expect(rules).toEqual([
      'idle_instance',
      'low_commitment_utilization',
      'stopped_instance_volumes',
      'unassociated_eip',
      'unattached_volume',
    ]);
    const eip = first.truth.waste.find((w) => w.rule === 'unassociated_eip')!;
    expect(eip.monthlySavings).toBe(3.6);
  });
});
