/** Shared pieces of the billing integration tests: simulator clients and comparisons with its truth. */
import { S3Client } from '@aws-sdk/client-s3';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import type { Simulator, TruthExport } from '../../sim/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Engine, Store } from '../../src/store/store.js';
import type { ExportLocation } from '../../src/providers/aws/billing/manifests.js';
import {
  createAwsBillingService,
  type AwsBillingService,
} from '../../src/providers/aws/billing/aws-billing.js';
import { createTestDatabase, type TestDatabase } from '../helpers/stores.js';

/** Credentials of the scenario user that may read the payer's billing bucket and Cost Explorer. */
export function payerCredentials(sim: Simulator): { accessKeyId: string; secretAccessKey: string } {
  const user = sim.scenario.users.find(
    (u) => u.accountId === sim.world.payerAccountId && u.allow.some((a) => a.startsWith('s3:')),
  );
  if (!user) throw new Error('the scenario has no payer user that may read S3');
  return { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey };
}

export function s3Client(sim: Simulator): S3Client {
  return new S3Client({
    endpoint: sim.url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: payerCredentials(sim),
  });
}

export function ceClient(sim: Simulator): CostExplorerClient {
  return new CostExplorerClient({
    endpoint: sim.url,
    region: 'us-east-1',
    credentials: payerCredentials(sim),
  });
}

export function exportLocation(sim: Simulator, name: string): ExportLocation {
  const e = sim.scenario.exports.find((x) => x.name === name);
  if (!e) throw new Error(`no export ${name}`);
  return { type: e.type, name: e.name, bucket: e.bucket, prefix: e.prefix, region: 'us-east-1' };
}

export const clockAt = (sim: Simulator) => ({ now: () => new Date(sim.truth.now) });

export type Basis = 'billed' | 'net' | 'amortized' | 'netAmortized';
const COLUMN: Record<Basis, string> = {
  billed: 'billed_cost',
  net: 'x_net_billed_cost',
  amortized: 'effective_cost',
  netAmortized: 'x_net_effective_cost',
};

const DAILY_COLUMN: Record<Basis, string> = {
  billed: 'billed_cost',
  net: 'net_billed_cost',
  amortized: 'effective_cost',
  netAmortized: 'net_effective_cost',
};

/** `account|service|day` → cents, from the store's line items of one cloud account. */
export async function storedDaily(
  store: Store,
  cloudAccountId: string,
  basis: Basis,
  table: 'cost_line_items' | 'cost_daily' = 'cost_line_items',
): Promise<Map<string, number>> {
  const col = table === 'cost_daily' ? DAILY_COLUMN[basis] : COLUMN[basis];
  const rows = await store.query<{ a: string; s: string; d: string; v: number }>(
    `SELECT sub_account_id AS a, service_code AS s, CAST(usage_date AS VARCHAR) AS d, sum(${col}) AS v
     FROM ${table} WHERE cloud_account_id = $1 GROUP BY sub_account_id, service_code, usage_date`,
    [cloudAccountId],
  );
  const out = new Map<string, number>();
  for (const r of rows) out.set(`${r.a}|${r.s}|${String(r.d).slice(0, 10)}`, Math.round(Number(r.v) * 100));
  return out;
}

/** The truth's `account|service|day` → cents for the given accounts. */
export function truthDaily(t: TruthExport, basis: Basis, accounts?: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of t.daily) {
    if (accounts && !accounts.includes(r.accountId)) continue;
    const k = `${r.accountId}|${r.serviceCode}|${r.day}`;
    out.set(k, (out.get(k) ?? 0) + Math.round(r[basis] * 100));
  }
  return out;
}

/** Keys whose values differ by more than `tolerance` cents (absent = 0). */
export function differences(a: Map<string, number>, b: Map<string, number>, tolerance = 0): string[] {
  const keys = new Set([...a.keys(), ...b.keys()]);
  const out: string[] = [];
  for (const k of [...keys].sort()) {
    const x = a.get(k) ?? 0;
    const y = b.get(k) ?? 0;
    if (Math.abs(x - y) > tolerance) out.push(`${k}: ${x} vs ${y}`);
  }
  return out;
}

/** A fresh database of one engine with a billing service over it, on the simulator's clock. */
export interface BillingFixture {
  db: TestDatabase;
  store: Store;
  billing: AwsBillingService;
  /** The service's scratch directory. */
  dir: string;
}

export async function openBillingFixture(engine: Engine, sim: Simulator): Promise<BillingFixture> {
  const db = await createTestDatabase(engine);
  const store = await db.open();
  const dir = mkdtempSync(path.join(tmpdir(), 'cloudtally-billing-test-'));
  return { db, store, dir, billing: createAwsBillingService({ store, clock: clockAt(sim), tmpDir: dir }) };
}

export async function closeBillingFixture(fx: BillingFixture | undefined): Promise<void> {
  if (!fx) return;
  await fx.store.close();
  await fx.db.destroy();
  rmSync(fx.dir, { recursive: true, force: true });
}
