import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import type { JsonBody } from '../api-client/client.js';
import { ERROR_MAP, InputError } from '../lib/errors.js';
import { isAccountId, matchAccount } from '../accounts/account-ref.js';
import { connect, MessageNotFoundError, ok } from './client.js';
import { action, printJson, printTable, promptHidden, withStoreFlags, type StoreFlags } from './common.js';

interface ClientFlags {
  url?: string;
  token?: string;
  org?: string;
}

/** The account operations, through a running server (CLOUDTALLY_URL) or the app in-process on the data directory. */
async function backendFor(flags: StoreFlags & ClientFlags) {
  const { api, local, close } = await connect(flags);
  const path = (id: string) => ({ params: { path: { id } } });
  return {
    list: async () => (await ok(api.GET('/api/v1/cloud-accounts'))).items,
    get: (id: string) => ok(api.GET('/api/v1/cloud-accounts/{id}', path(id))),
    create: (body: AccountBody) =>
      ok(api.POST('/api/v1/cloud-accounts', { body: body as JsonBody<'/api/v1/cloud-accounts', 'post'> })),
    update: (id: string, body: AccountBody) =>
      ok(
        api.PATCH('/api/v1/cloud-accounts/{id}', {
          ...path(id),
          body: body as JsonBody<'/api/v1/cloud-accounts/{id}', 'patch'>,
        }),
      ),
    validate: (id: string) => ok(api.POST('/api/v1/cloud-accounts/{id}/validate', path(id))),
    remove: async (id: string) => {
      await ok(
        api.DELETE('/api/v1/cloud-accounts/{id}', { params: { path: { id }, query: { confirm: 'true' } } }),
      );
    },
    members: async (id: string) => (await ok(api.GET('/api/v1/cloud-accounts/{id}/members', path(id)))).items,
    setup: (query: { bucket?: string; prefix?: string; roleName?: string }) =>
      ok(api.GET('/api/v1/setup/aws', { params: { query } })),
    rotate: () => ok(api.POST('/api/v1/setup/aws/external-id/rotate')),
    /** The host's own AWS identity: known only where Cloudtally runs, so not through a server. */
    whoami: () => {
      if (!local)
        throw new InputError(
          'whoami',
          '--whoami runs on the Cloudtally host itself: unset CLOUDTALLY_URL and run it there',
        );
      return local.ctx.aws.hostIdentity();
    },
    close,
  };
}

type Backend = Awaited<ReturnType<typeof backendFor>>;
type CloudAccount = Awaited<ReturnType<Backend['get']>>;
/** What printing a validation reads of it (the account's last one and a fresh one are the same shape). */
interface ValidationReport {
  ok: boolean;
  steps: {
    step: string;
    state: string;
    code: string;
    message: string;
    remediation?: string;
    diagnostics?: { code: string; message: string; remediation: string }[];
  }[];
}
type AccountBody = Record<string, unknown>;

/** The account a person named (Cloudtally ID, AWS account ID or name), by the rule the MCP tools use too. */
async function accountIdOf(b: Backend, ref: string): Promise<string> {
  if (isAccountId(ref)) return ref.trim();
  const m = matchAccount(await b.list(), ref, 'See `cloudtally accounts list`.');
  if (m.found) return m.id;
  throw m.reason === 'none' ? new MessageNotFoundError(m.message) : new InputError('account', m.message);
}

async function withBackend<T>(flags: StoreFlags & ClientFlags, fn: (b: Backend) => Promise<T>): Promise<T> {
  const backend = await backendFor(flags);
  try {
    return await fn(backend);
  } finally {
    await backend.close();
  }
}

function withFlags(cmd: Command): Command {
  return withStoreFlags(cmd)
    .option('--url <url>', 'server URL (default CLOUDTALLY_URL)')
    .option('--token <token>', 'API token (default CLOUDTALLY_TOKEN)')
    .option('--org <name>', 'organization, when working on the data directory directly');
}

const MARK: Record<string, string> = { pass: '✓', fail: '✗', skipped: '-' };

export function printValidation(report: ValidationReport): void {
  for (const s of report.steps) {
    process.stdout.write(`${MARK[s.state]} ${s.step.padEnd(13)} ${s.code.padEnd(30)} ${s.message}\n`);
    for (const d of s.diagnostics?.slice(s.state === 'fail' ? 1 : 0) ?? [])
      process.stdout.write(`  ${' '.repeat(13)} ${d.code.padEnd(30)} ${d.message}\n`);
    const fixes =
      s.state === 'fail'
        ? (s.diagnostics ?? []).map((d) => d.remediation)
        : s.remediation
          ? [s.remediation]
          : [];
    for (const fix of [...new Set(fixes)]) process.stdout.write(`    fix: ${fix}\n`);
  }
  process.stdout.write(
    report.ok
      ? 'validation passed\n'
      : 'validation failed: fix the steps marked ✗ and run `cloudtally accounts validate ID`\n',
  );
}

function printAccount(a: CloudAccount): void {
  const lines: [string, unknown][] = [
    ['id', a.id],
    ['name', a.name],
    ['type', a.type],
    ['AWS account', a.awsAccountId],
    ['role', a.roleArn],
    ['access key', a.accessKeyId],
    [
      'export',
      a.exportType
        ? `${a.exportType} ${a.exportName} in s3://${a.bucket}/${a.prefix ? `${a.prefix}/` : ''} (${a.exportRegion})`
        : null,
    ],
    ['payer', a.parentId ?? a.payerAccountId],
    ['status', `${a.status.state}${a.status.message ? ` — ${a.status.message}` : ''}`],
    ['last sync', a.status.lastSyncAt],
    ['next sync', a.status.nextSyncAt],
  ];
  for (const [k, v] of lines)
    if (v !== null && v !== undefined) process.stdout.write(`${k.padEnd(12)} ${String(v)}\n`);
  if (a.members) {
    const open = a.members.filter((m) => !m.connected);
    process.stdout.write(
      `members      ${a.members.length} listed by AWS Organizations, ${open.length} not connected\n`,
    );
    if (a.notImported)
      process.stdout.write(
        `not imported ${a.notImported.accounts} member account(s)${a.notImported.cost !== null ? `, ${a.notImported.cost.toFixed(2)} ${a.notImported.currency ?? ''}` : ''} in ${a.notImported.billingPeriod}\n`,
      );
  }
}

interface ConnectFlags {
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

function withConnectionFlags(cmd: Command): Command {
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

async function readStdin(): Promise<string> {
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

async function bodyFrom(flags: ConnectFlags, forCreate: boolean): Promise<Record<string, unknown>> {
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

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^(y|yes)$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

function reportOutcome(report: ValidationReport | null): void {
  if (report && !report.ok) process.exitCode = ERROR_MAP.connection.exit;
}

export function registerAccountCommands(program: Command): void {
  const accounts =
    program.commands.find((c) => c.name() === 'accounts') ??
    program.command('accounts').description('Connected cloud accounts');

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

  const connect = accounts.command('connect').description('Connect a cloud account');
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
      const body = await bodyFrom(flags, true);
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

  withFlags(
    withConnectionFlags(
      accounts
        .command('edit <id>')
        .description('Change an account; the connection is validated again when it changes'),
    ).option('--json', 'print the account as JSON'),
  ).action(
    action(async (ref: string, flags: StoreFlags & ClientFlags & ConnectFlags) => {
      const body = await bodyFrom(flags, false);
      if (Object.keys(body).length === 0)
        throw new InputError('edit', 'Nothing to change: give at least one flag (see --help)');
      await withBackend(flags, async (b) => {
        const a = await b.update(await accountIdOf(b, ref), body);
        if (flags.json) return printJson(a);
        process.stdout.write(`updated ${a.name} (${a.id})\n`);
        printAccount(a);
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

  const setup = accounts.command('setup').description('What to create in AWS before connecting');
  withFlags(
    setup
      .command('aws')
      .description(
        "Cloudtally's principal, the external ID, the trust and permission policies and a CloudFormation template",
      )
      .option('--json', 'print everything as JSON')
      .option('--bucket <bucket>', 'fill the billing bucket into the policies')
      .option('--prefix <prefix>', 'fill the export prefix into the policies')
      .option('--role-name <name>', 'default role name of the template')
      .option('--cloudformation <type>', 'print only the template for assumed_role, linked or cost_explorer')
      .option('--rotate-external-id', 'replace the external ID (every role must then be updated)')
      .option('--whoami', "print the host's own AWS identity (the value for CLOUDTALLY_AWS_PRINCIPAL_ARN)")
      .option('--yes', 'do not ask before rotating'),
  ).action(
    action(
      async (
        flags: StoreFlags &
          ClientFlags & {
            json?: boolean;
            bucket?: string;
            prefix?: string;
            roleName?: string;
            cloudformation?: string;
            rotateExternalId?: boolean;
            whoami?: boolean;
            yes?: boolean;
          },
      ) => {
        await withBackend(flags, async (b) => {
          if (flags.whoami) {
            const me = await b.whoami();
            return flags.json ? printJson(me) : void process.stdout.write(`${me.arn}\n`);
          }
          if (flags.rotateExternalId) {
            if (!flags.yes) {
              if (!process.stdin.isTTY)
                throw new InputError(
                  'yes',
                  'Rotating the external ID breaks every role until it is updated; pass --yes to confirm',
                );
              if (
                !(await confirm(
                  'Rotate the external ID? Every role Cloudtally assumes must then be updated. [y/N] ',
                ))
              )
                return;
            }
            const r = await b.rotate();
            return flags.json
              ? printJson(r)
              : void process.stdout.write(`new external ID: ${r.externalId}\nwarning: ${r.warning}\n`);
          }
          const info = await b.setup({
            bucket: flags.bucket,
            prefix: flags.prefix,
            roleName: flags.roleName,
          });
          if (flags.cloudformation) {
            const t = info.cloudFormation[flags.cloudformation as keyof typeof info.cloudFormation];
            if (!t)
              throw new InputError(
                'cloudformation',
                '--cloudformation must be assumed_role, linked or cost_explorer',
              );
            return printJson(t);
          }
          if (flags.json) return printJson(info);
          const out = (s: string) => process.stdout.write(`${s}\n`);
          out(
            `Cloudtally principal: ${info.principal.arn ?? '(not configured)'}${info.principal.note ? `\n  ${info.principal.note}` : ''}`,
          );
          out(`External ID:          ${info.externalId}`);
          out('\nTrust policy of the role:');
          out(JSON.stringify(info.trustPolicy, null, 2));
          for (const [type, policy] of Object.entries(info.permissionPolicies)) {
            out(`\nPermission policy (${type}):`);
            out(JSON.stringify(policy, null, 2));
          }
          out(
            '\nCloudFormation template: cloudtally accounts setup aws --cloudformation assumed_role > cloudtally-role.json',
          );
          for (const n of info.notes) out(`note: ${n}`);
        });
      },
    ),
  );
}
