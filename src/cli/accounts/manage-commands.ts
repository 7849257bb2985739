import type { Command } from 'commander';
import { InputError } from '../../lib/errors.js';
import { action, printJson, printTable, type StoreFlags } from '../common.js';
import { accountIdOf, confirm, withBackend, withFlags, type ClientFlags } from './account-backend.js';
import { printAccount, printValidation, reportOutcome } from './account-output.js';

/** `accounts list|show|enable|disable|validate|remove|discovered`: the same for every provider. */
export function registerAccountManagement(accounts: Command): void {
  withFlags(
    accounts
      .command('list')
      .description('Connected cloud accounts and their status')
      .option('--json', 'print JSON'),
  ).action(
    action(async (flags: StoreFlags & ClientFlags & { json?: boolean }) => {
      await withBackend(flags, async (b) => {
        const items = await b.list();
        if (flags.json) return printJson({ items });
        printTable(
          items.map((a) => ({
            id: a.id,
            name: a.name,
            type: a.type,
            awsAccountId: a.awsAccountId,
            state: a.status.state,
            lastSync: a.status.lastSyncAt,
            nextSync: a.status.nextSyncAt,
            members: a.members ? `${a.members.filter((m) => m.connected).length}/${a.members.length}` : '',
          })),
          ['id', 'name', 'type', 'awsAccountId', 'state', 'lastSync', 'nextSync', 'members'],
        );
      });
    }),
  );

  withFlags(
    accounts
      .command('show <account>')
      .description('One account (its Cloudtally ID, AWS account ID or name), with its last validation')
      .option('--json', 'print JSON'),
  ).action(
    action(async (ref: string, flags: StoreFlags & ClientFlags & { json?: boolean }) => {
      await withBackend(flags, async (b) => {
        const a = await b.get(await accountIdOf(b, ref));
        if (flags.json) return printJson(a);
        printAccount(a);
        if (a.validation) printValidation(a.validation);
      });
    }),
  );

  for (const [name, enabled] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    withFlags(
      accounts
        .command(`${name} <id>`)
        .description(enabled ? 'Sync the account again' : 'Stop syncing the account (its data stays)'),
    ).action(
      action(async (ref: string, flags: StoreFlags & ClientFlags) => {
        await withBackend(flags, async (b) => {
          const a = await b.update(await accountIdOf(b, ref), { enabled });
          process.stdout.write(`${enabled ? 'enabled' : 'disabled'} ${a.name} (${a.id})\n`);
        });
      }),
    );
  }

  withFlags(
    accounts
      .command('validate <id>')
      .description('Check the connection step by step and say what to fix')
      .option('--json', 'print JSON'),
  ).action(
    action(async (ref: string, flags: StoreFlags & ClientFlags & { json?: boolean }) => {
      await withBackend(flags, async (b) => {
        const { validation } = await b.validate(await accountIdOf(b, ref));
        if (flags.json) printJson(validation);
        else if (validation) printValidation(validation);
        reportOutcome(validation);
      });
    }),
  );

  withFlags(
    accounts
      .command('remove <id>')
      .description('Remove an account with its imported data and stored credentials (asks first)')
      .option('--yes', 'do not ask'),
  ).action(
    action(async (ref: string, flags: StoreFlags & ClientFlags & { yes?: boolean }) => {
      await withBackend(flags, async (b) => {
        const id = await accountIdOf(b, ref);
        const a = await b.get(id);
        if (!flags.yes) {
          if (!process.stdin.isTTY)
            throw new InputError(
              'yes',
              `Removing ${a.name} deletes its imported data and secrets; pass --yes to confirm without a terminal`,
            );
          const ok = await confirm(
            `Remove ${a.name} (${a.awsAccountId ?? a.id})? Its imported costs, resources, recommendations and stored credentials are deleted. [y/N] `,
          );
          if (!ok) {
            process.stdout.write('not removed\n');
            return;
          }
        }
        await b.remove(id);
        process.stdout.write(`removed ${a.name} (${a.id})\n`);
      });
    }),
  );

  withFlags(
    accounts
      .command('discovered <payerId>')
      .description("Member accounts the payer's AWS Organization lists, connected or not")
      .option('--json', 'print JSON'),
  ).action(
    action(async (payerRef: string, flags: StoreFlags & ClientFlags & { json?: boolean }) => {
      await withBackend(flags, async (b) => {
        const payerId = await accountIdOf(b, payerRef);
        const items = await b.members(payerId);
        if (flags.json) return printJson({ items });
        printTable(
          items.map((m) => ({ ...m, connected: m.connected ? `yes (${m.cloudAccountId})` : 'no' })),
          ['awsAccountId', 'name', 'awsStatus', 'connected'],
        );
        const open = items.filter((m) => !m.connected);
        if (open.length)
          process.stdout.write(
            `connect one with: cloudtally accounts connect aws --linked-from ${payerId} --account-id ${open[0].awsAccountId} [--role-name NAME]\n`,
          );
      });
    }),
  );
}
