import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import type { JsonBody } from '../../api-client/client.js';
import { InputError } from '../../lib/errors.js';
import { isAccountId, matchAccount } from '../../accounts/account-ref.js';
import { connect, MessageNotFoundError, ok } from '../client.js';
import { withStoreFlags, type StoreFlags } from '../common.js';

export interface ClientFlags {
  url?: string;
  token?: string;
  org?: string;
}

/** The account operations, through a running server (CLOUDTALLY_URL) or the app in-process on the data directory. */
export async function backendFor(flags: StoreFlags & ClientFlags) {
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
    setupAzure: (query: Record<string, string | undefined>) =>
      ok(api.GET('/api/v1/setup/azure', { params: { query: query as never } })),
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

export type Backend = Awaited<ReturnType<typeof backendFor>>;
export type CloudAccount = Awaited<ReturnType<Backend['get']>>;
export type AccountBody = Record<string, unknown>;

/** The account a person named (Cloudtally ID, AWS account ID or name), by the rule the MCP tools use too. */
export async function accountIdOf(b: Backend, ref: string): Promise<string> {
  if (isAccountId(ref)) return ref.trim();
  const m = matchAccount(await b.list(), ref, 'See `cloudtally accounts list`.');
  if (m.found) return m.id;
  throw m.reason === 'none' ? new MessageNotFoundError(m.message) : new InputError('account', m.message);
}

export async function withBackend<T>(
  flags: StoreFlags & ClientFlags,
  fn: (b: Backend) => Promise<T>,
): Promise<T> {
  const backend = await backendFor(flags);
  try {
    return await fn(backend);
  } finally {
    await backend.close();
  }
}

export function withFlags(cmd: Command): Command {
  return withStoreFlags(cmd)
    .option('--url <url>', 'server URL (default CLOUDTALLY_URL)')
    .option('--token <token>', 'API token (default CLOUDTALLY_TOKEN)')
    .option('--org <name>', 'organization, when working on the data directory directly');
}

/** Asks a yes/no question on the terminal. */
export async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^(y|yes)$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}
