import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Simulator } from '../../sim/index.js';

// Server mode as operators run it: one `cloudtally serve --no-worker` and any number of `cloudtally worker`
// processes sharing one PostgreSQL database, all talking to the simulator. Used by the scale-out test and by
// bench/sync.

export const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/cloudtally.js');

export interface Proc {
  child: ChildProcess;
  pid: number;
  output(): string;
  /** Sends the signal and resolves once the process ended. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function launch(args: string[], env: NodeJS.ProcessEnv, cwd: string): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    pid: child.pid ?? 0,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

async function waitFor(
  proc: Proc,
  pattern: RegExp,
  what: string,
  timeoutMs = 60_000,
): Promise<RegExpExecArray> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const m = pattern.exec(proc.output());
    if (m) return m;
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
      throw new Error(`${what} exited before it was ready:\n${proc.output()}`);
    }
    if (Date.now() > until) {
      await proc.stop('SIGKILL');
      throw new Error(`${what} was not ready within ${timeoutMs} ms:\n${proc.output()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface ClusterOptions {
  databaseUrl: string;
  sim: Simulator;
  workers: number;
  /** Extra settings for every process (CLOUDTALLY_* variables). */
  env?: Record<string, string>;
}

export interface Worker extends Proc {
  /** The id the worker writes into sync_runs.worker_id. */
  id: string;
}

export interface Cluster {
  url: string;
  token: string;
  api: Proc;
  workers: Worker[];
  addWorker(): Promise<Worker>;
  request<T>(path: string, init?: { method?: string; body?: unknown }): Promise<T>;
  close(): Promise<void>;
}

/** Bootstraps a user and token, then starts the API process and the workers. */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const cwd = mkdtempSync(path.join(tmpdir(), 'cloudtally-cluster-'));
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CLOUDTALLY_')) env[k] = v;
  delete env.AWS_ENDPOINT_URL;
  Object.assign(env, {
    CLOUDTALLY_DATABASE_URL: options.databaseUrl,
    CLOUDTALLY_DATA_DIR: path.join(cwd, 'data'),
    // Every process of one installation shares the vault key.
    CLOUDTALLY_SECRET_KEY: randomBytes(32).toString('base64'),
    CLOUDTALLY_AWS_ENDPOINT_URL: options.sim.url,
    CLOUDTALLY_LOG_LEVEL: 'warn',
    CLOUDTALLY_SCHEDULER: 'false',
    AWS_ACCESS_KEY_ID: options.sim.hostCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: options.sim.hostCredentials.secretAccessKey,
    AWS_REGION: 'us-east-1',
    ...options.env,
  });
  const email = 'ops@cluster.test';
  const run = async (args: string[]): Promise<string> => {
    const p = launch(args, env, cwd);
    const { code } = await new Promise<{ code: number | null }>((resolve) =>
      p.child.once('exit', (c) => resolve({ code: c })),
    );
    if (code !== 0) throw new Error(`cloudtally ${args.join(' ')} failed: ${p.output()}`);
    return p.output();
  };
  await run([
    'users',
    'create',
    '--org',
    'Cluster',
    '--email',
    email,
    '--role',
    'manager',
    '--password',
    'a-long-password',
  ]);
  const token = (await run(['tokens', 'create', '--email', email, '--name', 'cluster']))
    .trim()
    .split('\n')
    .pop()!;

  const api = launch(['serve', '--port', '0', '--no-worker'], env, cwd);
  const url = (
    await waitFor(api, /listening on (http:\/\/127\.0\.0\.1:\d+)/, 'cloudtally serve --no-worker')
  )[1];
  const workers: Worker[] = [];
  const addWorker = async (): Promise<Worker> => {
    const p = launch(['worker'], env, cwd);
    const id = (await waitFor(p, /worker (\S+) started/, 'cloudtally worker'))[1];
    const w = { ...p, id };
    workers.push(w);
    return w;
  };
  for (let i = 0; i < options.workers; i++) await addWorker();

  return {
    url,
    token,
    api,
    workers,
    addWorker,
    async request<T>(p: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
      const res = await fetch(url + p, {
        method: init.method ?? 'GET',
        headers: {
          authorization: `Bearer ${token}`,
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${p}: ${res.status} ${text}`);
      return JSON.parse(text) as T;
    },
    async close() {
      await Promise.all([api, ...workers].map((p) => p.stop('SIGTERM')));
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}

/** Adds `n` member accounts, each with a role that trusts Cloudtally with the organization's external ID. */
export function addSimulatedAccounts(
  sim: Simulator,
  n: number,
  externalId: string,
  first = 500_000_000_000,
): string[] {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = String(first + i);
    sim.addAccount({ id, name: `member-${i}` });
    sim.addRole({
      accountId: id,
      name: 'CloudtallyReadOnly',
      trust: {
        principals: [`arn:aws:iam::${sim.scenario.host.accountId}:user/${sim.scenario.host.userName}`],
        externalId,
      },
      allow: ['ec2:Describe*', 'elasticloadbalancing:Describe*', 'cloudwatch:Get*', 'sts:GetCallerIdentity'],
    });
    ids.push(id);
  }
  return ids;
}

/** Connects simulated member accounts through the API (each connection queues its first sync). */
export async function connectAccounts(cluster: Cluster, awsAccountIds: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, awsAccountId] of awsAccountIds.entries()) {
    const created = await cluster.request<{ id: string }>('/api/v1/cloud-accounts', {
      method: 'POST',
      body: {
        name: `member ${i}`,
        provider: 'aws',
        type: 'linked',
        awsAccountId,
        roleName: 'CloudtallyReadOnly',
      },
    });
    ids.push(created.id);
  }
  return ids;
}
