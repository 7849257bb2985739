import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { createAppContext, type AppContext } from '../app/context.js';
import { startServer, type RunningServer } from '../api/server.js';
import { loadConfig } from '../config/config.js';
import { InputError } from '../lib/errors.js';
import { createLog } from '../lib/log.js';
import { action } from './common.js';
import { seedDemoAlerts } from './demo-alerts.js';
import { mailCaptureRoutes, startMailCapture } from './demo-mail.js';
import { runUntilSignal } from './lifecycle.js';

export const DEMO_CREDENTIALS = 'demo-credentials.json';
export const DEMO_EMAIL = 'demo@cloudtally.example';
const DEMO_ORG = 'Acme (demo)';
/** Extra synthetic resources per step of --scale; each adds a month of line items per resource. */
const FILLER_PER_SCALE = 400;

export interface DemoFlags {
  port?: string;
  dataDir?: string;
  scale?: string;
  logLevel?: string;
}

export interface RunningDemo {
  url: string;
  email: string;
  password: string;
  token: string;
  ctx: AppContext;
  server: RunningServer;
  /** The page listing the mail the demo's alerts sent (a local capture). */
  mailUrl: string;
  stop(): Promise<void>;
}

/**
 * The demo always starts fresh: it empties its data directory (only one it made itself, recognised by the
 * credentials file) so that every run shows the same, current 13 months.
 */
function prepareDataDir(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    if (!existsSync(path.join(dir, DEMO_CREDENTIALS))) {
      throw new InputError(
        'dataDir',
        `${dir} is not empty and is not a demo data directory (no ${DEMO_CREDENTIALS}); choose another --data-dir`,
      );
    }
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Starts the AWS simulator with the demo scenario and Cloudtally over a fresh data directory, signs up a
 * manager, connects the payer by assumed role (with the organization's external ID) and one member by access
 * keys, and lets the first sync run. The simulator is reached only through the AWS endpoint setting.
 */
export async function startDemo(flags: DemoFlags): Promise<RunningDemo> {
  const dataDir = path.resolve(flags.dataDir ?? '.cloudtally-demo');
  const scale = Number(flags.scale ?? 1);
  if (!Number.isInteger(scale) || scale < 1 || scale > 1000) {
    throw new InputError('scale', '--scale must be a whole number from 1 to 1000');
  }
  prepareDataDir(dataDir);
  // The simulator is a test double: only the demo and tests load it.
  const { loadScenario, startSimulator } = await import('../../sim/index.js');
  const scenario = loadScenario('demo');
  scenario.size = { ...scenario.size, fillerResources: (scale - 1) * FILLER_PER_SCALE };
  const sim = await startSimulator(scenario, { dataDir: path.join(dataDir, 'sim') });
  // Cloudtally's own AWS identity is the host's default credential chain; here it is the simulator's host user.
  Object.assign(process.env, sim.env());
  const config = loadConfig(
    {
      dataDir,
      port: flags.port,
      logLevel: flags.logLevel ?? 'warn',
      awsEndpointUrl: sim.url,
      awsPrincipalArn: `arn:aws:iam::${scenario.host.accountId}:user/${scenario.host.userName}`,
    },
    process.env,
  );
  const ctx = await createAppContext(config, { log: createLog(config.logLevel) });
  // Alerts go to a local mail capture, listed at /demo/mail, so they show without any mail set-up.
  const capture = await startMailCapture();
  await ctx.sync.start({ worker: true, scheduler: true });
  ctx.notifications.start();
  const server = await startServer(ctx, {
    port: config.port,
    host: config.host,
    extraRoutes: [mailCaptureRoutes(capture)],
  });
  ctx.notifications.setServerUrl(server.url);

  const password = randomBytes(12).toString('base64url');
  const created = await ctx.auth.createUser({
    org: DEMO_ORG,
    email: DEMO_EMAIL,
    role: 'manager',
    password,
    actor: 'demo',
  });
  const orgId = created.organization.id;
  const token = await ctx.auth.createToken({ userId: created.user.id, orgId, email: DEMO_EMAIL }, 'demo');
  const { externalId } = await ctx.accounts.externalId(orgId);
  sim.setRoleExternalId('*', externalId);

  const actor = { orgId, userId: created.user.id, actor: DEMO_EMAIL };
  const payerExport = scenario.exports.find((e) => e.type === 'cur2') ?? scenario.exports[0];
  const payerId = scenario.organization.payerAccountId;
  const payerName = scenario.accounts.find((a) => a.id === payerId)?.name ?? 'payer';
  await ctx.accounts.create(actor, {
    name: payerName,
    provider: 'aws',
    type: 'assumed_role',
    awsAccountId: payerId,
    roleName: scenario.roles.find((r) => r.accountId === payerId)?.name ?? 'CloudtallyReadOnly',
    exportType: payerExport.type,
    exportName: payerExport.name,
    bucket: payerExport.bucket,
    prefix: payerExport.prefix,
    exportRegion: scenario.buckets.find((b) => b.name === payerExport.bucket)?.region ?? 'us-east-1',
    edp: scenario.organization.edpPercent > 0,
    memberImport: 'connected-only',
  });
  const memberUser = scenario.users.find((u) => u.accountId !== payerId);
  const principal = {
    ...actor,
    email: DEMO_EMAIL,
    role: 'manager' as const,
    manageCloudCredentials: true,
    via: 'cli' as const,
  };
  await seedDemoAlerts(ctx, principal, capture, {
    days: sim.truth.exports[payerExport.name]?.daily ?? [],
    dataEnd: sim.truth.dataEnd,
    accountIds: [payerId, ...(memberUser ? [memberUser.accountId] : [])],
    payerId,
    payerName,
  });
  if (memberUser) {
    await ctx.accounts.create(actor, {
      name: scenario.accounts.find((a) => a.id === memberUser.accountId)?.name ?? memberUser.accountId,
      provider: 'aws',
      type: 'linked',
      awsAccountId: memberUser.accountId,
      accessKeyId: memberUser.accessKeyId,
      secretAccessKey: memberUser.secretAccessKey,
      payerAccountId: payerId,
    });
  }

  const credentials = { url: server.url, email: DEMO_EMAIL, password, token: token.token };
  writeFileSync(path.join(dataDir, DEMO_CREDENTIALS), JSON.stringify(credentials, null, 2) + '\n', {
    mode: 0o600,
  });
  return {
    ...credentials,
    ctx,
    server,
    mailUrl: `${server.url}/demo/mail`,
    async stop() {
      await server.close();
      await ctx.close();
      await capture.close();
      await sim.close();
    },
  };
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'Run Cloudtally against a simulated AWS organization with 13 months of data (starts fresh each time)',
    )
    .option('--port <n>', 'port for the dashboard and API (default 8080, or CLOUDTALLY_PORT)')
    .option('--data-dir <dir>', 'demo data directory (emptied at start)', '.cloudtally-demo')
    .option('--scale <n>', 'make the simulated organization N times larger', '1')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|silent', 'warn')
    .action(
      action(async (flags: DemoFlags) => {
        process.stdout.write(
          'Starting the Cloudtally demo from a fresh data directory (every run starts fresh)…\n',
        );
        const demo = await startDemo(flags);
        const stopped = runUntilSignal(demo.ctx.log, () => demo.stop());
        process.stdout.write(
          [
            '',
            `Cloudtally demo is running: ${demo.url}`,
            `  sign in as  ${demo.email}`,
            `  password    ${demo.password}`,
            `  API token   in ${path.join(path.resolve(flags.dataDir ?? '.cloudtally-demo'), DEMO_CREDENTIALS)}`,
            `  demo mail   ${demo.mailUrl} (budget alerts and anomalies, sent to a local capture)`,
            '',
            'The first sync is loading 13 months of billing, resources and recommendations; the Accounts page shows its progress.',
            'Press Ctrl-C to stop.',
            '',
          ].join('\n'),
        );
        await stopped;
        process.stdout.write('Cloudtally demo stopped.\n');
      }),
    );
}
