import type { Command } from 'commander';
import { RESOURCE_TYPES, type ResourceType } from '../inventory/inventory-types.js';
import type { ResourceFilters } from '../inventory/resource-query.js';
import { InputError } from '../lib/errors.js';
import { ok, withApi } from './client.js';
import { action, orgOptions, printJson, printTable, type OrgFlags } from './common.js';

/** `--account` takes an AWS account ID (12 digits) or a Cloudtally cloud account ID. */
export function accountFilter(account: string | undefined): {
  awsAccountId?: string;
  cloudAccountId?: string;
} {
  if (!account) return {};
  return /^\d{12}$/.test(account) ? { awsAccountId: account } : { cloudAccountId: account };
}

function positiveInt(value: string | undefined, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InputError(field, `--${field} must be a whole number of at least 1`);
  return n;
}

interface ListFlags extends OrgFlags {
  account?: string;
  region?: string;
  type?: string;
  state?: string;
  tag?: string;
  search?: string;
  includeGone?: boolean;
  sort?: string;
  limit?: string;
}

function money(x: number | undefined): string {
  return x === undefined ? '' : x.toFixed(2);
}

export function registerResourceCommands(program: Command): void {
  const resources = program
    .command('resources')
    .description(
      'Resources found in the connected accounts (EC2, EBS, snapshots, AMIs, Elastic IPs, load balancers)',
    );

  orgOptions(
    resources
      .command('list', { isDefault: true })
      .description('List resources with what each cost in the bill over the last 30 days (the default)')
      .option('--account <id>', 'AWS account ID or cloud account ID')
      .option('--region <region>', 'AWS region')
      .option('--type <type>', `one of ${RESOURCE_TYPES.join(', ')}`)
      .option('--state <state>', 'running, stopped, available, in-use, unassociated, …')
      .option('--tag <key[=value]>', 'has the tag, or the tag with this value')
      .option('--search <text>', 'part of the ID, name or ARN')
      .option('--include-gone', 'also list resources that disappeared')
      .option('--sort <order>', 'cost (default), name or type')
      .option('--limit <n>', 'rows to show', '100'),
  ).action(
    action(async (flags: ListFlags) => {
      if (flags.type && !(RESOURCE_TYPES as readonly string[]).includes(flags.type)) {
        throw new InputError('type', `--type must be one of ${RESOURCE_TYPES.join(', ')}`);
      }
      if (flags.sort && !['cost', 'name', 'type'].includes(flags.sort)) {
        throw new InputError('sort', '--sort must be cost, name or type');
      }
      const filters: ResourceFilters = {
        ...accountFilter(flags.account),
        region: flags.region,
        type: flags.type as ResourceType | undefined,
        state: flags.state,
        tag: flags.tag,
        search: flags.search,
        includeGone: flags.includeGone,
        sort: flags.sort as ResourceFilters['sort'],
        limit: positiveInt(flags.limit, 'limit', 100),
      };
      const result = await withApi(flags, ({ api }) =>
        ok(
          api.GET('/api/v1/resources', {
            params: { query: { ...filters, includeGone: filters.includeGone ? 'true' : undefined } },
          }),
        ),
      );
      if (flags.json) return printJson(result);
      printTable(
        result.items.map((r) => ({
          type: r.type,
          id: r.id,
          name: r.name ?? '',
          account: r.awsAccountId,
          region: r.region,
          state: r.goneAt ? `gone ${r.goneAt.slice(0, 10)}` : (r.state ?? ''),
          cost30d: r.cost ? money(r.cost.billed) : '',
        })),
        ['type', 'id', 'name', 'account', 'region', 'state', 'cost30d'],
      );
      process.stdout.write(
        `${result.items.length} of ${result.total} resources; billed over 30 days: ${result.totalBilledCost.toFixed(2)}\n`,
      );
    }),
  );

  orgOptions(
    resources
      .command('status <cloudAccountId>')
      .description('How the last inventory scan of a cloud account went, per region and resource kind'),
  ).action(
    action(async (cloudAccountId: string, flags: OrgFlags) => {
      const { items } = await withApi(flags, ({ api }) =>
        ok(
          api.GET('/api/v1/cloud-accounts/{id}/inventory-status', {
            params: { path: { id: cloudAccountId } },
          }),
        ),
      );
      if (flags.json) return printJson({ items });
      printTable(
        items.map((s) => ({
          region: s.region,
          kind: s.unit,
          state: s.state,
          items: s.itemCount,
          scanned: s.scannedAt.slice(0, 16),
          problem: s.diagnostic ? `${s.diagnostic.code}: ${s.diagnostic.message}` : '',
        })),
        ['region', 'kind', 'state', 'items', 'scanned', 'problem'],
      );
    }),
  );
}
