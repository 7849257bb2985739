import type { Command } from 'commander';
import { InputError } from '../../lib/errors.js';
import { action, printJson, type StoreFlags } from '../common.js';
import { accountIdOf, withBackend, withFlags, type ClientFlags } from './account-backend.js';
import { printAccount } from './account-output.js';
import { awsBodyOf, withConnectionFlags, type ConnectFlags } from './connect-aws-command.js';
import { AZURE_FLAG_KEYS, azureBodyOf, withAzureFlags, type AzureFlags } from './connect-azure-command.js';
import { focusBodyOf } from './connect-focus-command.js';

type EditFlags = ConnectFlags &
  AzureFlags & {
    endpoint?: string;
    region?: string;
    billingAccountId?: string;
    json?: boolean;
  };

/** Each provider's own flags (option attributes) and its PATCH body. */
const PROVIDERS: Record<
  string,
  { label: string; keys: readonly string[]; body: (f: EditFlags) => Promise<Record<string, unknown>> }
> = {
  aws: {
    label: 'an AWS account',
    keys: [
      'name',
      'accountId',
      'roleName',
      'roleArn',
      'accessKeyId',
      'secretAccessKey',
      'secretAccessKeyStdin',
      'exportType',
      'exportName',
      'bucket',
      'prefix',
      'exportRegion',
      'edp',
      'memberImport',
    ],
    body: (f) => awsBodyOf(f, false),
  },
  azure: { label: 'an Azure connection', keys: AZURE_FLAG_KEYS, body: (f) => azureBodyOf(f, false) },
  focus: {
    label: 'a FOCUS source',
    keys: [
      'name',
      'endpoint',
      'region',
      'bucket',
      'prefix',
      'accessKeyId',
      'secretAccessKey',
      'secretAccessKeyStdin',
      'billingAccountId',
    ],
    body: async (f) => {
      const { provider: _p, type: _t, ...rest } = await focusBodyOf(f);
      return rest;
    },
  },
};

const flagOf = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** `accounts edit`: the flags of the account's own provider (AWS, Azure or FOCUS); another provider's are refused. */
export function registerEditCommand(accounts: Command): void {
  const edit = accounts
    .command('edit <id>')
    .description(
      'Change an account with the flags of its provider (AWS, Azure or FOCUS, as in `accounts connect`); ' +
        'the connection is validated again when it changes',
    );
  withConnectionFlags(edit);
  withAzureFlags(edit);
  edit
    .option('--endpoint <url>', 'FOCUS: service URL of the S3-compatible store')
    .option('--region <region>', 'FOCUS: region of the bucket')
    .option('--billing-account-id <id>', 'FOCUS: the billing account the export covers');
  const connectionKeys = new Set(Object.values(PROVIDERS).flatMap((p) => p.keys));
  withFlags(edit.option('--json', 'print the account as JSON')).action(
    action(async (ref: string, flags: StoreFlags & ClientFlags & EditFlags) => {
      const given = Object.keys(flags).filter(
        (k) => connectionKeys.has(k) && (flags as Record<string, unknown>)[k] !== undefined,
      );
      if (given.length === 0)
        throw new InputError('edit', 'Nothing to change: give at least one flag (see --help)');
      await withBackend(flags, async (b) => {
        const id = await accountIdOf(b, ref);
        const current = await b.get(id);
        const provider = PROVIDERS[current.provider];
        if (!provider)
          throw new InputError('edit', `Accounts of the provider ${current.provider} cannot be edited here`);
        const foreign = given.filter((k) => !provider.keys.includes(k));
        if (foreign.length)
          throw new InputError(
            foreign[0],
            `${foreign.map(flagOf).join(', ')} ${foreign.length > 1 ? 'are' : 'is'} not a field of ${provider.label}; ` +
              `its flags are ${provider.keys.map(flagOf).join(', ')}`,
          );
        const a = await b.update(id, await provider.body(flags));
        if (flags.json) return printJson(a);
        process.stdout.write(`updated ${a.name} (${a.id})\n`);
        printAccount(a);
      });
    }),
  );
}
