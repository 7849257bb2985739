import type { Command } from 'commander';
import { InputError } from '../lib/errors.js';
import { EVENT_TYPES } from '../notifications/notification-types.js';
import type { JsonBody } from '../api-client/client.js';
import { ok, requireActor, withApi } from './client.js';
import { action, orgOptions, printJson, printTable, type OrgFlags } from './common.js';

interface ActFlags extends OrgFlags {
  as?: string;
}

interface ChannelFlags extends ActFlags {
  name: string;
  kind: string;
  webhookUrl?: string;
  secret?: string;
  host?: string;
  port?: string;
  security?: string;
  insecure?: boolean;
  username?: string;
  password?: string;
  from?: string;
  to: string[];
  secretStdin?: boolean;
}

interface RuleFlags extends ActFlags {
  name: string;
  event: string;
  channel: string[];
  param: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `hours=24`, `kinds=actual,forecast`, `budgetIds=b1` → rule parameters (numbers and lists as such). */
function parseParam(text: string): [string, unknown] {
  const m = /^([A-Za-z]+)=(.*)$/.exec(text.trim());
  if (!m) throw new InputError('param', `--param "${text}" must be NAME=VALUE`);
  const [, key, value] = m;
  if (/^-?\d+(\.\d+)?$/.test(value)) return [key, Number(value)];
  if (key === 'kinds' || key.endsWith('Ids')) return [key, value.split(',').filter(Boolean)];
  return [key, value];
}

function channelBody(f: ChannelFlags): Record<string, unknown> {
  switch (f.kind) {
    case 'email':
      return {
        kind: 'email',
        name: f.name,
        config: {
          host: f.host,
          port: f.port === undefined ? 587 : Number(f.port),
          security: f.security ?? 'starttls',
          verifyCertificate: !f.insecure,
          ...(f.username ? { username: f.username } : {}),
          from: f.from,
          to: f.to,
        },
        ...(f.password ? { password: f.password } : {}),
      };
    case 'slack':
    case 'teams':
      return { kind: f.kind, name: f.name, url: f.webhookUrl };
    case 'webhook':
      return { kind: 'webhook', name: f.name, config: { url: f.webhookUrl }, secret: f.secret };
    default:
      throw new InputError('kind', `--kind must be email, slack, teams or webhook, not "${f.kind}"`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

/**
 * With --secret-stdin the channel's secret comes from standard input, so that it stays out of shell history and
 * `ps`: the SMTP password (email), the webhook URL (slack, teams) or the signing secret (webhook).
 */
async function withStdinSecret(f: ChannelFlags): Promise<ChannelFlags> {
  if (!f.secretStdin) return f;
  const flag = { email: '--password', slack: '--webhook-url', teams: '--webhook-url', webhook: '--secret' }[
    f.kind
  ];
  if (!flag) throw new InputError('kind', `--kind must be email, slack, teams or webhook, not "${f.kind}"`);
  const given = flag === '--password' ? f.password : flag === '--secret' ? f.secret : f.webhookUrl;
  if (given !== undefined)
    throw new InputError('secret-stdin', `--secret-stdin replaces ${flag}: give one of them`);
  const value = await readStdin();
  if (!value)
    throw new InputError(
      'secret-stdin',
      `--secret-stdin: standard input was empty (expected the ${flag.slice(2)})`,
    );
  if (flag === '--password') return { ...f, password: value };
  if (flag === '--secret') return { ...f, secret: value };
  return { ...f, webhookUrl: value };
}

export function registerNotificationCommands(program: Command): void {
  const channels = program.command('channels').description('Notification channels: list, add, test, delete');

  orgOptions(
    channels.command('list', { isDefault: true }).description('Channels and their last delivery'),
  ).action(
    action(async (flags: OrgFlags) => {
      const answer = await withApi(flags, ({ api }) => ok(api.GET('/api/v1/notifications/channels')));
      if (flags.json) return printJson(answer);
      if (answer.items.length === 0) {
        process.stdout.write(
          'No channels yet: add one with `cloudtally channels add --kind slack --name N --webhook-url URL`.\n',
        );
        return;
      }
      printTable(
        answer.items.map((c) => ({
          id: c.id,
          name: c.name,
          kind: c.kind,
          target: c.kind === 'email' ? (c.config.to as string[]).join(', ') : String(c.config.url ?? ''),
          'last success': c.lastSuccessAt ?? '',
          'last error': c.lastError ?? '',
        })),
        ['id', 'name', 'kind', 'target', 'last success', 'last error'],
      );
    }),
  );

  orgOptions(
    channels
      .command('add')
      .description('Add a channel (secrets are stored encrypted and never shown again)')
      .requiredOption('--kind <kind>', 'email, slack, teams or webhook')
      .requiredOption('--name <name>', 'channel name')
      .option('--webhook-url <url>', 'slack/teams: the webhook URL; webhook: the address to POST to')
      .option('--secret <secret>', 'webhook: the signing secret (16+ characters)')
      .option('--host <host>', 'email: SMTP server')
      .option('--port <n>', 'email: SMTP port (default 587)')
      .option('--security <mode>', 'email: starttls (default), tls or none')
      .option('--insecure', 'email: do not check the server certificate')
      .option('--username <user>', 'email: SMTP login')
      .option('--password <password>', 'email: SMTP password')
      .option(
        '--secret-stdin',
        'read the secret from standard input instead of a flag (email: the password; slack/teams: the webhook URL; webhook: the signing secret)',
      )
      .option('--from <address>', 'email: sender')
      .option('--to <address>', 'email: recipient (repeat)', collect, [])
      .option('--as <email>', 'who acts, when working on the data directory without a server'),
  ).action(
    action(async (flags: ChannelFlags) => {
      const body = channelBody(await withStdinSecret(flags));
      const c = await withApi(flags, (conn) => {
        requireActor(conn, flags);
        return ok(
          conn.api.POST('/api/v1/notifications/channels', {
            body: body as JsonBody<'/api/v1/notifications/channels', 'post'>,
          }),
        );
      });
      if (flags.json) printJson(c);
      else process.stdout.write(`created ${c.kind} channel ${c.id} (${c.name})\n`);
    }),
  );

  orgOptions(
    channels
      .command('test <idOrName>')
      .description('Send a test message now')
      .option('--as <email>', 'who acts, when working on the data directory without a server'),
  ).action(
    action(async (idOrName: string, flags: ActFlags) => {
      const r = await withApi(flags, (conn) => {
        requireActor(conn, flags);
        return ok(
          conn.api.POST('/api/v1/notifications/channels/{id}/test', { params: { path: { id: idOrName } } }),
        );
      });
      if (flags.json) return printJson(r);
      if (!r.ok) throw new InputError('channel', `The test message was not delivered: ${r.error}`);
      process.stdout.write('test message sent\n');
    }),
  );

  orgOptions(
    channels
      .command('delete <idOrName>')
      .description('Remove a channel')
      .option('--as <email>', 'who acts, when working on the data directory without a server'),
  ).action(
    action(async (idOrName: string, flags: ActFlags) => {
      await withApi(flags, (conn) => {
        requireActor(conn, flags);
        return ok(
          conn.api.DELETE('/api/v1/notifications/channels/{id}', { params: { path: { id: idOrName } } }),
        );
      });
      if (flags.json) printJson({ removed: idOrName });
      else process.stdout.write(`removed channel ${idOrName}\n`);
    }),
  );

  const alerts = program.command('alerts').description('Alert rules: which events go to which channels');

  orgOptions(alerts.command('list', { isDefault: true }).description('Alert rules')).action(
    action(async (flags: OrgFlags) => {
      const answer = await withApi(flags, ({ api }) => ok(api.GET('/api/v1/alert-rules')));
      if (flags.json) return printJson(answer);
      if (answer.items.length === 0) {
        process.stdout.write(
          'No alert rules yet: create one with `cloudtally alerts create --name N --event budget_threshold --channel C`.\n',
        );
        return;
      }
      printTable(
        answer.items.map((r) => ({
          id: r.id,
          name: r.name,
          event: r.eventType,
          params: Object.entries(r.params)
            .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`)
            .join(' '),
          channels: r.channelIds.join(', '),
          enabled: r.enabled ? 'yes' : 'no',
        })),
        ['id', 'name', 'event', 'params', 'channels', 'enabled'],
      );
    }),
  );

  orgOptions(
    alerts
      .command('create')
      .description('Route an event type to channels')
      .requiredOption('--name <name>', 'rule name')
      .requiredOption('--event <type>', EVENT_TYPES.join(', '))
      .option('--channel <idOrName>', 'channel (repeat)', collect, [])
      .option('--param <NAME=VALUE>', 'e.g. minImpact=100, hours=24, kinds=actual (repeat)', collect, [])
      .option('--as <email>', 'who acts, when working on the data directory without a server'),
  ).action(
    action(async (flags: RuleFlags) => {
      const body = {
        name: flags.name,
        eventType: flags.event,
        params: Object.fromEntries(flags.param.map(parseParam)),
        channelIds: flags.channel,
      };
      const r = await withApi(flags, (conn) => {
        requireActor(conn, flags);
        return ok(
          conn.api.POST('/api/v1/alert-rules', { body: body as JsonBody<'/api/v1/alert-rules', 'post'> }),
        );
      });
      if (flags.json) printJson(r);
      else process.stdout.write(`created alert rule ${r.id} (${r.name}): ${r.eventType}\n`);
    }),
  );

  orgOptions(
    alerts
      .command('delete <idOrName>')
      .description('Remove an alert rule')
      .option('--as <email>', 'who acts, when working on the data directory without a server'),
  ).action(
    action(async (idOrName: string, flags: ActFlags) => {
      await withApi(flags, (conn) => {
        requireActor(conn, flags);
        return ok(conn.api.DELETE('/api/v1/alert-rules/{id}', { params: { path: { id: idOrName } } }));
      });
      if (flags.json) printJson({ removed: idOrName });
      else process.stdout.write(`removed alert rule ${idOrName}\n`);
    }),
  );
}
