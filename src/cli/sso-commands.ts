import type { Command } from 'commander';
import { ROLES, type Role } from '../auth/permissions.js';
import { InputError } from '../lib/errors.js';
import { ok, requireActor, withApi } from './client.js';
import { action, orgOptions, printJson, type OrgFlags } from './common.js';

/**
 * `cloudtally sso`: the organization's single sign-on (OpenID Connect) settings, for its managers. The client
 * secret is read from standard input only (never a flag: it would stay in shell history and `ps`), and no command
 * prints it — the server never answers it.
 */

interface SetFlags extends OrgFlags {
  as?: string;
  issuer?: string;
  clientId?: string;
  clientSecretStdin?: boolean;
  scopes?: string;
  domains?: string;
  roleClaim?: string;
  managerValues?: string;
  engineerValues?: string;
  viewerValues?: string;
  defaultRole?: string;
  justInTime?: boolean;
  requireVerifiedEmail?: boolean;
  ssoRequired?: boolean;
  breakGlass?: string;
}

const ACTS = 'who acts, when working on the data directory without a server (a manager)';

/** "a, b,,c" → ["a", "b", "c"]. */
const list = (value: string): string[] =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY)
    throw new InputError(
      'client-secret-stdin',
      '--client-secret-stdin reads the secret from standard input: pipe it in (e.g. `< secret.txt`)',
    );
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const value = Buffer.concat(chunks).toString('utf8').trim();
  if (!value) throw new InputError('client-secret-stdin', '--client-secret-stdin: standard input was empty');
  return value;
}

/** A role name given on the command line, or "none" (no default role: unmapped people are refused). */
function roleOrNone(value: string): Role | null {
  if (value === 'none') return null;
  if (!ROLES.includes(value as Role))
    throw new InputError(
      'default-role',
      `--default-role must be one of ${ROLES.join(', ')} or none, not "${value}"`,
    );
  return value as Role;
}

type SsoConfig = NonNullable<Awaited<ReturnType<typeof currentConfig>>['config']>;

async function currentConfig(flags: OrgFlags) {
  return withApi(flags, ({ api }) => ok(api.GET('/api/v1/organization/sso')));
}

function printConfig(config: SsoConfig | null, redirectUri: string): void {
  if (!config) {
    process.stdout.write(
      `Single sign-on is not set up. Register this redirect URI at the provider, then run \`cloudtally sso set\`:\n  ${redirectUri}\n`,
    );
    return;
  }
  const map = Object.entries(config.roleMap)
    .filter(([, values]) => values && values.length > 0)
    .map(([role, values]) => `${role} ← ${(values ?? []).join(', ')}`);
  const rows: [string, string][] = [
    ['issuer', config.issuer],
    ['client id', config.clientId],
    ['client secret', config.clientSecretSet ? 'set (stored encrypted, never shown)' : 'not set'],
    ['scopes', config.scopes],
    ['allowed domains', config.allowedDomains.join(', ')],
    ['role claim', config.roleClaim ?? '(none)'],
    ['role map', map.length ? map.join('; ') : '(none)'],
    ['default role', config.defaultRole ?? 'none (unmapped people are refused)'],
    ['just-in-time members', config.justInTime ? 'yes' : 'no (members and invited people only)'],
    ['verified e-mail required', config.requireVerifiedEmail ? 'yes' : 'no'],
    ['SSO required', config.ssoRequired ? 'yes' : 'no'],
    ['break-glass manager', config.breakGlassEmail ?? '(none)'],
    ['redirect URI', config.redirectUri],
    ['updated', config.updatedAt],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(width)}  ${v}\n`);
}

export function registerSsoCommands(program: Command): void {
  const sso = program
    .command('sso')
    .description("The organization's single sign-on (OpenID Connect) settings; managers only");

  orgOptions(
    sso
      .command('show', { isDefault: true })
      .description('The settings and the redirect URI (never the secret)'),
  ).action(
    action(async (flags: OrgFlags) => {
      const answer = await currentConfig(flags);
      if (flags.json) printJson(answer);
      else printConfig(answer.config, answer.redirectUri);
    }),
  );

  orgOptions(
    sso
      .command('set')
      .description(
        'Set or change the provider; what is not given keeps its current value. The issuer is checked by reading its OpenID configuration',
      )
      .option('--issuer <url>', 'issuer URL, e.g. https://login.example.com/realms/acme')
      .option('--client-id <id>', 'the client ID registered at the provider')
      .option(
        '--client-secret-stdin',
        'read the client secret from standard input (needed the first time; otherwise the stored one is kept)',
      )
      .option('--scopes <scopes>', 'scopes to ask for (default: openid email profile)')
      .option('--domains <list>', 'allowed e-mail domains, comma-separated')
      .option(
        '--role-claim <claim>',
        'claim (dotted path) mapped to roles, e.g. groups; "none" to stop mapping',
      )
      .option('--manager-values <list>', 'role claim values that make a manager, comma-separated')
      .option('--engineer-values <list>', 'role claim values that make an engineer, comma-separated')
      .option('--viewer-values <list>', 'role claim values that make a viewer, comma-separated')
      .option('--default-role <role>', `role when the claim maps to none: ${ROLES.join(', ')} or none`)
      .option('--just-in-time', 'create members at their first sign-in')
      .option('--no-just-in-time', 'only members and invited people get in')
      .option('--require-verified-email', 'refuse an e-mail address the provider has not verified (default)')
      .option('--no-require-verified-email', 'accept unverified e-mail addresses')
      .option('--sso-required', "refuse password sign-in for the organization's members")
      .option('--no-sso-required', 'allow password sign-in again')
      .option('--break-glass <email>', 'a manager who may still sign in with a password; "none" to clear')
      .option('--as <email>', ACTS),
  ).action(
    action(async (flags: SetFlags) => {
      const clientSecret = flags.clientSecretStdin ? await readStdin() : undefined;
      const answer = await withApi(flags, async (conn) => {
        requireActor(conn, flags);
        const { config } = await ok(conn.api.GET('/api/v1/organization/sso'));
        const issuer = flags.issuer ?? config?.issuer;
        const clientId = flags.clientId ?? config?.clientId;
        const domains = flags.domains !== undefined ? list(flags.domains) : config?.allowedDomains;
        if (!issuer) throw new InputError('issuer', '--issuer is required the first time');
        if (!clientId) throw new InputError('client-id', '--client-id is required the first time');
        if (!domains?.length)
          throw new InputError(
            'domains',
            '--domains needs at least one e-mail domain, e.g. --domains acme.com',
          );
        const roleMap = { ...(config?.roleMap ?? {}) };
        if (flags.managerValues !== undefined) roleMap.manager = list(flags.managerValues);
        if (flags.engineerValues !== undefined) roleMap.engineer = list(flags.engineerValues);
        if (flags.viewerValues !== undefined) roleMap.viewer = list(flags.viewerValues);
        const roleClaim =
          flags.roleClaim !== undefined
            ? flags.roleClaim === 'none'
              ? null
              : flags.roleClaim
            : config?.roleClaim;
        const breakGlass =
          flags.breakGlass !== undefined
            ? flags.breakGlass === 'none'
              ? null
              : flags.breakGlass
            : config?.breakGlassEmail;
        return ok(
          conn.api.PUT('/api/v1/organization/sso', {
            body: {
              issuer,
              clientId,
              ...(clientSecret ? { clientSecret } : {}),
              scopes: flags.scopes ?? config?.scopes,
              allowedDomains: domains,
              roleClaim: roleClaim ?? null,
              roleMap,
              defaultRole:
                flags.defaultRole !== undefined
                  ? roleOrNone(flags.defaultRole)
                  : (config?.defaultRole ?? null),
              justInTime: flags.justInTime ?? config?.justInTime ?? false,
              requireVerifiedEmail: flags.requireVerifiedEmail ?? config?.requireVerifiedEmail ?? true,
              ssoRequired: flags.ssoRequired ?? config?.ssoRequired ?? false,
              breakGlassEmail: breakGlass ?? null,
            },
          }),
        );
      });
      if (flags.json) printJson(answer);
      else {
        process.stdout.write('saved; the provider answered with its OpenID configuration\n');
        if (answer) printConfig(answer, answer.redirectUri);
      }
    }),
  );

  orgOptions(
    sso
      .command('remove')
      .description('Turn single sign-on off (the client secret is deleted)')
      .option('--as <email>', ACTS),
  ).action(
    action(async (flags: OrgFlags & { as?: string }) => {
      await withApi(flags, (conn) => {
        requireActor(conn, flags);
        return ok(conn.api.DELETE('/api/v1/organization/sso'));
      });
      if (flags.json) printJson({ removed: true });
      else process.stdout.write('single sign-on removed\n');
    }),
  );
}
