import type { Command } from 'commander';
import { InputError } from '../../lib/errors.js';
import { action, printJson, promptHidden, type StoreFlags } from '../common.js';
import { withBackend, withFlags, type ClientFlags } from './account-backend.js';
import { printValidation, reportOutcome } from './account-output.js';

export interface ConnectFlags {
  type?: string;
  name?: string;
  accountId?: string;
  roleName?: string;
  roleArn?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  secretAccessKeyStdin?: boolean;
  exportType?: string;
  exportName?: string;
  bucket?: string;
  prefix?: string;
  exportRegion?: string;
  edp?: boolean;
  memberImport?: string;
  payer?: string;
  linkedFrom?: string;
  json?: boolean;
}

export function withConnectionFlags(cmd: Command): Command {
  return cmd
    .option('--name <name>', 'a name to recognise the account by')
    .option('--account-id <id>', '12-digit AWS account ID')
    .option('--role-name <name>', 'IAM role Cloudtally assumes (with the external ID)')
    .option('--role-arn <arn>', 'full role ARN instead of --role-name')
    .option('--access-key-id <id>', 'access key ID of a read-only IAM user')
    .option(
      '--secret-access-key <key>',
      'its secret (prefer --secret-access-key-stdin or the prompt: flags show in `ps`)',
    )
    .option('--secret-access-key-stdin', 'read the secret access key from standard input')
    .option('--export-type <type>', 'cur2 (CUR 2.0 / Standard Data Export) or legacy')
    .option('--export-name <name>', 'name of the export or legacy CUR report')
    .option('--bucket <bucket>', 'S3 bucket the export is delivered to')
    .option('--prefix <prefix>', 'S3 path prefix of the export')
    .option('--export-region <region>', 'region of the bucket')
    .option('--edp', 'the organization has an Enterprise Discount Program')
    .option('--member-import <policy>', 'payers: connected-only (default) or all');
}

/** Standard input, whole and trimmed (a secret piped in). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

async function secretFrom(flags: ConnectFlags): Promise<string | undefined> {
  if (flags.secretAccessKey) return flags.secretAccessKey;
  if (!flags.accessKeyId) return undefined;
  if (flags.secretAccessKeyStdin) return readStdin();
  if (!process.stdin.isTTY)
    throw new InputError(
      'secretAccessKey',
      '--access-key-id needs the secret: pass --secret-access-key-stdin (or --secret-access-key)',
    );
  return promptHidden('Secret access key: ');
}

export async function awsBodyOf(flags: ConnectFlags, forCreate: boolean): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = {
    name: flags.name,
    awsAccountId: flags.accountId,
    roleName: flags.roleName,
    roleArn: flags.roleArn,
    accessKeyId: flags.accessKeyId,
    secretAccessKey: await secretFrom(flags),
    exportType: flags.exportType,
    exportName: flags.exportName,
    bucket: flags.bucket,
    prefix: flags.prefix,
    exportRegion: flags.exportRegion,
    edp: flags.edp,
    memberImport: flags.memberImport,
    payerAccountId: flags.linkedFrom ?? flags.payer,
  };
  if (forCreate) {
    body.provider = 'aws';
    body.type = flags.type ?? (flags.linkedFrom ? 'linked' : 'assumed_role');
    if (flags.linkedFrom && body.type !== 'linked')
      throw new InputError('type', '--linked-from connects a member account: its type is linked');
  }
  for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
  return body;
}

/** `accounts connect aws` (`accounts edit` takes the same flags for an AWS account). */
export function registerAwsConnectCommand(connect: Command): void {
  withFlags(
    withConnectionFlags(
      connect
        .command('aws')
        .description(
          'Connect an AWS account: validated step by step first. Types: assumed_role (recommended), root, linked, cost_explorer. ' +
            'A member account listed by a payer: --linked-from PAYER_ID --account-id ID [--role-name NAME]',
        )
        .option('--type <type>', 'assumed_role (default), root, linked or cost_explorer')
        .option('--linked-from <payerId>', 'connect a member account of this payer (Cloudtally account ID)')
        .option('--payer <id>', "a linked account's payer: its Cloudtally ID or AWS account ID")
        .option('--json', 'print the account as JSON'),
    ),
  ).action(
    action(async (flags: StoreFlags & ClientFlags & ConnectFlags) => {
      const body = await awsBodyOf(flags, true);
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
