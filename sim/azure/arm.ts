/**
 * Azure Resource Manager and Azure Monitor as far as discovery reads them, with the shapes Azure documents:
 *
 *   GET /subscriptions?api-version=                                        subscriptions the caller can read
 *   GET /subscriptions/{id}/providers/Microsoft.Compute/virtualMachines   (statusOnly=true: with instanceView)
 *   GET /subscriptions/{id}/providers/Microsoft.Compute/disks
 *   GET /subscriptions/{id}/providers/Microsoft.Network/publicIPAddresses
 *   GET /subscriptions/{id}/providers/Microsoft.Network/loadBalancers
 *   GET {resourceId}/providers/Microsoft.Insights/metrics                  (Percentage CPU of a VM)
 *
 * A bearer token of the simulator's Entra ID for ARM's audience is required; the api-version is checked against
 * the versions each resource provider accepts; lists are paged with `nextLink`. A principal reads the
 * subscriptions it was given Reader on (403 AuthorizationFailed elsewhere, 404 SubscriptionNotFound for an unknown
 * one); `throttle(n)` answers the next n calls 429 with Retry-After.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ArmDisk, ArmLoadBalancer, ArmPublicIp, ArmVm, ArmWorld } from './arm-world.js';
import { readToken } from './entra.js';

/** The api-versions the simulator accepts, per resource provider (the SDK clients' and a few recent ones). */
export const ARM_API_VERSIONS: Record<string, readonly string[]> = {
  subscriptions: ['2016-06-01', '2020-01-01', '2022-12-01'],
  'Microsoft.Compute/virtualMachines': ['2023-09-01', '2024-03-01', '2024-07-01', '2024-11-01', '2025-04-01'],
  'Microsoft.Compute/disks': ['2023-04-02', '2024-03-02', '2025-01-02'],
  'Microsoft.Network': ['2023-09-01', '2024-01-01', '2024-05-01', '2024-07-01', '2025-05-01'],
  'Microsoft.Insights/metrics': ['2018-01-01', '2019-07-01', '2021-05-01', '2023-10-01'],
};

const ARM_AUDIENCES = ['https://management.azure.com', 'https://management.core.windows.net'];

export interface ArmAccess {
  /** Subscriptions the principal (by client ID) has Reader on; absent: every subscription of the world. */
  readers: Map<string, Set<string>>;
  /** Calls left to answer 429. */
  throttled: number;
  /** Items per page of a list. */
  pageSize: number;
  /** Every call seen, `METHOD path?query` (for tests). */
  calls: string[];
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

function armError(res: ServerResponse, status: number, code: string, message: string, headers = {}): void {
  send(res, status, { error: { code, message } }, headers);
}

function vmJson(vm: ArmVm, withStatus: boolean) {
  const power = { running: 'VM running', stopped: 'VM stopped', deallocated: 'VM deallocated' }[vm.power];
  return {
    name: vm.name,
    id: vm.id,
    type: 'Microsoft.Compute/virtualMachines',
    location: vm.location,
    tags: vm.tags,
    properties: {
      vmId: vm.id.length.toString(16).padStart(8, '0') + '-0000-4000-8000-000000000000',
      hardwareProfile: { vmSize: vm.vmSize },
      storageProfile: {
        osDisk: {
          osType: 'Linux',
          name: vm.osDiskId.split('/').pop(),
          createOption: 'FromImage',
          managedDisk: { id: vm.osDiskId, storageAccountType: 'Premium_LRS' },
        },
        dataDisks: [],
      },
      provisioningState: 'Succeeded',
      ...(withStatus
        ? {
            instanceView: {
              statuses: [
                {
                  code: 'ProvisioningState/succeeded',
                  level: 'Info',
                  displayStatus: 'Provisioning succeeded',
                },
                { code: `PowerState/${vm.power}`, level: 'Info', displayStatus: power },
              ],
            },
          }
        : {}),
    },
  };
}

function diskJson(d: ArmDisk) {
  return {
    name: d.name,
    id: d.id,
    type: 'Microsoft.Compute/disks',
    location: d.location,
    tags: d.tags,
    ...(d.managedBy ? { managedBy: d.managedBy } : {}),
    sku: { name: d.sku, tier: 'Premium' },
    properties: {
      creationData: { createOption: 'Empty' },
      diskSizeGB: d.sizeGb,
      timeCreated: d.timeCreated,
      lastOwnershipUpdateTime: d.timeCreated,
      provisioningState: 'Succeeded',
      diskState: d.managedBy ? 'Attached' : 'Unattached',
    },
  };
}

function ipJson(p: ArmPublicIp) {
  return {
    name: p.name,
    id: p.id,
    type: 'Microsoft.Network/publicIPAddresses',
    location: p.location,
    tags: p.tags,
    sku: { name: 'Standard', tier: 'Regional' },
    properties: {
      provisioningState: 'Succeeded',
      ipAddress: p.ipAddress,
      publicIPAddressVersion: 'IPv4',
      publicIPAllocationMethod: 'Static',
      idleTimeoutInMinutes: 4,
      ...(p.ipConfigurationId ? { ipConfiguration: { id: p.ipConfigurationId } } : {}),
    },
  };
}

function lbJson(l: ArmLoadBalancer) {
  return {
    name: l.name,
    id: l.id,
    type: 'Microsoft.Network/loadBalancers',
    location: l.location,
    tags: l.tags,
    sku: { name: l.sku, tier: 'Regional' },
    properties: {
      provisioningState: 'Succeeded',
      frontendIPConfigurations: l.frontendPublicIpIds.map((ip, i) => ({
        name: i === 0 ? 'frontend' : `frontend-${i}`,
        id: `${l.id}/frontendIPConfigurations/${i === 0 ? 'frontend' : `frontend-${i}`}`,
        properties: { publicIPAddress: { id: ip } },
      })),
      backendAddressPools: [
        {
          name: 'backend',
          id: `${l.id}/backendAddressPools/backend`,
          properties: {
            loadBalancerBackendAddresses: Array.from({ length: l.backendCount }, (_, i) => ({
              name: `b${i}`,
            })),
          },
        },
      ],
      loadBalancingRules: [{ name: 'http', id: `${l.id}/loadBalancingRules/http` }],
    },
  };
}

/** A deterministic hourly CPU value around `avg`. */
function cpuAt(vm: ArmVm, t: number): number {
  const wobble = Math.sin(t / 3_600_000 + vm.name.length) * Math.min(vm.cpu * 0.3, 5);
  return Math.round(Math.max(0, vm.cpu + wobble) * 1000) / 1000;
}

const INTERVALS: Record<string, number> = {
  PT1M: 60_000,
  PT5M: 300_000,
  PT15M: 900_000,
  PT30M: 1_800_000,
  PT1H: 3_600_000,
  PT6H: 21_600_000,
  PT12H: 43_200_000,
  P1D: 86_400_000,
};

function metrics(res: ServerResponse, url: URL, vm: ArmVm): void {
  const names = (url.searchParams.get('metricnames') ?? '').split(',').filter(Boolean);
  const unknown = names.find((n) => n !== 'Percentage CPU');
  if (names.length === 0 || unknown)
    return armError(
      res,
      400,
      'BadRequest',
      `Failed to find metric configuration for provider: Microsoft.Compute, resource Type: virtualMachines, metric: ${unknown ?? ''}, Valid metrics: Percentage CPU,Network In Total,Network Out Total`,
    );
  const interval = url.searchParams.get('interval') ?? 'PT1H';
  const step = INTERVALS[interval];
  if (!step) return armError(res, 400, 'BadRequest', `Invalid interval '${interval}'.`);
  const aggregations = (url.searchParams.get('aggregation') ?? 'Average').split(',');
  const bad = aggregations.find((a) => !['Average', 'Minimum', 'Maximum', 'Total', 'Count'].includes(a));
  if (bad) return armError(res, 400, 'BadRequest', `Invalid aggregation '${bad}'.`);
  const [from, to] = (url.searchParams.get('timespan') ?? '').split('/').map((s) => Date.parse(s));
  if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from)
    return armError(res, 400, 'BadRequest', 'Invalid timespan: expected start/end in ISO 8601.');
  const data: Record<string, unknown>[] = [];
  for (let t = Math.ceil(from / step) * step; t < to; t += step) {
    const point: Record<string, unknown> = { timeStamp: new Date(t).toISOString().replace('.000', '') };
    // A VM that is not running reports no value (the time stamps come without aggregates).
    if (vm.power === 'running') {
      const v = cpuAt(vm, t);
      for (const a of aggregations) point[a.toLowerCase()] = a === 'Count' ? 60 : a === 'Total' ? v * 60 : v;
    }
    data.push(point);
  }
  send(res, 200, {
    cost: 0,
    timespan: url.searchParams.get('timespan'),
    interval,
    value: [
      {
        id: `${vm.id}/providers/Microsoft.Insights/metrics/Percentage CPU`,
        type: 'Microsoft.Insights/metrics',
        name: { value: 'Percentage CPU', localizedValue: 'Percentage CPU' },
        displayDescription:
          'The percentage of allocated compute units that are currently in use by the VM(s)',
        unit: 'Percent',
        timeseries: [{ metadatavalues: [], data }],
        errorCode: 'Success',
      },
    ],
    namespace: 'Microsoft.Compute/virtualMachines',
    resourceregion: vm.location,
  });
}

/** One page of `items` from `$skiptoken`, with the next page's link. */
function page(res: ServerResponse, base: string, url: URL, items: unknown[], size: number): void {
  const skip = Number(url.searchParams.get('$skiptoken') ?? '0');
  const next = skip + size;
  const body: Record<string, unknown> = { value: items.slice(skip, next) };
  if (next < items.length) {
    const link = new URL(url.pathname, base);
    for (const [k, v] of url.searchParams) if (k !== '$skiptoken') link.searchParams.set(k, v);
    link.searchParams.set('$skiptoken', String(next));
    body.nextLink = link.toString();
  }
  send(res, 200, body);
}

const LISTS: Record<string, { versions: string; action: string }> = {
  'microsoft.compute/virtualmachines': {
    versions: 'Microsoft.Compute/virtualMachines',
    action: 'Microsoft.Compute/virtualMachines/read',
  },
  'microsoft.compute/disks': { versions: 'Microsoft.Compute/disks', action: 'Microsoft.Compute/disks/read' },
  'microsoft.network/publicipaddresses': {
    versions: 'Microsoft.Network',
    action: 'Microsoft.Network/publicIPAddresses/read',
  },
  'microsoft.network/loadbalancers': {
    versions: 'Microsoft.Network',
    action: 'Microsoft.Network/loadBalancers/read',
  },
};

/** Answers the ARM and Monitor routes; false when the path is none of them. */
export function handleArm(
  req: IncomingMessage,
  res: ServerResponse,
  base: string,
  world: ArmWorld,
  access: ArmAccess,
  nowMs: () => number,
): boolean {
  const url = new URL(req.url ?? '/', base);
  const path = url.pathname;
  const lower = path.toLowerCase();
  if (!lower.startsWith('/subscriptions')) return false;
  access.calls.push(`${req.method ?? 'GET'} ${path}${url.search}`);
  const auth = req.headers.authorization ?? '';
  if (!auth.startsWith('Bearer ')) {
    armError(
      res,
      401,
      'AuthenticationFailed',
      "Authentication failed. The 'Authorization' header is missing.",
    );
    return true;
  }
  const token = readToken(auth.slice(7));
  const aud = token?.aud.replace(/\/+$/, '');
  if (!token || !aud || ![...ARM_AUDIENCES, base].includes(aud) || token.exp * 1000 < nowMs()) {
    armError(
      res,
      401,
      'InvalidAuthenticationToken',
      'The access token is invalid or was issued for another audience.',
    );
    return true;
  }
  if (access.throttled > 0) {
    access.throttled--;
    armError(
      res,
      429,
      'TooManyRequests',
      'The request is being throttled as the limit has been reached for operation type - Read.',
      { 'retry-after': '1', 'x-ms-ratelimit-remaining-subscription-reads': '0' },
    );
    return true;
  }
  const readable = access.readers.get(token.appid) ?? new Set(world.subscriptions.map((s) => s.id));
  const version = url.searchParams.get('api-version');
  const checkVersion = (key: string): boolean => {
    if (!version) {
      armError(
        res,
        400,
        'MissingApiVersionParameter',
        'The api-version query parameter (?api-version=) is required for all requests.',
      );
      return false;
    }
    if (!ARM_API_VERSIONS[key].includes(version)) {
      armError(
        res,
        400,
        'InvalidApiVersionParameter',
        `The api-version '${version}' is invalid. The supported versions are '${ARM_API_VERSIONS[key].join(',')}'.`,
      );
      return false;
    }
    return true;
  };
  if (lower === '/subscriptions' || lower === '/subscriptions/') {
    if (!checkVersion('subscriptions')) return true;
    const subs = world.subscriptions
      .filter((s) => readable.has(s.id))
      .map((s) => ({
        id: `/subscriptions/${s.id}`,
        subscriptionId: s.id,
        tenantId: world.tenantId,
        displayName: s.name,
        state: 'Enabled',
        subscriptionPolicies: {
          locationPlacementId: 'Public_2014-09-01',
          quotaId: 'PayAsYouGo_2014-09-01',
          spendingLimit: 'Off',
        },
        authorizationSource: 'RoleBased',
      }));
    page(res, base, url, subs, access.pageSize);
    return true;
  }
  const m = /^\/subscriptions\/([^/]+)(?:\/(.*))?$/.exec(path);
  const subId = decodeURIComponent(m?.[1] ?? '').toLowerCase();
  const rest = m?.[2] ?? '';
  const known = world.subscriptions.some((s) => s.id === subId);
  if (!known) {
    armError(res, 404, 'SubscriptionNotFound', `The subscription '${subId}' could not be found.`);
    return true;
  }
  const denied = (action: string, scope: string) =>
    armError(
      res,
      403,
      'AuthorizationFailed',
      `The client '${token.appid}' with object id '${token.appid}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
  if (/\/providers\/microsoft\.insights\/metrics$/i.test(rest)) {
    const resourceId = path.slice(0, -'/providers/Microsoft.Insights/metrics'.length);
    if (!checkVersion('Microsoft.Insights/metrics')) return true;
    if (!readable.has(subId)) {
      denied('Microsoft.Insights/metrics/read', resourceId);
      return true;
    }
    const vm = world.vms.find((v) => v.id.toLowerCase() === resourceId.toLowerCase());
    if (!vm) {
      armError(res, 404, 'ResourceNotFound', `The Resource '${resourceId}' was not found.`);
      return true;
    }
    metrics(res, url, vm);
    return true;
  }
  const list = LISTS[rest.toLowerCase().replace(/^providers\//, '')];
  if (!list || !rest.toLowerCase().startsWith('providers/')) return false;
  if (!checkVersion(list.versions)) return true;
  if (!readable.has(subId)) {
    denied(list.action, `/subscriptions/${subId}`);
    return true;
  }
  const inSub = <T extends { subscriptionId: string }>(xs: T[]) =>
    xs.filter((x) => x.subscriptionId === subId);
  const kind = rest.toLowerCase().split('/').slice(1).join('/');
  const items =
    kind === 'microsoft.compute/virtualmachines'
      ? inSub(world.vms).map((v) => vmJson(v, url.searchParams.get('statusOnly') === 'true'))
      : kind === 'microsoft.compute/disks'
        ? inSub(world.disks).map(diskJson)
        : kind === 'microsoft.network/publicipaddresses'
          ? inSub(world.publicIps).map(ipJson)
          : inSub(world.loadBalancers).map(lbJson);
  page(res, base, url, items, access.pageSize);
  return true;
}
