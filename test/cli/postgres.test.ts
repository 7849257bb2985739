import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../src/store/migrations/index.js';
import { createPostgresDatabase, type TestDatabase } from '../helpers/stores.js';
import { runCli, scratchDir, startCliServer, type CliServer, type Scratch } from './cli-support.js';

/** Server mode: the same bootstrap flow with --database-url, on a fresh PostgreSQL database. */
describe('cloudtally in server mode (--database-url)', () => {
  let db: TestDatabase;
  let scratch: Scratch;
  let server: CliServer | undefined;
  // Processes that share one database share the master key through the environment.
  const env = { CLOUDTALLY_SECRET_KEY: randomBytes(32).toString('base64') };

  beforeAll(async () => {
    db = await createPostgresDatabase();
    scratch = scratchDir('pg');
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await db?.destroy();
    scratch?.remove();
  });

  const cli = (args: string[]) => runCli(args, { cwd: scratch.dir, env });

  it('migrates, creates the first user, serves, signs in, and takes CLI changes while serving', async () => {
    const url = db.databaseUrl ?? '';
    expect(url).toMatch(/^postgres:\/\//);
    const migrated = await cli(['migrate', '--database-url', url]);
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toBe(`applied migrations ${migrations.map((m) => m.id).join(', ')}\n`);

    const created = await cli([
      'users',
      'create',
      '--database-url',
      url,
      '--org',
      'Acme',
      '--email',
      'owner@acme.test',
      '--role',
      'manager',
      '--password',
      'owner-password',
    ]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toBe(
      'created user owner@acme.test as manager of Acme (new organization) (instance administrator)\n',
    );

    server = await startCliServer(['--port', '0', '--database-url', url], { cwd: scratch.dir, env });
    const health = (await (await fetch(`${server.url}/api/v1/health`)).json()) as { engine: string };
    expect(health.engine).toBe('postgres');
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@acme.test', password: 'owner-password' }),
    });
    expect(login.status).toBe(200);

    // PostgreSQL is shared: bootstrap commands work beside a running server.
    const engineer = await cli([
      'users',
      'create',
      '--database-url',
      url,
      '--org',
      'Acme',
      '--email',
      'eng@acme.test',
      '--role',
      'engineer',
      '--password',
      'engineer-password',
    ]);
    expect(engineer.code).toBe(0);
    const token = await cli([
      'tokens',
      'create',
      '--database-url',
      url,
      '--email',
      'eng@acme.test',
      '--name',
      'ci',
    ]);
    expect(token.code).toBe(0);
    expect(token.stdout).toMatch(/^ct_[\w-]{20,}\n$/);
    const me = await fetch(`${server.url}/api/v1/auth/me`, {
      headers: { authorization: `Bearer ${token.stdout.trim()}` },
    });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ role: 'engineer', organization: { name: 'Acme' } });

    const stopped = await server.stop('SIGTERM');
    server = undefined;
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toContain('"msg":"stopped"');
  });
});
