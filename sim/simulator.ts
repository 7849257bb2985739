import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { loadScenario } from './scenario/load.js';
import { RoleSchema, type FaultSpec, type Scenario } from './scenario/schema.js';
import { buildWorld, type OptInStatus, type Role, type World } from './world/world.js';
import { hexId } from './world/ids.js';
import { generateExports, type GenerationResult } from './gen/generate.js';
import type { GroundTruth } from './gen/truth.js';
import { FaultRegistry } from './server/faults.js';
import { createSimServer } from './server/http.js';
import type { ServiceModule, SimState } from './server/types.js';
import { sts } from './services/sts.js';
import { s3 } from './services/s3.js';
import { SERVICES_EXTRA } from './services/registry.js';

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Where buckets and truth live; a temporary folder (removed on close) by default. */
  dataDir?: string;
  /** The simulator's clock for billing data and metrics; the scenario's `now`, else the current time. */
  now?: Date;
  /** Rows per export data file before a period is split (default 2,000,000). */
  rowsPerFile?: number;
}

export interface RoleInput {
  accountId: string;
  name: string;
  trust: { principals: string[]; externalId?: string };
  externalId?: string;
  allow?: string[];
  buckets?: string[];
  maxSessionSeconds?: number;
}

export interface Simulator {
  url: string;
  port: number;
  scenario: Scenario;
  world: World;
  truth: GroundTruth;
  dataDir: string;
  /** Cloudtally's own identity (its "default credential chain"). */
  hostCredentials: { accessKeyId: string; secretAccessKey: string };
  /** Environment that points SDK clients at the simulator with the host identity. */
  env(): Record<string, string>;
  close(): Promise<void>;
  injectFault(fault: FaultSpec): void;
  clearFaults(): void;
  /** Sets the external ID a role's trust policy requires (undefined: none); `*` sets it on every role that requires one. */
  setRoleExternalId(roleArn: string, externalId: string | undefined): void;
  addRole(role: RoleInput): Role;
  addAccount(account: { id: string; name: string; email?: string }): void;
  /** Removes an instance, volume, snapshot, image, address or load balancer by ID/ARN; true if found. */
  removeResource(id: string): boolean;
  /** Writes a new refresh of a billing period (new manifest and data, changed figures) and updates the truth. */
  restatePeriod(period: string): Promise<GroundTruth>;
  /** Makes every issued session token expired. */
  expireSessions(): void;
  /**
   * Opts every account in to a region that needs it, or out again: DescribeRegions reports the new status and
   * calls signed for the region work (opted-in) or fail as AWS fails them (not-opted-in).
   */
  setRegionOptIn(region: string, status: OptInStatus): void;
  /** Calls served per `service:Operation`. */
  calls(): Record<string, number>;
}

const SERVICES: Record<string, ServiceModule> = { sts, s3, ...SERVICES_EXTRA };

/** Starts the simulator for a scenario (object or path), generating its billing exports first. */
export async function startSimulator(
  scenarioIn: Scenario | string,
  opts: SimulatorOptions = {},
): Promise<Simulator> {
  const scenario = typeof scenarioIn === 'string' ? loadScenario(scenarioIn) : loadScenario(scenarioIn);
  const now = opts.now ?? (scenario.now ? new Date(scenario.now) : new Date());
  const ownsDir = !opts.dataDir;
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'cloudtally-sim-'));
  const world = buildWorld(scenario, now);
  const revisions: Record<string, number> = {};
  let gen: GenerationResult = await generateExports(scenario, {
    dataDir,
    now,
    world,
    rowsPerFile: opts.rowsPerFile,
  });
  const state: SimState = {
    scenario,
    world,
    dataDir,
    bucketsDir: path.join(dataDir, 'buckets'),
    sessions: new Map(),
    faults: new FaultRegistry(),
    truth: gen.truth,
    ce: gen.ce,
    calls: new Map(),
  };
  for (const f of scenario.faults) state.faults.add(f);

  const api: Omit<Simulator, 'url' | 'port' | 'close' | 'truth'> = {
    scenario,
    world,
    dataDir,
    hostCredentials: {
      accessKeyId: scenario.host.accessKeyId,
      secretAccessKey: scenario.host.secretAccessKey,
    },
    env: () => ({}),
    injectFault: (f) => state.faults.add(f),
    clearFaults: () => state.faults.clear(),
    setRoleExternalId(roleArn, externalId) {
      if (roleArn === '*') {
        for (const r of world.roles) if (r.externalId !== undefined) r.externalId = externalId;
        return;
      }
      const role = world.roles.find((r) => r.arn === roleArn);
      if (!role) throw new Error(`no role ${roleArn} in the scenario`);
      role.externalId = externalId;
    },
    addRole(input) {
      const r = RoleSchema.parse(input);
      const role: Role = {
        kind: 'role',
        arn: `arn:aws:iam::${r.accountId}:role/${r.name}`,
        roleId: `AROA${hexId(scenario.seed, 'role', r.accountId, r.name).slice(0, 17).toUpperCase()}`,
        accountId: r.accountId,
        name: r.name,
        allow: r.allow,
        buckets: r.buckets,
        trustPrincipals: r.trust.principals,
        externalId: r.trust.externalId ?? r.externalId,
        maxSessionSeconds: r.maxSessionSeconds,
      };
      world.roles = [...world.roles.filter((x) => x.arn !== role.arn), role];
      return role;
    },
    addAccount(a) {
      if (world.accounts.some((x) => x.id === a.id)) return;
      world.accounts.push({
        id: a.id,
        name: a.name,
        email: a.email ?? `aws+${a.id}@example.com`,
        joinedAt: Math.floor(Date.now() / 1000),
        status: 'ACTIVE',
      });
    },
    removeResource(id) {
      const before = countResources(world);
      world.instances = world.instances.filter((x) => x.id !== id);
      world.volumes = world.volumes.filter((x) => x.id !== id);
      world.snapshots = world.snapshots.filter((x) => x.id !== id && x.arn !== id);
      world.images = world.images.filter((x) => x.id !== id);
      world.addresses = world.addresses.filter((x) => x.allocationId !== id && x.publicIp !== id);
      world.loadBalancers = world.loadBalancers.filter((x) => x.arn !== id && x.name !== id);
      return countResources(world) < before;
    },
    async restatePeriod(period) {
      if (!/^\d{4}-\d{2}$/.test(period)) throw new Error(`period must be YYYY-MM, got ${period}`);
      revisions[period] = (revisions[period] ?? 0) + 1;
      gen = await generateExports(scenario, {
        dataDir,
        now,
        world,
        revisions: { ...revisions },
        periods: [period],
        previous: gen,
        rowsPerFile: opts.rowsPerFile,
      });
      state.truth = gen.truth;
      state.ce = gen.ce;
      return gen.truth;
    },
    expireSessions() {
      for (const s of state.sessions.values()) s.expiration = Date.now() - 1000;
    },
    setRegionOptIn(region, status) {
      if (world.regions.includes(region) && !(region in world.optInRegions)) {
        throw new Error(`${region} needs no opt-in in this scenario`);
      }
      world.optInRegions[region] = status;
      world.regions = [
        ...world.regions.filter((r) => !(r in world.optInRegions)),
        ...Object.keys(world.optInRegions).filter((r) => world.optInRegions[r] === 'opted-in'),
      ];
    },
    calls: () => Object.fromEntries(state.calls),
  };

  const server = createSimServer(state, SERVICES, (req, body, res) => control(api, state, req, body, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const sim: Simulator = {
    ...api,
    url,
    port,
    get truth() {
      return state.truth;
    },
    env: () => ({
      AWS_ENDPOINT_URL: url,
      AWS_ACCESS_KEY_ID: scenario.host.accessKeyId,
      AWS_SECRET_ACCESS_KEY: scenario.host.secretAccessKey,
      AWS_REGION: 'us-east-1',
    }),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownsDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return sim;
}

function countResources(w: World): number {
  return (
    w.instances.length +
    w.volumes.length +
    w.snapshots.length +
    w.images.length +
    w.addresses.length +
    w.loadBalancers.length
  );
}

type Api = Omit<Simulator, 'url' | 'port' | 'close' | 'truth'>;

/** Control routes for other processes: the same operations as the programmatic API. */
async function control(
  api: Api,
  state: SimState,
  req: IncomingMessage,
  body: Buffer,
  res: ServerResponse,
): Promise<void> {
  const reply = (status: number, value?: unknown): void => {
    const text = value === undefined ? '' : JSON.stringify(value);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  let input: Record<string, unknown> = {};
  try {
    input = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
  } catch {
    return reply(400, { error: 'body must be JSON' });
  }
  const route = `${req.method} ${(req.url ?? '').split('?')[0]}`;
  try {
    switch (route) {
      case 'GET /_sim/health':
        return reply(200, { ok: true });
      case 'GET /_sim/truth':
        return reply(200, state.truth);
      case 'GET /_sim/faults':
        return reply(200, state.faults.list());
      case 'POST /_sim/faults':
        api.injectFault(input as unknown as FaultSpec);
        return reply(204);
      case 'DELETE /_sim/faults':
        api.clearFaults();
        return reply(204);
      case 'POST /_sim/roles/external-id':
        api.setRoleExternalId(
          String(input.roleArn),
          input.externalId === undefined || input.externalId === null ? undefined : String(input.externalId),
        );
        return reply(204);
      case 'POST /_sim/roles':
        return reply(200, { arn: api.addRole(input as unknown as RoleInput).arn });
      case 'POST /_sim/accounts':
        api.addAccount({
          id: String(input.id),
          name: String(input.name),
          email: input.email ? String(input.email) : undefined,
        });
        return reply(204);
      case 'POST /_sim/resources/remove':
        return reply(api.removeResource(String(input.id)) ? 204 : 404);
      case 'POST /_sim/restate':
        await api.restatePeriod(String(input.period));
        return reply(200, state.truth);
      case 'POST /_sim/sessions/expire':
        api.expireSessions();
        return reply(204);
      case 'POST /_sim/regions/opt-in': {
        const status = String(input.status);
        if (status !== 'opted-in' && status !== 'not-opted-in') {
          return reply(400, { error: 'status must be opted-in or not-opted-in' });
        }
        api.setRegionOptIn(String(input.region), status);
        return reply(204);
      }
      case 'GET /_sim/calls':
        return reply(200, api.calls());
      default:
        return reply(404, { error: `no control route ${route}` });
    }
  } catch (err) {
    return reply(400, { error: (err as Error).message });
  }
}
