import type { Command } from 'commander';
import { InputError } from '../../lib/errors.js';
import { action, printJson, promptHidden, type StoreFlags } from '../common.js';
import { withBackend, withFlags, type ClientFlags } from './account-backend.js';
import { printValidation, reportOutcome } from './account-output.js';
import { readStdin } from './connect-aws-command.js';

/** The environment variable a client secret may come from (the name Azure's own tools read). */
export const AZURE_SECRET_ENV = 'AZURE_CLIENT_SECRET';

export interface AzureFlags {
  name?: string;
  scopeType?: string;
  scopeId?: string;
  tenantId?: string;
  clientId?: string;
  clientSecretStdin?: boolean;
  storageAccount?: string;
  blobEndpoint?: string;
  container?: string;
  directory?: string;
  exportName?: string;
  exportFormat?: string;
  authorityHost?: string;
  json?: boolean;
}

/** The Azure connection's flags; the client secret has none that takes its value (flags show in `ps`). */
const AZURE_OPTIONS: [string, string][] = [
  ['--scope-type <type>', 'what the export covers: billingAccount, subscription or managementGroup'],
  ['--scope-id <id>', 'the billing account ID, subscription ID or management group ID'],
  ['--tenant-id <guid>', 'Directory (tenant) ID of the app registration'],
  ['--client-id <guid>', 'Application (client) ID of the app registration'],
  [
    '--client-secret-stdin',
    `read the client secret from standard input (else ${AZURE_SECRET_ENV}, else a prompt)`,
  ],
  ['--storage-account <name>', 'storage account the export writes to'],
  ['--blob-endpoint <url>', 'its blob endpoint instead of --storage-account (sovereign clouds)'],
  ['--container <name>', 'container of the export'],
  ['--directory <path>', 'directory of the export inside the container'],
  ['--export-name <name>', 'name of the Cost Management export'],
  [
    '--export-format <dataset>',
    "the export's type: focus, actual or amortized (CSV or Parquet is read from each run's manifest)",
  ],
  [
    '--authority-host <url>',
    'Entra ID authority of a sovereign cloud, e.g. https://login.microsoftonline.us',
  ],
];

/** The Azure flags `azure` reads, as option attributes (`accounts edit` refuses them for another provider). */
export const AZURE_FLAG_KEYS = [
  'name',
  'scopeType',
  'scopeId',
  'tenantId',
  'clientId',
  'clientSecretStdin',
  'storageAccount',
  'blobEndpoint',
  'container',
  'directory',
  'exportName',
  'exportFormat',
  'authorityHost',
] as const;

/** Adds the Azure flags a command does not have yet (`accounts edit` shares some with the other providers). */
export function withAzureFlags(cmd: Command): Command {
  for (const [flags, description] of AZURE_OPTIONS) {
    const long = flags.split(' ')[0];
    if (!cmd.options.some((o) => o.long === long)) cmd.option(flags, description);
  }
  return cmd;
}

/**
 * The client secret, when one is to be sent: standard input with --client-secret-stdin, else AZURE_CLIENT_SECRET,
 * else a prompt on a terminal. `required`: a new connection needs one; an edit only when asked for with the flag.
 */
async function clientSecretOf(flags: AzureFlags, required: boolean): Promise<string | undefined> {
  if (flags.clientSecretStdin) {
    const secret = await readStdin();
    if (!secret)
      throw new InputError('clientSecret', '--client-secret-stdin read nothing from standard input');
    return secret;
  }
  if (!required) return undefined;
  const fromEnv = process.env[AZURE_SECRET_ENV];
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY)
    throw new InputError(
      'clientSecret',
      `The client secret is required: pipe it with --client-secret-stdin or set ${AZURE_SECRET_ENV}`,
    );
  return promptHidden('Client secret: ');
}

/** The API body of an Azure connection (POST with `create`, PATCH without); left-out flags are not sent. */
export async function azureBodyOf(flags: AzureFlags, create: boolean): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = {
    ...(create ? { provider: 'azure', type: 'cost_export' } : {}),
    name: flags.name,
    scopeType: flags.scopeType,
    scopeId: flags.scopeId,
    tenantId: flags.tenantId,
    clientId: flags.clientId,
    clientSecret: await clientSecretOf(flags, create),
    storageAccount: flags.storageAccount,
    blobEndpoint: flags.blobEndpoint,
    container: flags.container,
    directory: flags.directory,
    exportName: flags.exportName,
    dataset: flags.exportFormat,
    authorityHost: flags.authorityHost,
  };
  for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
  return body;
}

/** `accounts connect azure`: a Cost Management export read by a service principal, validated step by step first. */
export function registerAzureConnectCommand(connect: Command): void {
  withFlags(
    withAzureFlags(
      connect
        .command('azure')
        .description(
          'Connect an Azure Cost Management export (FOCUS, actual or amortized cost) read by a service principal: ' +
            'validated step by step first (sign-in, container, export run, manifest). Setup: GET /api/v1/setup/azure',
        )
        .option('--name <name>', 'a name to recognise the connection by'),
    ).option('--json', 'print the account as JSON'),
  ).action(
    action(async (flags: StoreFlags & ClientFlags & AzureFlags) => {
      const body = await azureBodyOf(flags, true);
      await withBackend(flags, async (b) => {
        const a = await b.create(body);
        if (flags.json) printJson(a);
        else {
          process.stdout.write(`connected ${a.name} (${a.id})\n`);
          if (a.validation) printValidation(a.validation);
        }
        reportOutcome(a.validation);
      });
    }),
  );
}
