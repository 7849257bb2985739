import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { createAppContext, type AppContext, type ContextOptions } from '../../src/app/context.js';
import { startServer, type RunningServer } from '../../src/api/server.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import type { Role } from '../../src/auth/permissions.js';
import type { RouteRegistrar } from '../../src/api/route-kit.js';
import type { Engine } from '../../src/store/store.js';
import { createTestDatabase, type TestDatabase } from './stores.js';

export interface TestUser {
  email: string;
  password: string;
  role: Role;
  orgId: string;
  userId: string;
  token: string;
}

export interface TestServer {
  url: string;
  ctx: AppContext;
  server: RunningServer;
  db: TestDatabase;
  /** Everything the server logged, as text (to check that secrets never appear). */
  logs(): string;
  /** Users of organization "Org A" (manager, engineer, viewer) and "Org B" (manager), each with an API token. */
  users: { manager: TestUser; engineer: TestUser; viewer: TestUser; otherManager: TestUser };
  /** fetch against the server with a bearer token; JSON bodies are encoded. */
  request(
    path: string,
    init?: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  close(): Promise<void>;
}

function memoryLog(level: string): { log: Logger; text: () => string } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return { log: pino({ level }, sink), text: () => chunks.join('') };
}

/**
 * A real Cloudtally server on a free port over a fresh database of the given engine, with two organizations
 * and users of every role. `config` overrides settings (e.g. awsEndpointUrl of a simulator).
 */
export async function startTestServer(
  options: {
    engine?: Engine;
    config?: Partial<Record<keyof Config, unknown>>;
    seedUsers?: boolean;
    /** Routes only a test needs, registered like the product's own. */
    extraRoutes?: RouteRegistrar[];
    /** A database that holds data already (e.g. written before a migration); default: a fresh one. */
    db?: TestDatabase;
    /** The clock, or a fetch for the calls to OpenID providers. */
    context?: Pick<ContextOptions, 'clock' | 'oidcFetch'>;
  } = {},
): Promise<TestServer> {
  const db = options.db ?? (await createTestDatabase(options.engine ?? 'duckdb'));
  const config = loadConfig(
    {
      dataDir: db.dataDir,
      databaseUrl: db.databaseUrl,
      port: 0,
      secretKey: randomBytes(32).toString('base64'),
      logLevel: 'debug',
      scheduler: false,
      ...options.config,
    },
    {},
  );
  const { log, text } = memoryLog(config.logLevel);
  const store = await db.open();
  const ctx = await createAppContext(config, { ...options.context, log, store });
  const server = await startServer(ctx, { port: 0, host: '127.0.0.1', extraRoutes: options.extraRoutes });
  const mk = async (org: string, email: string, role: Role): Promise<TestUser> => {
    const password = `pw-${randomBytes(8).toString('hex')}`;
    const created = await ctx.auth.createUser({ org, email, role, password });
    const token = await ctx.auth.createToken(
      { userId: created.user.id, orgId: created.organization.id, email },
      'test',
    );
    return {
      email,
      password,
      role,
      orgId: created.organization.id,
      userId: created.user.id,
      token: token.token,
    };
  };
  const users =
    options.seedUsers === false
      ? (undefined as unknown as TestServer['users'])
      : {
          manager: await mk('Org A', 'manager@a.test', 'manager'),
          engineer: await mk('Org A', 'engineer@a.test', 'engineer'),
          viewer: await mk('Org A', 'viewer@a.test', 'viewer'),
          otherManager: await mk('Org B', 'manager@b.test', 'manager'),
        };
  return {
    url: server.url,
    ctx,
    server,
    db,
    users,
    logs: text,
    request(path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      if (init.token) headers.authorization = `Bearer ${init.token}`;
      let body: string | undefined;
      if (init.body !== undefined) {
        headers['content-type'] ??= 'application/json';
        body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      }
      // Redirects come back as they are (the single sign-on callback answers with one), as a browser would see them.
      return fetch(server.url + path, { method: init.method ?? 'GET', headers, body, redirect: 'manual' });
    },
    async close() {
      await server.close();
      await ctx.close();
      await db.destroy();
    },
  };
}
