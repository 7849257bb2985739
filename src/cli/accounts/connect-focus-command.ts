import type { Command } from 'commander';
import { InputError } from '../../lib/errors.js';
import { action, printJson, promptHidden, type StoreFlags } from '../common.js';
import { withBackend, withFlags, type ClientFlags } from './account-backend.js';
import { printValidation, reportOutcome } from './account-output.js';
import { readStdin } from './connect-aws-command.js';

interface FocusFlags {
  name?: string;
  endpoint?: string;
  region?: string;
  bucket?: string;
  prefix?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  secretAccessKeyStdin?: boolean;
  billingAccountId?: string;
  json?: boolean;
}

async function secretOf(flags: FocusFlags): Promise<string | undefined> {
  if (flags.secretAccessKey) return flags.secretAccessKey;
  if (flags.secretAccessKeyStdin) return readStdin();
  if (!flags.accessKeyId) return undefined;
  if (!process.stdin.isTTY)
    throw new InputError(
      'secretAccessKey',
      '--access-key-id needs the secret: pass --secret-access-key-stdin (or --secret-access-key)',
    );
  return promptHidden('Secret access key: ');
}

/** The POST body: the API's field names; what the flags leave out takes the API's default (or its error). */
export async function focusBodyOf(flags: FocusFlags): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = {
    provider: 'focus',
    type: 's3',
    name: flags.name,
    endpoint: flags.endpoint,
    region: flags.region,
    bucket: flags.bucket,
    prefix: flags.prefix,
    accessKeyId: flags.accessKeyId,
    secretAccessKey: await secretOf(flags),
    billingAccountId: flags.billingAccountId,
  };
  for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
  return body;
}

/** `accounts connect focus`: a FOCUS export in an S3-compatible bucket, validated (access, files, header) first. */
export function registerFocusConnectCommand(connect: Command): void {
  withFlags(
    connect
      .command('focus')
      .description(
        'Connect a FOCUS 1.0–1.2 export in an S3-compatible bucket (AWS S3, Google Cloud Storage with an HMAC key, ' +
          'Oracle Cloud, R2, MinIO, Ceph): validated step by step first',
      )
      .option('--name <name>', 'a name to recognise the export by')
      .option('--endpoint <url>', 'service URL, e.g. https://storage.googleapis.com (leave out for AWS S3)')
      .option('--region <region>', 'region of the bucket (default us-east-1; auto for R2 and Cloud Storage)')
      .option('--bucket <bucket>', 'bucket the export is written to')
      .option('--prefix <prefix>', 'path inside the bucket (the folder the export writes to)')
      .option('--access-key-id <id>', 'access key ID (Cloud Storage: the HMAC key ID)')
      .option(
        '--secret-access-key <key>',
        'its secret (prefer --secret-access-key-stdin or the prompt: flags show in `ps`)',
      )
      .option('--secret-access-key-stdin', 'read the secret access key from standard input')
      .option('--billing-account-id <id>', 'the billing account the export covers, when it is one')
      .option('--json', 'print the account as JSON'),
  ).action(
    action(async (flags: StoreFlags & ClientFlags & FocusFlags) => {
      const body = await focusBodyOf(flags);
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
