import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_MAP } from '../../src/lib/errors.js';
import { runCli, scratchDir, startCliServer, type CliServer, type Scratch } from './cli-support.js';

/**
 * The first-run path on the embedded engine, as a newcomer takes it: create the first user before any server,
 * create a token, serve, sign in; then the CLI through the server, and a clean stop on SIGTERM.
 */
describe('cloudtally on the embedded engine: bootstrap, serve, client mode, shutdown', () => {
  let scratch: Scratch;
  let dataDir: string;
  let server: CliServer | undefined;
  let token = '';
  let generatedPassword = '';
  const password = 'first-manager-password';

  beforeAll(() => {
    scratch = scratchDir('boot');
    dataDir = path.join(scratch.dir, 'data');
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    scratch.remove();
  });

  const cli = (args: string[], env?: Record<string, string | undefined>) =>
    runCli(args, { cwd: scratch.dir, env });

  it('creates the first user and the organization before the first serve', async () => {
    const r = await cli([
      'users',
      'create',
      '--data-dir',
      dataDir,
      '--org',
      'Acme',
      '--email',
      'Owner@Acme.test',
      '--role',
      'manager',
      '--password',
      password,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'created user owner@acme.test as manager of Acme (new organization) (instance administrator)\n',
    );
    // The vault's key file is generated at first start, readable by its owner only.
    const keyFile = path.join(dataDir, 'secret.key');
    expect(existsSync(keyFile)).toBe(true);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(existsSync(path.join(dataDir, 'cloudtally.duckdb'))).toBe(true);
  });

  it('adds a second user to the existing organization', async () => {
    const r = await cli([
      'users',
      'create',
      '--data-dir',
      dataDir,
      '--org',
      'Acme',
      '--email',
      'eng@acme.test',
      '--role',
      'engineer',
      '--password',
      'engineer-password',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      user: { email: 'eng@acme.test' },
      organization: { name: 'Acme', role: 'engineer' },
      createdOrganization: false,
      createdUser: true,
    });
  });

  it('generates and prints a password when none is given and there is no terminal to ask on', async () => {
    const r = await cli([
      'users',
      'create',
      '--data-dir',
      dataDir,
      '--org',
      'Acme',
      '--email',
      'gen@acme.test',
      '--role',
      'viewer',
    ]);
    expect(r.code).toBe(0);
    const match = /^created user gen@acme\.test as viewer of Acme\npassword: (\S{20})\n$/.exec(r.stdout);
    if (!match) throw new Error(`unexpected output: ${r.stdout}`);
    generatedPassword = match[1];
  });

  it('prints only the token from `tokens create`', async () => {
    const r = await cli([
      'tokens',
      'create',
      '--data-dir',
      dataDir,
      '--email',
      'owner@acme.test',
      '--name',
      'ci',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ct_[\w-]{20,}\n$/);
    expect(r.stderr).toBe('');
    token = r.stdout.trim();
  });

  it('serves, printing the listening line, and the first user signs in over HTTP', async () => {
    server = await startCliServer(['--port', '0', '--data-dir', dataDir], { cwd: scratch.dir });
    expect(server.port).toBeGreaterThan(0);
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@acme.test', password }),
    });
    expect(login.status).toBe(200);
    expect(login.headers.get('set-cookie')).toMatch(/^ct_session=/);
    const body = (await login.json()) as { user: { email: string }; organizations: { name: string }[] };
    expect(body.user.email).toBe('owner@acme.test');
    expect(body.organizations.map((o) => o.name)).toEqual(['Acme']);
    const me = await fetch(`${server.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ role: 'manager', organization: { name: 'Acme' } });
    const wrong = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@acme.test', password: 'not-the-password' }),
    });
    expect(wrong.status).toBe(401);
    const generated = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'gen@acme.test', password: generatedPassword }),
    });
    expect(generated.status).toBe(200);
  });

  it('says clearly that the running server holds the data directory', async () => {
    const r = await cli([
      'users',
      'create',
      '--data-dir',
      dataDir,
      '--org',
      'Acme',
      '--email',
      'late@acme.test',
      '--password',
      'late-user-password',
    ]);
    expect(r.code).toBe(ERROR_MAP.unavailable.exit);
    expect(r.stderr).toMatch(/held by another Cloudtally process \(a running server\?\)/);
    expect(r.stderr).toContain('CLOUDTALLY_URL');
    expect(r.stdout).toBe('');
  });

  it('goes through the server API when CLOUDTALLY_URL and CLOUDTALLY_TOKEN are set', async () => {
    if (!server) throw new Error('the server runs');
    const env = { CLOUDTALLY_URL: server.url, CLOUDTALLY_TOKEN: token };
    // Through a server nobody types another person's password: `users create` invites the address.
    const typed = await cli(
      ['users', 'create', '--email', 'viewer@acme.test', '--role', 'viewer', '--password', 'viewer-password'],
      env,
    );
    expect(typed.code).toBe(ERROR_MAP.input.exit);
    expect(typed.stderr).toContain('--password works on the database only');
    const added = await cli(['users', 'create', '--email', 'viewer@acme.test', '--role', 'viewer'], env);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const lines = added.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^invited viewer@acme\.test as viewer of Acme \(valid until \d{4}-\d\d-\d\dT/);
    expect(lines[1]).toBe('no e-mail channel: pass on this one-time link yourself');
    const linkToken = /\/accept-invitation#(ct_inv_\S+)$/.exec(lines[2])?.[1];
    expect(linkToken).toBeDefined();
    // The person accepts with the link and chooses their own password.
    const accepted = await fetch(`${server.url}/api/v1/invitations/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: linkToken, password: 'viewer-chosen-password' }),
    });
    expect(accepted.status).toBe(200);

    const wrongOrg = await cli(['users', 'create', '--org', 'Other', '--email', 'x@acme.test'], env);
    expect(wrongOrg.code).toBe(ERROR_MAP.input.exit);
    expect(wrongOrg.stderr).toContain('belongs to organization "Acme"');

    const listed = await cli(['users', 'list', '--json'], env);
    expect(listed.code).toBe(0);
    const members = (JSON.parse(listed.stdout) as { items: { email: string; role: string }[] }).items;
    expect(members.map((m) => `${m.email}:${m.role}`).sort()).toEqual([
      'eng@acme.test:engineer',
      'gen@acme.test:viewer',
      'owner@acme.test:manager',
      'viewer@acme.test:viewer',
    ]);
    const table = await cli(['users', 'list'], env);
    expect(table.stdout.split('\n')[0]).toMatch(
      /^Email\s+Role\s+Manage cloud credentials\s+Status\s+Joined$/,
    );

    const created = await cli(['tokens', 'create', '--name', 'script'], env);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^ct_[\w-]{20,}\n$/);
    const tokens = JSON.parse((await cli(['tokens', 'list', '--json'], env)).stdout) as {
      items: { id: string; name: string; revokedAt: string | null }[];
    };
    expect(tokens.items.map((t) => t.name).sort()).toEqual(['ci', 'script']);
    expect(JSON.stringify(tokens)).not.toContain(created.stdout.trim());
    const script = tokens.items.find((t) => t.name === 'script');
    if (!script) throw new Error('the new token is listed');
    const revoked = await cli(['tokens', 'revoke', script.id], env);
    expect(revoked.code).toBe(0);
    const after = await fetch(`${server.url}/api/v1/auth/me`, {
      headers: { authorization: `Bearer ${created.stdout.trim()}` },
    });
    expect(after.status).toBe(401);

    const denied = await cli(['users', 'list'], { ...env, CLOUDTALLY_TOKEN: 'ct_not-a-token' });
    expect(denied.code).toBe(ERROR_MAP.unauthenticated.exit);
    expect(denied.stderr).toMatch(/^error: /);
  });

  it('stops cleanly on SIGTERM and releases the data directory', async () => {
    if (!server) throw new Error('the server runs');
    const stopped = await server.stop('SIGTERM');
    server = undefined;
    expect(stopped.signal).toBeNull();
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toContain('"msg":"shutting down"');
    expect(stopped.stderr).toContain('"msg":"stopped"');
    const tokens = await cli([
      'tokens',
      'list',
      '--data-dir',
      dataDir,
      '--email',
      'owner@acme.test',
      '--json',
    ]);
    expect(tokens.code).toBe(0);
    expect((JSON.parse(tokens.stdout) as { items: unknown[] }).items).toHaveLength(2);
  });
});
