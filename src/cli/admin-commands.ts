import type { Command } from 'commander';
import { loadMasterKey, parseMasterKey } from '../accounts/secret-vault.js';
import { ROLES, type Role } from '../auth/permissions.js';
import { InputError } from '../lib/errors.js';
import { migrate } from '../store/migrate.js';
import { openStore } from '../store/open-store.js';
import {
  action,
  configFrom,
  printJson,
  printTable,
  promptHidden,
  withContext,
  withStoreFlags,
  type StoreFlags,
} from './common.js';

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

  const users = program
    .command('users')
    .description('Users and their organizations (works before the first start)');
  withStoreFlags(
    users
      .command('create')
      .description('Create a user (and the organization if it does not exist) with a role')
      .requiredOption('--org <name>', 'organization name')
      .requiredOption('--email <email>', 'e-mail address used to sign in')
      .option('--role <role>', `one of ${ROLES.join(', ')}`, 'manager')
      .option('--password <password>', 'initial password (asked for when omitted)')
      .option('--name <name>', 'display name')
      .option('--json', 'print JSON'),
  ).action(
    action(
      async (
        flags: StoreFlags & {
          org: string;
          email: string;
          role: string;
          password?: string;
          name?: string;
          json?: boolean;
        },
      ) => {
        if (!ROLES.includes(flags.role as Role))
          throw new InputError('role', `--role must be one of ${ROLES.join(', ')}`);
        const password = flags.password ?? (await promptHidden('Password: '));
        await withContext(flags, async (ctx) => {
          const result = await ctx.auth.createUser({
            org: flags.org,
            email: flags.email,
            role: flags.role as Role,
            password,
            name: flags.name,
          });
          if (flags.json) printJson(result);
          else {
            process.stdout.write(
              `${result.createdUser ? 'created user' : 'added user'} ${result.user.email} as ${flags.role} of ${result.organization.name}` +
                `${result.createdOrganization ? ' (new organization)' : ''}\n`,
            );
          }
        });
      },
    ),
  );
  withStoreFlags(
    users
      .command('list')
      .description('Members of an organization')
      .requiredOption('--org <name>', 'organization name')
      .option('--json', 'print JSON'),
  ).action(
    action(async (flags: StoreFlags & { org: string; json?: boolean }) => {
      await withContext(flags, async (ctx) => {
        const [org] = await ctx.store.query<{ id: string }>('SELECT id FROM organizations WHERE name = $1', [
          flags.org,
        ]);
        if (!org) throw new InputError('org', `No organization named "${flags.org}"`);
        const members = await ctx.auth.listMembers(org.id);
        if (flags.json) printJson({ items: members });
        else
          printTable(
            members.map((m) => ({ ...m })),
            ['email', 'role', 'manageCloudCredentials', 'joinedAt'],
          );
      });
    }),
  );

  const tokens = program.command('tokens').description('API tokens for the CLI, MCP and scripts');
  withStoreFlags(
    tokens
      .command('create')
      .description(
        'Create an API token for a user (bootstrap, before or without a running server); prints only the token',
      )
      .requiredOption('--email <email>', 'the user the token acts as')
      .requiredOption('--name <name>', 'a name to recognise the token by')
      .option('--org <name>', 'organization (default: the first of the user)'),
  ).action(
    action(async (flags: StoreFlags & { email: string; name: string; org?: string }) => {
      await withContext(flags, async (ctx) => {
        const token = await ctx.auth.createTokenForEmail(flags.email, flags.name, flags.org);
        process.stdout.write(`${token.token}\n`);
      });
    }),
  );

  const secrets = program.command('secrets').description('The secret vault');
  withStoreFlags(
    secrets
      .command('rekey')
      .description(
        'Re-encrypt every stored secret under a new master key, then write it to the key file (or print it)',
      )
      .option('--new-key <base64>', 'the new key (32 bytes, base64 or hex); generated when omitted'),
  ).action(
    action(async (flags: StoreFlags & { newKey?: string }) => {
      const { randomBytes } = await import('node:crypto');
      const { writeFileSync, renameSync } = await import('node:fs');
      const path = await import('node:path');
      const newKey = flags.newKey ? parseMasterKey(flags.newKey, '--new-key') : randomBytes(32);
      await withContext(flags, async (ctx) => {
        const n = await ctx.vault.rekey(newKey);
        if (ctx.config.secretKey) {
          process.stdout.write(
            `re-encrypted ${n} secrets; set CLOUDTALLY_SECRET_KEY=${newKey.toString('base64')}\n`,
          );
        } else {
          const file = ctx.config.secretKeyFile ?? path.join(ctx.config.dataDir, 'secret.key');
          loadMasterKey(ctx.config);
          writeFileSync(`${file}.new`, newKey.toString('base64') + '\n', { mode: 0o600 });
          renameSync(`${file}.new`, file);
          process.stdout.write(`re-encrypted ${n} secrets; the new key is in ${file}\n`);
        }
      });
    }),
  );
}
