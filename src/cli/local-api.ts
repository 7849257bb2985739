/**
 * The CLI without a server: the data directory (or PostgreSQL) is opened here and the same Hono app the server
 * runs answers the commands' requests in-process. Whoever can open the database acts in it: as the member named by
 * --as, or else as the local operator (a manager of the organization, audited as `cli (local)`).
 */
import type { AppContext } from '../app/context.js';
import type { Principal } from '../auth/permissions.js';
import { createApi } from '../api/app.js';
import { InputError, NotFoundError } from '../lib/errors.js';
import { inProcessCaller } from '../mcp/api-caller.js';
import type { ApiFlags, Connection } from './connection-types.js';
import { openContext } from './common.js';

/** The audit log's name for the operator working on the data directory without naming a member. */
export const LOCAL_ACTOR = 'cli (local)';

async function organizationOf(
  ctx: AppContext,
  wanted: string | undefined,
): Promise<{ id: string; name: string }> {
  const orgs = await ctx.auth.allOrganizations();
  const org = wanted
    ? orgs.find((o) => o.name === wanted || o.id === wanted)
    : orgs.length === 1
      ? orgs[0]
      : undefined;
  if (org) return org;
  if (wanted) throw new NotFoundError('Organization', wanted);
  throw new InputError(
    'org',
    orgs.length === 0
      ? 'No organization yet: create one with `cloudtally users create`'
      : `There are ${orgs.length} organizations here; name one with --org (${orgs.map((o) => o.name).join(', ')}).`,
  );
}

export async function openLocalApi(flags: ApiFlags): Promise<Connection> {
  const ctx = await openContext(flags);
  // Resolved on the first request, so that commands needing no organization (accounts setup --whoami) work before one exists.
  let org: Promise<{ id: string; name: string }> | undefined;
  const orgOnce = () =>
    (org ??= (async () =>
      organizationOf(ctx, flags.org ?? (flags.orgOf ? await flags.orgOf(ctx) : undefined)))());
  let principal: Promise<Principal> | undefined;
  const principalOnce = () =>
    (principal ??= (async (): Promise<Principal> => {
      // A member acts in the named organization, else in their default one.
      if (flags.as) return ctx.auth.principalForEmail(flags.as, flags.org && (await orgOnce()).name);
      const o = await orgOnce();
      return {
        userId: '',
        email: LOCAL_ACTOR,
        orgId: o.id,
        role: 'manager',
        manageCloudCredentials: true,
        via: 'cli',
      };
    })());
  const app = createApi(ctx, [], { localPrincipal: principalOnce });
  return {
    // The caller is known before the app sees a request, so that "no such member" or "name the organization" is
    // the answer rather than what the app says to an unknown caller.
    api: inProcessCaller({ request: async (request) => (await principalOnce(), app.request(request)) }),
    local: { ctx, org: orgOnce },
    close: () => ctx.close(),
  };
}
