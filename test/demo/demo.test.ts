import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The newcomer's path: the README's first command, `npm ci && npm run demo`, in a clean clone of the repository.
 * It must install, build, start, reach healthy accounts with costs that match the simulator's ground truth,
 * and stop cleanly on Ctrl-C.
 */
const REPO = path.resolve(import.meta.dirname, '../..');
const README_FIRST_COMMAND = 'npm ci && npm run demo';

interface TruthDaily {
  accountId: string;
  day: string;
  billed: number;
}

function readmeFirstCommand(): string {
  const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const block = /```sh\n([\s\S]*?)```/.exec(readme);
  return (block?.[1] ?? '').split('\n')[0].replace(/#.*$/, '').trim();
}

async function waitFor<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

describe('npm ci && npm run demo in a clean clone', () => {
  let dir: string;
  let child: ChildProcess;
  let output = '';
  let url: string;
  let token: string;
  let closed: Promise<number | null>;
  /** Resolves once every process of the group has let go of the output pipes, i.e. the demo itself has ended. */
  const exited = () => closed;

  beforeAll(async () => {
    expect(readmeFirstCommand()).toBe(README_FIRST_COMMAND);
    dir = mkdtempSync(path.join(tmpdir(), 'cloudtally-demo-'));
    execFileSync('git', ['clone', '--quiet', '--no-hardlinks', REPO, path.join(dir, 'repo')]);
    child = spawn('bash', ['-c', README_FIRST_COMMAND], {
      cwd: path.join(dir, 'repo'),
      env: {
        ...process.env,
        CLOUDTALLY_PORT: '0',
        npm_config_prefer_offline: 'true',
        npm_config_audit: 'false',
        npm_config_fund: 'false',
      },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    closed = new Promise((resolve) => child.once('close', (code) => resolve(code)));
    child.stdout?.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr?.on('data', (b: Buffer) => (output += b.toString()));
    url = await waitFor('the demo to print its URL', 8 * 60_000, async () => {
      if (child.exitCode !== null) throw new Error(`the demo exited with ${child.exitCode}:\n${output}`);
      return /Cloudtally demo is running: (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    });
    const credentialsFile = path.join(dir, 'repo', '.cloudtally-demo', 'demo-credentials.json');
    expect(statSync(credentialsFile).mode & 0o777).toBe(0o600);
    const credentials = JSON.parse(readFileSync(credentialsFile, 'utf8')) as {
      url: string;
      email: string;
      password: string;
      token: string;
    };
    expect(credentials.url).toBe(url);
    expect(output).toContain(credentials.email);
    expect(output).toContain(credentials.password);
    token = credentials.token;
  }, 10 * 60_000);

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null && child.pid) {
      process.kill(-child.pid, 'SIGKILL');
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const api = async <T>(p: string): Promise<T> => {
    const res = await fetch(url + p, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`${p} → ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  it('signs in with the printed password', async () => {
    const credentials = JSON.parse(
      readFileSync(path.join(dir, 'repo', '.cloudtally-demo', 'demo-credentials.json'), 'utf8'),
    ) as {
      email: string;
      password: string;
    };
    const res = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: credentials.email, password: credentials.password }),
    });
    expect(res.status).toBe(200);
  });

  it(
    'reaches healthy accounts, leaves a member discovered but not connected, and matches the truth to the cent',
    async () => {
      type Account = { id: string; type: string; awsAccountId: string; status: { state: string } };
      const accounts = await waitFor('every demo account to be healthy', 4 * 60_000, async () => {
        const { items } = await api<{ items: Account[] }>('/api/v1/cloud-accounts');
        return items.length >= 2 && items.every((a) => a.status.state === 'healthy') ? items : undefined;
      });
      expect(accounts.map((a) => a.type).sort()).toEqual(['assumed_role', 'linked']);
      const payer = accounts.find((a) => a.type === 'assumed_role');
      const members = await api<{ items: { awsAccountId: string; connected: boolean }[] }>(
        `/api/v1/cloud-accounts/${payer?.id}/members`,
      );
      expect(members.items.some((m) => !m.connected)).toBe(true);

      const truth = JSON.parse(
        readFileSync(path.join(dir, 'repo', '.cloudtally-demo', 'sim', 'truth.json'), 'utf8'),
      ) as {
        exports: Record<string, { type: string; daily: TruthDaily[] }>;
      };
      const cur2 = Object.values(truth.exports).find((e) => e.type === 'cur2');
      expect(cur2).toBeDefined();
      const connected = new Set(accounts.map((a) => a.awsAccountId));
      const expected = new Map<string, { sum: number; rows: number }>();
      for (const row of cur2?.daily ?? []) {
        if (!connected.has(row.accountId)) continue;
        const k = `${row.accountId}|${row.day}`;
        const e = expected.get(k) ?? { sum: 0, rows: 0 };
        e.sum += row.billed;
        e.rows += 1;
        expected.set(k, e);
      }
      const days = [...expected.keys()].map((k) => k.split('|')[1]).sort();
      const from = days[0];
      const to = days.at(-1) ?? from;
      // 13 months of history, by month.
      const months = await api<{ periods: string[] }>(
        `/api/v1/costs?from=${from}&to=${to}&granularity=month&basis=billed`,
      );
      expect(months.periods.length).toBeGreaterThanOrEqual(13);
      // The last 30 days, per account and day: the truth rounds each (account, service, day) to the cent, so a day
      // of k services may differ from the exact sum by at most k half-cents.
      const recentFrom = days.filter((d) => d >= days[Math.max(0, days.length - 30 * connected.size)])[0];
      type Answer = {
        groups: { key: Record<string, string | null>; series: { period: string; cost: number }[] }[];
      };
      const answer = await api<Answer>(
        `/api/v1/costs?from=${recentFrom}&to=${to}&granularity=day&groupBy=account&basis=billed&limit=1000`,
      );
      let compared = 0;
      for (const group of answer.groups) {
        const accountId = group.key.account ?? '';
        for (const point of group.series) {
          const e = expected.get(`${accountId}|${point.period}`);
          if (!e) {
            expect(Math.abs(point.cost)).toBeLessThan(0.005);
            continue;
          }
          expect(Math.abs(point.cost - e.sum)).toBeLessThanOrEqual(0.005 * e.rows + 1e-6);
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(30);
    },
    6 * 60_000,
  );

  it('shows resources, recommendations and an anomaly', async () => {
    const resources = await api<{ items: unknown[] }>('/api/v1/resources');
    expect(resources.items.length).toBeGreaterThan(0);
    const recommendations = await api<{ items: unknown[] }>('/api/v1/recommendations');
    expect(recommendations.items.length).toBeGreaterThan(0);
    const anomalies = await api<{ items: unknown[] }>('/api/v1/costs/anomalies');
    expect(anomalies.items.length).toBeGreaterThan(0);
  });

  it('ships two budgets, one at risk, whose alert reaches the local mail capture it prints', async () => {
    const mailUrl = /demo mail\s+(http:\/\/127\.0\.0\.1:\d+\/demo\/mail)/.exec(output)?.[1];
    expect(mailUrl).toBe(`${url}/demo/mail`);
    const budgets = await api<{ items: { name: string; status: { state: string } }[] }>('/api/v1/budgets');
    expect(budgets.items).toHaveLength(2);
    expect(budgets.items.filter((b) => b.status.state !== 'ok').length).toBeGreaterThanOrEqual(1);
    const page = await waitFor('the budget alert in the demo mail', 3 * 60_000, async () => {
      const html = await (await fetch(mailUrl!)).text();
      return html.includes('[Cloudtally] Budget') ? html : undefined;
    });
    expect(page).toContain('is forecast to reach 100 % of its amount');
  });

  it('stops cleanly on Ctrl-C', async () => {
    if (!child.pid) throw new Error('no demo process');
    process.kill(-child.pid, 'SIGINT');
    // npm re-raises the Ctrl-C it forwarded once its child has exited, so the wrapper ends by SIGINT (code null);
    // the demo itself must have stopped its server, sync and simulator and said so.
    const ended = await Promise.race([
      exited(),
      new Promise<string>((r) => setTimeout(() => r('timeout'), 30_000)),
    ]);
    expect(ended).not.toBe('timeout');
    expect([0, null]).toContain(ended);
    expect(output).toContain('Cloudtally demo stopped.');
    expect(output).not.toMatch(/stopping at once|did not finish|error:/);
    await expect(fetch(`${url}/api/v1/health`)).rejects.toThrow();
    expect(existsSync(path.join(dir, 'repo', '.cloudtally-demo', 'cloudtally.duckdb'))).toBe(true);
  }, 60_000);
});
