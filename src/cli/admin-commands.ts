import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { KEY_FILE, parseMasterKey } from '../accounts/secret-vault.js';
import type { MemberView, TokenView } from '../auth/auth-service.js';
import { ROLES, type Role } from '../auth/permissions.js';
import { InputError } from '../lib/errors.js';
import { migrate } from '../store/migrate.js';
import { openStore } from '../store/open-store.js';
import type { CloudtallyClient } from '../api-client/client.js';
import { connect, ok, serverOf, withApi } from './client.js';
import {
  action,
  configFrom,
  printJson,
  printTable,
  promptHidden,
  withClientFlags,
  withContext,
  withStoreFlags,
  type ClientFlags,
  type StoreFlags,
} from './common.js';

type Flags = StoreFlags & ClientFlags;

/** The API through a running server, or undefined when the command works on the database. */
async function serverApi(flags: Flags): Promise<CloudtallyClient | undefined> {
  return serverOf(flags) ? (await connect(flags)).api : undefined;
}

/** In client mode the token decides the organization and the user; flags that name others are a mistake. */
async function checkClientIdentity(client: CloudtallyClient, flags: { org?: string; email?: string }) {
  const me = await ok(client.GET('/api/v1/auth/me'));
  if (flags.org !== undefined && flags.org !== me.organization.name) {
    throw new InputError(
      'org',
      `The API token belongs to organization "${me.organization.name}", not "${flags.org}": use a token of that organization`,
    );
  }
  if (flags.email !== undefined && flags.email.trim().toLowerCase() !== me.user.email) {
    throw new InputError(
      'email',
      `Through the API a token is created for the token's own user (${me.user.email}), not ${flags.email}`,
    );
  }
  return me;
}

function requireFlag<T>(value: T | undefined, flag: string, why: string): T {
  if (value === undefined) throw new InputError(flag.replace(/^--/, ''), `${flag} is required ${why}`);
  return value;
}

const DIRECT = 'when the command runs on the database (no CLOUDTALLY_URL)';

/** The password from the flag, asked for on a terminal, or else generated (and then printed by the caller). */
async function initialPassword(flag: string | undefined): Promise<{ password: string; generated: boolean }> {
  if (flag !== undefined) return { password: flag, generated: false };
  if (process.stdin.isTTY) return { password: await promptHidden('Password: '), generated: false };
  return { password: randomBytes(15).toString('base64url'), generated: true };
}

function printMembers(members: MemberView[], json?: boolean) {
  if (json) printJson({ items: members });
  else
    printTable(
      members.map((m) => ({ ...m })),
      ['email', 'role', 'manageCloudCredentials', 'status', 'joinedAt'],
    );
}

function printTokens(tokens: TokenView[], json?: boolean) {
  if (json) printJson({ items: tokens });
  else
    printTable(
      tokens.map((t) => ({ ...t })),
      ['id', 'name', 'createdAt', 'lastUsedAt', 'expiresAt', 'revokedAt'],
    );
}

export function registerAdminCommands(program: Command): void {
  withStoreFlags(
    program.command('migrate').description('Bring the database schema up to date and exit'),
  ).action(
    action(async (flags: StoreFlags) => {
      const config = configFrom(flags);
      const store = await openStore(
        { databaseUrl: config.databaseUrl, dataDir: config.dataDir },
        { migrate: false },
      );
      try {
        const applied = await migrate(store);
        process.stdout.write(
          applied.length ? `applied migrations ${applied.join(', ')}\n` : 'schema is up to date\n',
        );
      } finally {
        await store.close();
      }
    }),
  );

  registerUserCommands(program);
  registerTokenCommands(program);
  registerSecretCommands(program);
}

function registerUserCommands(program: Command): void {
  const users = program
    .command('users')
    .description(
      'Users and their organizations: on the database directly (works before the first start), or through a running server with CLOUDTALLY_URL',
    );
  withClientFlags(
    withStoreFlags(
      users
        .command('create')
        .description(
          'Create a user (and the organization if it does not exist) with a role; through a server: invite the address by e-mail',
        )
        .option('--org <name>', 'organization name (created if new; through a server: the token’s)')
        .requiredOption('--email <email>', 'e-mail address used to sign in')
        .option('--role <role>', `one of ${ROLES.join(', ')}`, 'manager')
        .option(
          '--password <password>',
          'initial password, on the database only (when omitted: asked for on a terminal, otherwise generated and printed)',
        )
        .option('--name <name>', 'display name')
        .option('--manage-cloud-credentials', 'grant the Manage Cloud Credentials permission')
        .option(
          '--admin',
          'make the user an instance administrator (may create organizations and change instance settings; on the database only). The first user of an instance always is one',
        )
        .option('--json', 'print JSON'),
    ),
  ).action(
    action(
      async (
        flags: Flags & {
          org?: string;
          email: string;
          role: string;
          password?: string;
          name?: string;
          manageCloudCredentials?: boolean;
          admin?: boolean;
          json?: boolean;
        },
      ) => {
        if (!ROLES.includes(flags.role as Role))
          throw new InputError('role', `--role must be one of ${ROLES.join(', ')}`);
        const role = flags.role as Role;
        const client = await serverApi(flags);
        if (client) {
          if (flags.admin)
            throw new InputError(
              'admin',
              '--admin is an instance-level action: run it on the database (--data-dir or --database-url), not through a server',
            );
          if (flags.password !== undefined)
            throw new InputError(
              'password',
              '--password works on the database only: through a server the person is invited by e-mail and chooses their own password',
            );
          const me = await checkClientIdentity(client, { org: flags.org });
          // Through a server nobody types another person's password: the person is invited, and the answer does
          // not say whether the address has an account.
          const sent = await ok(
            client.POST('/api/v1/invitations', {
              body: {
                email: flags.email,
                role,
                ...(flags.manageCloudCredentials ? { manageCloudCredentials: true } : {}),
              },
            }),
          );
          if (flags.json) printJson({ ...sent, organization: me.organization });
          else {
            process.stdout.write(
              `invited ${sent.invitation.email} as ${role} of ${me.organization.name} (valid until ${sent.invitation.expiresAt})\n`,
            );
            process.stdout.write(
              sent.delivery === 'email'
                ? 'the one-time link went by e-mail\n'
                : `no e-mail channel: pass on this one-time link yourself\n${sent.link ?? ''}\n`,
            );
          }
          return;
        }
        const org = requireFlag(flags.org, '--org', DIRECT);
        const { password, generated } = await initialPassword(flags.password);
        await withContext(flags, async (ctx) => {
          const result = await ctx.auth.createUser({
            org,
            email: flags.email,
            role,
            password,
            name: flags.name,
            manageCloudCredentials: flags.manageCloudCredentials,
            instanceAdmin: flags.admin,
          });
          const shown = generated && result.createdUser ? { password } : {};
          if (flags.json) printJson({ ...result, ...shown });
          else {
            process.stdout.write(
              `${result.createdUser ? 'created user' : 'added user'} ${result.user.email} as ${role} of ${result.organization.name}` +
                `${result.createdOrganization ? ' (new organization)' : ''}` +
                `${result.instanceAdmin ? ' (instance administrator)' : ''}\n`,
            );
            if (shown.password) process.stdout.write(`password: ${shown.password}\n`);
          }
        });
      },
    ),
  );

  withClientFlags(
    withStoreFlags(
      users
        .command('list')
        .description('Members of an organization')
        .option('--org <name>', 'organization name (through a server: the token’s)')
        .option('--json', 'print JSON'),
    ),
  ).action(
    action(async (flags: Flags & { org?: string; json?: boolean }) => {
      if (serverOf(flags)) {
        await withApi(flags, async ({ api }) => {
          await checkClientIdentity(api, { org: flags.org });
          printMembers((await ok(api.GET('/api/v1/members'))).items, flags.json);
        });
        return;
      }
      const org = requireFlag(flags.org, '--org', DIRECT);
      const { items } = await withApi({ ...flags, org }, ({ api }) => ok(api.GET('/api/v1/members')));
      printMembers(items, flags.json);
    }),
  );
}

function registerTokenCommands(program: Command): void {
  const tokens = program.command('tokens').description('API tokens for the CLI, MCP and scripts');
  withClientFlags(
    withStoreFlags(
      tokens
        .command('create')
        .description(
          'Create an API token (on the database: for any user, before or without a server; through a server: for the token’s user); prints only the token',
        )
        .option('--email <email>', 'the user the token acts as')
        .requiredOption('--name <name>', 'a name to recognise the token by')
        .option(
          '--read-only',
          'read-only scope: the token may read but is refused on every route that changes something (for MCP clients that should not dismiss recommendations or trigger syncs)',
        )
        .option(
          '--expires-in-days <n>',
          'the token stops working after this many days (1–3650; default: never)',
        )
        .option('--org <name>', 'organization (default: the first of the user)'),
    ),
  ).action(
    action(
      async (
        flags: Flags & {
          email?: string;
          name: string;
          org?: string;
          readOnly?: boolean;
          expiresInDays?: string;
        },
      ) => {
        const expiresInDays = flags.expiresInDays === undefined ? undefined : Number(flags.expiresInDays);
        if (
          expiresInDays !== undefined &&
          (!Number.isInteger(expiresInDays) || expiresInDays < 1 || expiresInDays > 3650)
        )
          throw new InputError(
            '--expires-in-days',
            `--expires-in-days must be a whole number of days from 1 to 3650, not ${flags.expiresInDays}`,
          );
        // On the database the token is created as the user it is for; through a server, as the token's own user.
        const server = serverOf(flags);
        const as = server ? undefined : requireFlag(flags.email, '--email', DIRECT);
        const created = await withApi({ ...flags, as }, async ({ api }) => {
          if (server) await checkClientIdentity(api, flags);
          return ok(
            api.POST('/api/v1/tokens', {
              body: { name: flags.name, readOnly: flags.readOnly === true, expiresInDays },
            }),
          );
        });
        process.stdout.write(`${created.token}\n`);
      },
    ),
  );

  withClientFlags(
    withStoreFlags(
      tokens
        .command('list')
        .description("A user's API tokens (never their values)")
        .option('--email <email>', 'whose tokens (on the database)')
        .option('--org <name>', 'organization (default: the first of the user)')
        .option('--json', 'print JSON'),
    ),
  ).action(
    action(async (flags: Flags & { email?: string; org?: string; json?: boolean }) => {
      const server = serverOf(flags);
      const as = server ? undefined : requireFlag(flags.email, '--email', DIRECT);
      const { items } = await withApi({ ...flags, as }, async ({ api }) => {
        if (server) await checkClientIdentity(api, flags);
        return ok(api.GET('/api/v1/tokens'));
      });
      printTokens(items, flags.json);
    }),
  );

  withClientFlags(
    withStoreFlags(
      tokens
        .command('revoke')
        .description('Revoke a token: your own, or as an Organization Manager any of the organization')
        .argument('<id>', 'token id (from `tokens list`)')
        .option('--email <email>', 'who revokes it (on the database)')
        .option('--org <name>', 'organization (default: the first of the user)'),
    ),
  ).action(
    action(async (id: string, flags: Flags & { email?: string; org?: string }) => {
      const as = serverOf(flags) ? undefined : requireFlag(flags.email, '--email', DIRECT);
      await withApi({ ...flags, as }, ({ api }) =>
        ok(api.DELETE('/api/v1/tokens/{id}', { params: { path: { id } } })),
      );
      process.stdout.write(`revoked ${id}\n`);
    }),
  );
}

function registerSecretCommands(program: Command): void {
  const secrets = program.command('secrets').description('The secret vault');
  withStoreFlags(
    secrets
      .command('rekey')
      .description(
        'Re-encrypt every stored secret under a new master key, then write it to the key file (or print it); restart every Cloudtally process afterwards',
      )
      .option('--new-key <base64>', 'the new key (32 bytes, base64 or hex); generated when omitted'),
  ).action(
    action(async (flags: StoreFlags & { newKey?: string }) => {
      const newKey = flags.newKey ? parseMasterKey(flags.newKey, '--new-key') : randomBytes(32);
      await withContext(flags, async (ctx) => {
        if (ctx.config.secretKey) {
          const n = await ctx.vault.rekey(newKey);
          process.stdout.write(
            `re-encrypted ${n} secrets; set CLOUDTALLY_SECRET_KEY=${newKey.toString('base64')}\n`,
          );
          return;
        }
        const file = ctx.config.secretKeyFile ?? path.join(ctx.config.dataDir, KEY_FILE);
        // The new key reaches the disk before the secrets change, so that no crash leaves them under a key that
        // exists nowhere: after a failure either the old key still fits, or `FILE.new` holds the new one.
        const pending = `${file}.new`;
        writeFileSync(pending, newKey.toString('base64') + '\n', { mode: 0o600 });
        let n: number;
        try {
          n = await ctx.vault.rekey(newKey);
        } catch (err) {
          rmSync(pending, { force: true });
          throw err;
        }
        renameSync(pending, file);
        process.stdout.write(`re-encrypted ${n} secrets; the new key is in ${file}\n`);
      });
    }),
  );
}
