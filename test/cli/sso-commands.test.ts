import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcProvider, type TestProvider } from '../helpers/oidc-provider.js';
import { runCli, scratchDir, startCliServer, type CliServer, type Scratch } from './cli-support.js';

// `cloudtally sso show|set|remove` as processes against a `cloudtally serve` process, with a real OpenID provider
// (oidc-provider) in this test process: the settings are set, changed in part and removed, the client secret is
// read from standard input and never printed, and a bad value is refused naming the option.

describe('cloudtally sso', { timeout: 240_000 }, () => {
  let scratch: Scratch;
  let server: CliServer | undefined;
  let idp: TestProvider;
  let env: Record<string, string>;

  const cli = (args: string[], input?: string) => runCli(args, { cwd: scratch.dir, env, input });

  beforeAll(async () => {
    scratch = scratchDir('sso');
    const dataDir = path.join(scratch.dir, 'data');
    const bootstrap = (args: string[]) => runCli(args, { cwd: scratch.dir });
    const user = await bootstrap([
      ...['users', 'create', '--data-dir', dataDir, '--org', 'Acme'],
      ...['--email', 'owner@acme.test', '--password', 'owner-password'],
    ]);
    expect(user.code, user.stderr).toBe(0);
    const token = await bootstrap([
      ...['tokens', 'create', '--data-dir', dataDir, '--email', 'owner@acme.test', '--name', 'sso'],
    ]);
    expect(token.code, token.stderr).toBe(0);
    server = await startCliServer(['--port', '0', '--data-dir', dataDir], { cwd: scratch.dir });
    idp = await startOidcProvider([`${server.url}/api/v1/auth/sso/callback`]);
    env = { CLOUDTALLY_URL: server.url, CLOUDTALLY_TOKEN: token.stdout.trim() };
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    await idp?.close();
    scratch?.remove();
  });

  it('shows the redirect URI to register while nothing is set up', async () => {
    const r = await cli(['sso', 'show']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Single sign-on is not set up');
    expect(r.stdout).toContain(`${server!.url}/api/v1/auth/sso/callback`);
  });

  it('sets the provider with the secret from standard input, and never prints the secret', async () => {
    const set = await cli(
      [
        ...[
          'sso',
          'set',
          '--issuer',
          idp.issuer,
          '--client-id',
          idp.clientId,
          '--domains',
          'acme.test, acme.dev',
        ],
        ...['--client-secret-stdin', '--role-claim', 'groups', '--manager-values', 'finops-admins'],
        ...['--default-role', 'viewer', '--just-in-time'],
      ],
      `${idp.clientSecret}\n`,
    );
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain('saved; the provider answered with its OpenID configuration');
    expect(set.stdout).toMatch(/client secret\s+set \(stored encrypted, never shown\)/);
    const shown = await cli(['sso', 'show']);
    expect(shown.stdout).toMatch(/issuer\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(shown.stdout).toMatch(/allowed domains\s+acme\.test, acme\.dev/);
    expect(shown.stdout).toMatch(/role map\s+manager ← finops-admins/);
    expect(shown.stdout).toMatch(/just-in-time members\s+yes/);
    const json = await cli(['sso', 'show', '--json']);
    const parsed = JSON.parse(json.stdout) as { config: { clientSecretSet: boolean; defaultRole: string } };
    expect(parsed.config).toMatchObject({ clientSecretSet: true, defaultRole: 'viewer' });
    for (const out of [set, shown, json]) expect(out.stdout + out.stderr).not.toContain(idp.clientSecret);
  });

  it('changes only what is given, keeping the stored secret', async () => {
    const r = await cli(['sso', 'set', '--sso-required', '--break-glass', 'owner@acme.test', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const saved = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(saved).toMatchObject({
      issuer: idp.issuer,
      clientSecretSet: true,
      allowedDomains: ['acme.test', 'acme.dev'],
      ssoRequired: true,
      breakGlassEmail: 'owner@acme.test',
      justInTime: true,
    });
    expect(r.stdout).not.toContain(idp.clientSecret);
  });

  it('refuses a bad value naming the option, and changes nothing', async () => {
    const role = await cli(['sso', 'set', '--default-role', 'boss']);
    expect(role.code).not.toBe(0);
    expect(role.stderr).toContain('--default-role must be one of');
    const issuer = await cli(['sso', 'set', '--issuer', `${idp.issuer}/realms/nope`]);
    expect(issuer.code).not.toBe(0);
    expect(issuer.stderr).toContain('issuer');
    const empty = await cli(['sso', 'set', '--client-secret-stdin'], '');
    expect(empty.code).not.toBe(0);
    expect(empty.stderr).toContain('--client-secret-stdin: standard input was empty');
    const shown = JSON.parse((await cli(['sso', 'show', '--json'])).stdout) as {
      config: { issuer: string; defaultRole: string };
    };
    expect(shown.config).toMatchObject({ issuer: idp.issuer, defaultRole: 'viewer' });
  });

  it('removes single sign-on', async () => {
    const r = await cli(['sso', 'remove']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('single sign-on removed\n');
    expect((await cli(['sso', 'show'])).stdout).toContain('Single sign-on is not set up');
  });
});
