import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { generateExports, loadScenario } from '../../sim/index.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function digest(root: string): string {
  const h = createHash('sha256');
  const walk = (d: string): void => {
    for (const e of readdirSync(d).sort()) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else h.update(path.relative(root, p)).update(readFileSync(p));
    }
  };
  walk(root);
  return h.digest('hex');
}

describe('demo scenario', () => {
  it('is byte-for-byte reproducible from its seed and clock, and plants every recommendation kind', async () => {
    const scenario = loadScenario('demo');
    const now = new Date('2025-06-10T08:00:00Z');
    const [a, b] = [0, 1].map(() => {
      const d = mkdtempSync(path.join(tmpdir(), 'sim-demo-'));
      dirs.push(d);
      return d;
    });
    const first = await generateExports(scenario, { dataDir: a, now });
    await generateExports(scenario, { dataDir: b, now });
    expect(digest(path.join(b, 'buckets'))).toBe(digest(path.join(a, 'buckets')));
    expect(Object.keys(first.truth.exports['acme-cur2'].periods)).toHaveLength(13);
    expect(first.truth.exports['acme-cur2'].memberAccounts).toEqual([
      '100000000001',
      '200000000002',
      '300000000003',
      '400000000004',
    ]);
    const rules = new Set(first.truth.waste.map((w) => w.rule));
    expect([...rules].sort()).toEqual(
      [
        'gp2_to_gp3',
        'idle_instance',
        'idle_load_balancer',
        'low_commitment_utilization',
        'old_snapshot',
        'previous_generation',
        'rightsizing',
        'savings_plan_commitment',
        'stopped_instance_volumes',
        'unassociated_eip',
        'unattached_volume',
      ].sort(),
    );
    for (const w of first.truth.waste) expect(w.monthlySavings).toBeGreaterThan(0);
  });
});

describe('cloudtally sim', () => {
  it('prints exactly "simulator listening on http://127.0.0.1:N" and serves', async () => {
    const child = spawn(
      process.execPath,
      ['bin/cloudtally.js', 'sim', '--scenario', 'small', '--port', '0'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const i = out.indexOf('\n');
          if (i >= 0) resolve(out.slice(0, i));
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
      });
      expect(line).toMatch(/^simulator listening on http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${line.slice('simulator listening on '.length)}/_sim/health`);
      expect(await res.json()).toEqual({ ok: true });
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});

describe('planted waste', () => {
  it('has monthly savings that the documented formulas reproduce from the exported CUR 2.0 files', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const { instancePrices } = await import('../../sim/index.js');
    const scenario = loadScenario('demo');
    const dir = mkdtempSync(path.join(tmpdir(), 'sim-waste-'));
    dirs.push(dir);
    const { truth } = await generateExports(scenario, {
      dataDir: dir,
      now: new Date('2025-06-10T08:00:00Z'),
    });
    const root = path.join(dir, 'buckets', 'acme-billing-exports');
    const files = ['2025-05', '2025-06'].flatMap((p) => {
      const m = JSON.parse(
        readFileSync(
          path.join(root, 'cur2', 'acme-cur2', 'metadata', `BILLING_PERIOD=${p}`, 'acme-cur2-Manifest.json'),
          'utf8',
        ),
      ) as { dataFiles: string[] };
      return m.dataFiles.map((f) => `'${path.join(root, f.replace('s3://acme-billing-exports/', ''))}'`);
    });
    const conn = await (await DuckDBInstance.create(':memory:')).connect();
    const { from, to } = truth.savingsWindow;
    const cost = async (ids: string[]): Promise<number> => {
      const r =
        await conn.runAndReadAll(`SELECT coalesce(sum(line_item_unblended_cost), 0) AS c FROM read_parquet([${files.join(',')}])
        WHERE line_item_resource_id IN (${ids.map((i) => `'${i}'`).join(',')})
          AND line_item_usage_start_date >= '${from}' AND line_item_usage_start_date < '${to}'`);
      return Number(r.getRowObjectsJS()[0].c);
    };
    const prices = instancePrices();
    const ratio = (d: Record<string, string | number> | undefined): number =>
      1 - prices[String(d!.targetType)].hourlyUsd / prices[String(d!.instanceType)].hourlyUsd;
    let checked = 0;
    for (const w of truth.waste) {
      let expected: number | undefined;
      const c = w.billResourceIds.length > 0 ? await cost(w.billResourceIds) : 0;
      if (
        [
          'idle_instance',
          'unattached_volume',
          'old_snapshot',
          'unassociated_eip',
          'idle_load_balancer',
          'stopped_instance_volumes',
        ].includes(w.rule)
      ) {
        expected = c;
      } else if (w.rule === 'gp2_to_gp3') expected = c * 0.2;
      else if (w.rule === 'rightsizing' || w.rule === 'previous_generation') expected = c * ratio(w.details);
      if (expected === undefined) continue;
      expect({ rule: w.rule, id: w.resourceId, savings: w.monthlySavings }).toEqual({
        rule: w.rule,
        id: w.resourceId,
        savings: Math.round(expected * 100) / 100,
      });
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(13);
    conn.closeSync();
  });
});
