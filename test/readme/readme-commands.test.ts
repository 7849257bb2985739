import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario, startSimulator, type Simulator } from '../../sim/index.js';
import { BIN } from '../cli/cli-support.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/stores.js';
import { SMALL_MEMBER, SMALL_PAYER, trustOrganization, useHostIdentity } from '../sync/sim-support.js';
import {
  leadingWords,
  readmeCommands,
  readReadme,
  REPO,
  variablesOf,
  type ReadmeCommand,
} from './readme-parse.js';
import { runCommand, startLongRunning } from './shell.js';

/**
 * "Every command in the README is run by a test." Each line of every ```sh block is either run here, for real,
 * with bash — in a scratch working directory, with `cloudtally` on PATH, against a real server over the `small`
 * simulator scenario, PostgreSQL for the server-mode commands, and the README's placeholder variables pointing at
 * them — or it is on the allow-list below, which names the test that runs it (and that test is read to check that
 * it does). Commands that run until stopped are started, waited on until they say they are ready, stopped the
 * way an operator stops them, and must end with exit code 0; every other command must exit 0.
 */

interface Elsewhere {
  match: (command: string) => boolean;
  /** The file (relative to the repository) that runs the command, and the text in it that shows so. */
  file: string;
  needle: string;
  reason: string;
}

export const RUN_ELSEWHERE: Elsewhere[] = [
  {
    match: (c) => c === 'npm ci && npm run demo',
    file: 'test/demo/demo.test.ts',
    needle: "'npm ci && npm run demo'",
    reason: 'runs it in a clean clone of the repository',
  },
  {
    match: (c) => c === 'npm ci && npm test',
    file: '.ci/run',
    needle: 'npm ci && npm test',
    reason: 'CI runs it on a clean clone',
  },
  {
    match: (c) => /^cloudtally backup\b/.test(c),
    file: 'test/ops/backup-restore.test.ts',
    needle: "'backup', '--data-dir'",
    reason: 'backs up a data directory with and without a running server on it (real processes)',
  },
  {
    match: (c) => /^cloudtally restore\b/.test(c),
    file: 'test/ops/backup-restore.test.ts',
    needle: "'restore', '--in'",
    reason: 'restores into new, occupied and held directories and starts a server on the result',
  },
  {
    match: (c) => /^npm run bench\b/.test(c),
    file: 'test/readme/readme-bench.test.ts',
    needle: 'npm run bench',
    reason: 'runs the README benchmark commands at the smallest sizes',
  },
];

/** The values the test gives the README's placeholder variables; the lazy ones are looked up when first used. */
const STATIC_VARIABLES = [
  'CLOUDTALLY_URL',
  'CLOUDTALLY_TOKEN',
  'AWS_ACCOUNT_ID',
  'EXPORT_NAME',
  'BUCKET',
  'PREFIX',
  'MEMBER_ACCOUNT_ID',
  'DATABASE_URL',
] as const;
const LAZY_VARIABLES = ['ACCOUNT_ID', 'RUN_ID', 'RECOMMENDATION_ID'] as const;
type Lazy = (typeof LAZY_VARIABLES)[number];
const KNOWN = new Set<string>([...STATIC_VARIABLES, ...LAZY_VARIABLES]);

const HOST_PRINCIPAL = 'arn:aws:iam::999999999999:user/cloudtally';

/** How a command that runs until stopped says it is ready, and how it is stopped. */
/**
 * Commands that run until stopped: what they print when ready, how an operator stops them, and (`serving`) the address
 * that shows they do their work, asked once before they are stopped.
 */
const LONG_RUNNING: {
  match: RegExp;
  ready: RegExp;
  stopBy: 'SIGTERM' | 'stdin';
  mcp?: boolean;
  serving?: (url: string) => string;
}[] = [
  {
    match: /^cloudtally serve\b/,
    ready: /^listening on (http:\/\/\S+:\d+)$/m,
    stopBy: 'SIGTERM',
    serving: (url) => `${url}/api/v1/health`,
  },
  {
    match: /^npm start\b/,
    ready: /^listening on (http:\/\/\S+:\d+)$/m,
    stopBy: 'SIGTERM',
    serving: (url) => `${url}/api/v1/health`,
  },
  { match: /^cloudtally worker\b/, ready: /^worker \S* ?started/m, stopBy: 'SIGTERM' },
  {
    match: /^cloudtally sim\b/,
    ready: /^simulator listening on (http:\/\/\S+)$/m,
    stopBy: 'SIGTERM',
    serving: (url) => `${url}/_sim/health`,
  },
  {
    match: /^cloudtally demo\b/,
    ready: /Cloudtally demo is running: (http:\/\/[^\s/]+)/,
    stopBy: 'SIGTERM',
    serving: (url) => `${url}/api/v1/health`,
  },
  // An MCP stdio server answers an initialize request (its ready line) and ends when its client closes the stream.
  { match: /^cloudtally mcp\b/, ready: /"serverInfo":\{"name":"cloudtally"/, stopBy: 'stdin', mcp: true },
];

const MCP_INITIALIZE =
  JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'readme-test', version: '1' },
    },
  }) + '\n';

const commands = readmeCommands(['sh']);
/**
 * The reader sets CLOUDTALLY_URL and CLOUDTALLY_TOKEN in their shell where the README tells them to (the first line
 * that shows `CLOUDTALLY_URL=`); the bootstrap commands above it run without them, as they would.
 */
const CLIENT_ENV_FROM_LINE = readReadme()
  .split('\n')
  .findIndex((l) => l.includes('`CLOUDTALLY_URL='));
const elsewhere = (c: ReadmeCommand) => RUN_ELSEWHERE.find((e) => e.match(c.command));
const runHere = commands.filter((c) => !elsewhere(c));
const where = (c: ReadmeCommand) => `README.md:${c.line} (${c.section}): ${c.command}`;

describe('README sh blocks: every command is accounted for', () => {
  it('finds the commands, starting with the two of the first block', () => {
    expect(commands.length).toBeGreaterThan(10);
    expect(commands[0].command).toBe('npm ci && npm run demo');
    expect(commands[1].command).toBe('npm ci && npm test');
  });

  it('each command run elsewhere is in the file of the test that runs it', () => {
    for (const c of commands) {
      const e = elsewhere(c);
      if (!e) continue;
      const file = path.join(REPO, e.file);
      expect(existsSync(file), `${where(c)}: ${e.file} (which ${e.reason}) does not exist`).toBe(true);
      expect(readFileSync(file, 'utf8'), `${where(c)}: ${e.file} does not run it`).toContain(e.needle);
    }
  });

  it('the README tells the reader where to set CLOUDTALLY_URL', () => {
    expect(CLIENT_ENV_FROM_LINE).toBeGreaterThan(0);
  });

  it('each command run here can be run as written: no <placeholders>, only variables this test provides', () => {
    const problems: string[] = [];
    for (const c of runHere) {
      if (/<[A-Za-z][^>]*>/.test(c.command.replace(/'[^']*'/g, '')))
        problems.push(`${where(c)}: uses a <placeholder>; use a shell variable`);
      for (const v of variablesOf(c.command))
        if (!KNOWN.has(v)) problems.push(`${where(c)}: uses $${v}, which this test does not provide`);
    }
    expect(problems).toEqual([]);
  });
});

describe('README sh blocks: the commands run', () => {
  let sim: Simulator;
  let t: TestServer;
  let pgDb: TestDatabase;
  let work: string;
  let restoreEnv: (() => void) | undefined;
  const lazy = new Map<Lazy, string>();

  const api = async <T>(p: string): Promise<T> => {
    const res = await t.request(p, { token: t.users.manager.token });
    if (res.status !== 200) throw new Error(`${p}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  async function poll<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** The IDs the README tells the reader to look up, looked up the same way (through the API) when first used. */
  async function resolve(name: Lazy): Promise<string> {
    const known = lazy.get(name);
    if (known) return known;
    let value: string;
    if (name === 'ACCOUNT_ID') {
      const { items } = await api<{ items: { id: string; awsAccountId: string | null }[] }>(
        '/api/v1/cloud-accounts',
      );
      const payer = items.find((a) => a.awsAccountId === SMALL_PAYER.awsAccountId);
      if (!payer) throw new Error('the README uses $ACCOUNT_ID before a command connected the account');
      value = payer.id;
    } else if (name === 'RUN_ID') {
      const account = await resolve('ACCOUNT_ID');
      const { items } = await api<{ items: { id: string }[] }>(`/api/v1/cloud-accounts/${account}/sync-runs`);
      if (!items[0]) throw new Error('the README uses $RUN_ID before the account has a sync run');
      value = items[0].id;
    } else {
      // Recommendations appear once the syncs that the README's connect commands started have finished.
      value = await poll('an open recommendation', 120_000, async () => {
        const { items } = await api<{ items: { id: string }[] }>('/api/v1/recommendations');
        return items[0]?.id;
      });
    }
    lazy.set(name, value);
    return value;
  }

  async function envFor(c: ReadmeCommand): Promise<NodeJS.ProcessEnv> {
    const env: NodeJS.ProcessEnv = {};
    // The developer's own Cloudtally and AWS settings stay out; the test's stand in for them.
    for (const [k, v] of Object.entries(process.env))
      if (!k.startsWith('CLOUDTALLY_') && !k.startsWith('AWS_') && !k.startsWith('BENCH_')) env[k] = v;
    if (CLIENT_ENV_FROM_LINE >= 0 && c.line > CLIENT_ENV_FROM_LINE) {
      // The server the README's commands talk to, and the identity of its Organization Manager.
      env.CLOUDTALLY_URL = t.url;
      env.CLOUDTALLY_TOKEN = t.users.manager.token;
    }
    Object.assign(env, {
      PATH: `${path.join(work, '.bin')}${path.delimiter}${process.env.PATH ?? ''}`,
      // A server the README starts listens on a free port rather than 8080.
      CLOUDTALLY_PORT: '0',
      CLOUDTALLY_LOG_LEVEL: 'warn',
      // The host's AWS identity is the simulator's host user; AWS is the simulator.
      CLOUDTALLY_AWS_ENDPOINT_URL: sim.url,
      CLOUDTALLY_AWS_PRINCIPAL_ARN: HOST_PRINCIPAL,
      AWS_ACCESS_KEY_ID: sim.hostCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: sim.hostCredentials.secretAccessKey,
      AWS_REGION: 'us-east-1',
      // The reader's payer account, its CUR 2.0 export and a member account: the small scenario's.
      AWS_ACCOUNT_ID: SMALL_PAYER.awsAccountId,
      EXPORT_NAME: SMALL_PAYER.exportName,
      BUCKET: SMALL_PAYER.bucket,
      PREFIX: SMALL_PAYER.prefix,
      MEMBER_ACCOUNT_ID: SMALL_MEMBER.awsAccountId,
      DATABASE_URL: pgDb.databaseUrl,
    });
    for (const v of variablesOf(c.command))
      if ((LAZY_VARIABLES as readonly string[]).includes(v)) env[v] = await resolve(v as Lazy);
    return env;
  }

  beforeAll(async () => {
    // The reader creates the member's role from the `linked` template, which allows the load balancer and
    // CloudWatch reads that the small scenario's bare role lacks.
    const scenario = structuredClone(loadScenario('small'));
    const memberRole = scenario.roles.find(
      (r) => r.accountId === SMALL_MEMBER.awsAccountId && r.name === SMALL_MEMBER.roleName,
    );
    memberRole?.allow.push('elasticloadbalancing:Describe*', 'cloudwatch:List*');
    sim = await startSimulator(scenario, { now: new Date() });
    restoreEnv = useHostIdentity(sim);
    t = await startTestServer({ config: { awsEndpointUrl: sim.url, awsPrincipalArn: HOST_PRINCIPAL } });
    const setup = await api<{ externalId: string }>('/api/v1/setup/aws');
    // As the reader does when creating the roles from the setup template: they trust this organization.
    trustOrganization(sim, setup.externalId, [SMALL_PAYER.roleArn, SMALL_MEMBER.roleArn]);
    await t.ctx.sync.start({ worker: true, scheduler: false });
    pgDb = await createTestDatabase('postgres');
    work = mkdtempSync(path.join(tmpdir(), 'cloudtally-readme-'));
    mkdirSync(path.join(work, '.bin'));
    // `npm link` puts the package's bin on PATH; a symlink in a private bin directory does the same here.
    symlinkSync(BIN, path.join(work, '.bin', 'cloudtally'));
  });

  afterAll(async () => {
    await t?.close();
    await sim?.close();
    await pgDb?.destroy();
    restoreEnv?.();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it.each(runHere.map((c) => [`README.md:${c.line}: ${c.command}`, c] as const))(
    '%s',
    async (_name, c) => {
      const env = await envFor(c);
      // npm scripts belong to the checkout; everything else runs where a user would: any directory.
      const cwd = /^npm\b/.test(leadingWords(c.command)[0] ?? '') ? REPO : work;
      const words = leadingWords(c.command).join(' ');
      const long = LONG_RUNNING.find((l) => l.match.test(words));
      if (long) {
        const running = await startLongRunning(c.command, {
          cwd,
          env,
          timeoutMs: 120_000,
          ready: long.ready,
          stopBy: long.stopBy,
          input: long.mcp ? MCP_INITIALIZE : undefined,
        });
        // Stopped once it has done its work at least once (answered a request), not the instant it printed its line.
        const url = long.ready.exec(running.readyOutput)?.[1];
        if (long.serving && url) {
          const res = await fetch(long.serving(url), { signal: AbortSignal.timeout(30_000) });
          expect(res.status, `${where(c)}: ${long.serving(url)} answered ${res.status}`).toBe(200);
        }
        const ended = await running.stop();
        expect(
          { code: ended.code, signal: ended.signal },
          `${where(c)} did not stop cleanly:\n${ended.stdout}\n${ended.stderr}`,
        ).toEqual({ code: 0, signal: null });
        return;
      }
      const r = await runCommand(c.command, { cwd, env, timeoutMs: 170_000 });
      expect(r.code, `${where(c)} failed:\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
    },
    180_000,
  );
});
