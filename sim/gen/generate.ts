import { mkdirSync, writeFileSync, readFileSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Scenario, ScenarioExport } from '../scenario/schema.js';
import { buildWorld, DAY, type World } from '../world/world.js';
import { hexId } from '../world/ids.js';
import { buildMeters } from './meters.js';
import { addFillerMeters, createMetersTable, type PeriodSpec } from './lineitems.js';
import { buildPeriod } from './period.js';
import { ceRows, periodTruth, tagKeys } from './aggregate.js';
import { writeExportPeriod } from './write-export.js';
import { commitmentTruth } from './commitment-truth.js';
import { accumulateWaste, newWasteAccumulator, plantedWaste } from './waste.js';
import { isoDay, periodLabel, type GroundTruth } from './truth.js';
import type { RenderContext } from './render.js';

/** Daily aggregate of the canonical line items, from which Cost Explorer answers. */
export interface CeRow {
  day: string;
  payerAccountId: string;
  accountId: string;
  productCode: string;
  region: string;
  lineType: string;
  usageType: string;
  unblended: number;
  net: number;
  amortized: number;
  netAmortized: number;
  usage: number;
  /** EC2 instance type of instance usage and RI fees, else ''. */
  instanceType: string;
  /** The savings plan or reservation ARN of commitment rows, else ''. */
  arn: string;
  /** Public on-demand cost (`pricing_public_on_demand_cost`). */
  onDemand: number;
  /** SavingsPlanRecurringFee: `savings_plan_total_commitment_to_date` and `savings_plan_used_commitment`. */
  spTotal: number;
  spUsed: number;
}

export interface GenerateOptions {
  /** Folder of the simulator's storage: exports go to `DIR/buckets/<bucket>/<key>`, truth to `DIR/truth.json`. */
  dataDir: string;
  now?: Date;
  /** Restatement counter per billing period (YYYY-MM); each increment is a new refresh with changed figures. */
  revisions?: Record<string, number>;
  /** Maximum rows per data file before a period is split. */
  rowsPerFile?: number;
  /** Regenerate only these periods, merging into `previous`. */
  periods?: string[];
  previous?: GenerationResult;
  world?: World;
}

export interface GenerationResult {
  truth: GroundTruth;
  ce: CeRow[];
  rows: number;
  files: number;
}

const GENERATOR_VERSION = 2;

function monthStarts(from: number, today: number): Array<{ p0: number; p1: number }> {
  const out: Array<{ p0: number; p1: number }> = [];
  let d = new Date(from * 1000);
  while (d.getTime() / 1000 <= today) {
    const next = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
    out.push({ p0: d.getTime() / 1000, p1: next.getTime() / 1000 });
    d = next;
  }
  return out;
}

function fingerprint(s: Scenario, today: number, opts: GenerateOptions): string {
  return hexId(
    GENERATOR_VERSION,
    JSON.stringify(s),
    today,
    JSON.stringify(opts.revisions ?? {}),
    opts.rowsPerFile ?? 0,
  );
}

/**
 * Writes the billing exports of a scenario into the data directory and returns the ground truth. The same
 * scenario, seed and `now` give byte-identical files. When the data directory already holds the output of
 * the same inputs, it is reused.
 */
export async function generateExports(scenario: Scenario, opts: GenerateOptions): Promise<GenerationResult> {
  const now = opts.now ?? (scenario.now ? new Date(scenario.now) : new Date());
  const world = opts.world ?? buildWorld(scenario, now);
  const today = world.clock.today;
  const fp = fingerprint(scenario, today, opts);
  const stampFile = path.join(opts.dataDir, 'generation.json');
  const truthFile = path.join(opts.dataDir, 'truth.json');
  const ceFile = path.join(opts.dataDir, 'ce-daily.json');
  if (!opts.periods && existsSync(stampFile) && existsSync(truthFile) && existsSync(ceFile)) {
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as {
      fingerprint: string;
      rows: number;
      files: number;
    };
    if (stamp.fingerprint === fp) {
      return {
        truth: JSON.parse(readFileSync(truthFile, 'utf8')) as GroundTruth,
        ce: JSON.parse(readFileSync(ceFile, 'utf8')) as CeRow[],
        rows: stamp.rows,
        files: stamp.files,
      };
    }
  }
  mkdirSync(opts.dataDir, { recursive: true });
  const tmp = path.join(opts.dataDir, '.duckdb-tmp');
  const instance = await DuckDBInstance.create(':memory:', {
    threads: '1',
    memory_limit: '1GB',
    temp_directory: tmp,
    preserve_insertion_order: 'true',
  });
  const conn = await instance.connect();
  try {
    const result = await generateWith(conn, scenario, world, opts, now);
    writeFileSync(truthFile, `${JSON.stringify(result.truth, null, 2)}\n`);
    writeFileSync(ceFile, JSON.stringify(result.ce));
    writeFileSync(stampFile, JSON.stringify({ fingerprint: fp, rows: result.rows, files: result.files }));
    return result;
  } finally {
    conn.closeSync();
    instance.closeSync();
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function generateWith(
  conn: DuckDBConnection,
  scenario: Scenario,
  world: World,
  opts: GenerateOptions,
  now: Date,
): Promise<GenerationResult> {
  const { today, historyStart } = world.clock;
  const bucketsDir = path.join(opts.dataDir, 'buckets');
  const prev = opts.previous;
  const truth: GroundTruth = prev
    ? (JSON.parse(JSON.stringify(prev.truth)) as GroundTruth)
    : {
        scenario: scenario.name,
        seed: scenario.seed,
        now: now.toISOString(),
        dataEnd: isoDay(today),
        savingsWindow: { from: isoDay(today - 30 * DAY), to: isoDay(today) },
        exports: {},
        waste: [],
        commitments: { inventory: [], months: {}, days: {}, coverage: [] },
      };
  const onlyPeriods = opts.periods ? new Set(opts.periods) : undefined;
  let ce: CeRow[] = prev ? prev.ce.filter((r) => !onlyPeriods?.has(r.day.slice(0, 7))) : [];
  let rows = 0;
  let files = 0;
  const waste = newWasteAccumulator();
  const accountNames = Object.fromEntries(world.accounts.map((a) => [a.id, a.name]));
  const byPayer = new Map<string, ScenarioExport[]>();
  for (const e of scenario.exports)
    byPayer.set(e.payerAccountId, [...(byPayer.get(e.payerAccountId) ?? []), e]);
  if (byPayer.size === 0) byPayer.set(world.payerAccountId, []);
  const periods = monthStarts(historyStart, today).filter(
    (p) => !onlyPeriods || onlyPeriods.has(periodLabel(p.p0)),
  );
  const members = new Map<string, Set<string>>();

  for (const [payer, exps] of byPayer) {
    const isOrgPayer = payer === world.payerAccountId;
    const accounts = new Set(isOrgPayer ? world.accounts.map((a) => a.id) : [payer]);
    const meters = buildMeters(world, scenario, accounts);
    await createMetersTable(conn, meters);
    if (isOrgPayer) {
      const memberIds = world.accounts.map((a) => a.id).filter((a) => a !== payer);
      await addFillerMeters(conn, {
        seed: scenario.seed,
        count: scenario.size.fillerResources,
        accounts: memberIds.length > 0 ? memberIds : [payer],
        regions: scenario.regions,
        start: historyStart,
        firstId: meters.length + 1,
      });
    }
    const grans = [...new Set(exps.map((e) => e.granularity))].sort();
    if (grans.length === 0) grans.push('daily');
    for (const [gi, gran] of grans.entries()) {
      for (const { p0, p1 } of periods) {
        const period = periodLabel(p0);
        const cutEnd = Math.min(p1, today);
        const spec: PeriodSpec = {
          p0,
          p1,
          cutEnd,
          unitSeconds: gran === 'hourly' ? 3600 : 86400,
          seed: scenario.seed,
          edpRate: scenario.organization.edpPercent / 100,
        };
        await buildPeriod(conn, scenario, world, spec, accounts, payer, opts.revisions?.[period] ?? 0);
        if (gi === 0) {
          ce.push(...(await ceRows(conn, payer)));
          if (!onlyPeriods && p1 > today - 90 * DAY) await accumulateWaste(conn, waste, today);
        }
        for (const exp of exps.filter((e) => e.granularity === gran)) {
          const ctx: RenderContext = {
            payerAccountId: payer,
            accountNames,
            costCategories: scenario.costCategories,
            invoiceId:
              p1 <= today
                ? `${hexId(scenario.seed, 'invoice', payer, period).slice(0, 10)}`.toUpperCase()
                : '',
            p0,
            p1,
            seed: scenario.seed,
            resourceIds: exp.resourceIds,
            discountsOnLine: exp.discounts === 'on-line',
            hasEdp: scenario.organization.edpPercent > 0,
            tagKeys: await tagKeys(conn),
          };
          const keys = await writeExportPeriod(conn, {
            exp,
            period,
            p0,
            p1,
            cutEnd,
            revision: opts.revisions?.[period] ?? 0,
            ctx,
            bucketsDir,
            rowsPerFile: opts.rowsPerFile ?? 2_000_000,
          });
          files += keys.length;
          const t = (truth.exports[exp.name] ??= {
            name: exp.name,
            type: exp.type,
            format: exp.format,
            bucket: exp.bucket,
            prefix: exp.prefix,
            payerAccountId: payer,
            discounts: exp.discounts,
            memberAccounts: [],
            periods: {},
            daily: [],
            costCategories: {},
          });
          t.costCategories ??= {};
          rows += await periodTruth(conn, exp, t, period, scenario.costCategories);
          const m = members.get(exp.name) ?? new Set(t.memberAccounts);
          t.daily.forEach((d) => m.add(d.accountId));
          members.set(exp.name, m);
          t.memberAccounts = [...m].sort();
        }
      }
    }
  }
  if (!onlyPeriods) truth.waste = plantedWaste(world, waste);
  ce = ce.sort((a, b) => (a.day === b.day ? 0 : a.day < b.day ? -1 : 1));
  truth.commitments = commitmentTruth(world, ce);
  return { truth, ce, rows, files };
}
