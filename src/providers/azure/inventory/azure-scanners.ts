/**
 * The Azure scanners: one ARM list per resource kind and subscription (the official clients follow `nextLink`).
 * Virtual machines are listed with `statusOnly=true`, so each comes with its instance view and power state in the
 * same call (no call per VM).
 */
import type { ArmClients } from './arm-clients.js';
import {
  armParts,
  lowerId,
  type AzureDiskDetails,
  type AzureLoadBalancerDetails,
  type AzurePublicIpDetails,
  type AzureResource,
  type AzureResourceType,
  type AzureVmDetails,
  type VmPowerState,
} from './azure-resources.js';

interface ArmResource {
  id?: string;
  name?: string;
  location?: string;
  tags?: Record<string, string>;
}

async function collect<T>(items: AsyncIterable<T>, signal?: AbortSignal): Promise<T[]> {
  const out: T[] = [];
  for await (const x of items) {
    signal?.throwIfAborted();
    out.push(x);
  }
  return out;
}

function base(type: AzureResourceType, r: ArmResource, state: string): AzureResource | null {
  if (!r.id) return null;
  const id = r.id.toLowerCase();
  return {
    type,
    id,
    region: (r.location ?? '').toLowerCase(),
    arn: r.id,
    name: r.name ?? r.id.split('/').pop() ?? r.id,
    state,
    tags: r.tags ?? {},
    billIds: [id],
    details: {},
  };
}

/** The power state from an instance view's statuses (`PowerState/deallocated`). */
export function powerStateOf(statuses: { code?: string }[] | undefined): VmPowerState {
  const code = statuses?.find((s) => s.code?.startsWith('PowerState/'))?.code?.slice('PowerState/'.length);
  const known: VmPowerState[] = ['running', 'stopped', 'deallocated', 'starting', 'stopping', 'deallocating'];
  return known.find((k) => k === code) ?? 'unknown';
}

export interface ScannerCall {
  clients: ArmClients;
  subscriptionId: string;
  signal?: AbortSignal;
}

export async function scanVms(c: ScannerCall): Promise<AzureResource[]> {
  const vms = await collect(
    c.clients
      .compute(c.subscriptionId)
      .virtualMachines.listAll({ statusOnly: 'true', abortSignal: c.signal }),
    c.signal,
  );
  return vms.flatMap((vm) => {
    const power = powerStateOf(vm.instanceView?.statuses);
    const r = base('azure_vm', vm, power);
    if (!r) return [];
    const details: AzureVmDetails = {
      ...armParts(vm.id ?? ''),
      vmSize: vm.hardwareProfile?.vmSize ?? 'unknown',
      powerState: power,
      osDiskId: lowerId(vm.storageProfile?.osDisk?.managedDisk?.id),
      dataDiskIds: (vm.storageProfile?.dataDisks ?? []).flatMap((d) => lowerId(d.managedDisk?.id) ?? []),
    };
    r.details = { ...details };
    return [r];
  });
}

export async function scanDisks(c: ScannerCall): Promise<AzureResource[]> {
  const disks = await collect(
    c.clients.compute(c.subscriptionId).disks.list({ abortSignal: c.signal }),
    c.signal,
  );
  return disks.flatMap((d) => {
    const managedBy = lowerId(d.managedBy);
    const diskState = d.diskState ?? (managedBy ? 'Attached' : 'Unattached');
    const r = base('azure_disk', d, diskState);
    if (!r) return [];
    const details: AzureDiskDetails = {
      ...armParts(d.id ?? ''),
      sku: d.sku?.name ?? null,
      sizeGb: d.diskSizeGB ?? null,
      diskState,
      managedBy,
      timeCreated: d.timeCreated ? new Date(d.timeCreated).toISOString() : null,
      unattachedSince: null,
    };
    if (diskState === 'Unattached') {
      const since = d.lastOwnershipUpdateTime ?? d.timeCreated;
      details.unattachedSince = since ? new Date(since).toISOString() : null;
    }
    r.details = { ...details };
    return [r];
  });
}

export async function scanPublicIps(c: ScannerCall): Promise<AzureResource[]> {
  const ips = await collect(
    c.clients.network(c.subscriptionId).publicIPAddresses.listAll({ abortSignal: c.signal }),
    c.signal,
  );
  return ips.flatMap((p) => {
    const ipConfigurationId = lowerId(p.ipConfiguration?.id);
    const natGatewayId = lowerId(p.natGateway?.id);
    const r = base('azure_public_ip', p, ipConfigurationId || natGatewayId ? 'associated' : 'unassociated');
    if (!r) return [];
    const details: AzurePublicIpDetails = {
      ...armParts(p.id ?? ''),
      ipAddress: p.ipAddress ?? null,
      sku: p.sku?.name ?? null,
      allocation: p.publicIPAllocationMethod ?? null,
      ipConfigurationId,
      natGatewayId,
    };
    r.details = { ...details };
    return [r];
  });
}

export async function scanLoadBalancers(c: ScannerCall): Promise<AzureResource[]> {
  const lbs = await collect(
    c.clients.network(c.subscriptionId).loadBalancers.listAll({ abortSignal: c.signal }),
    c.signal,
  );
  return lbs.flatMap((lb) => {
    const r = base('azure_load_balancer', lb, 'active');
    if (!r) return [];
    const frontends = lb.frontendIPConfigurations ?? [];
    const details: AzureLoadBalancerDetails = {
      ...armParts(lb.id ?? ''),
      sku: lb.sku?.name ?? null,
      frontends: frontends.length,
      publicIpIds: frontends.flatMap((f) => lowerId(f.publicIPAddress?.id) ?? []),
      backendPools: (lb.backendAddressPools ?? []).length,
      rules: (lb.loadBalancingRules ?? []).length,
    };
    r.details = { ...details };
    return [r];
  });
}

/** The subscriptions a connection discovers: its own (subscription scope) or every one its principal can read. */
export async function subscriptionsOf(
  clients: ArmClients,
  scope: { scopeType: string; scopeId: string },
  signal?: AbortSignal,
): Promise<string[]> {
  if (scope.scopeType === 'subscription') return [scope.scopeId.toLowerCase()];
  const subs = await collect(clients.subscriptions().subscriptions.list({ abortSignal: signal }), signal);
  return subs
    .filter((s) => !s.state || s.state === 'Enabled' || s.state === 'PastDue' || s.state === 'Warned')
    .flatMap((s) => (s.subscriptionId ? [s.subscriptionId.toLowerCase()] : []))
    .sort();
}

/** The scanners, one per resource kind, with the ARM action each needs (named in diagnostics). */
export const AZURE_SCANNERS: readonly {
  unit: string;
  resourceType: AzureResourceType;
  action: string;
  scan: (c: ScannerCall) => Promise<AzureResource[]>;
}[] = [
  {
    unit: 'virtual-machines',
    resourceType: 'azure_vm',
    action: 'Microsoft.Compute/virtualMachines/read',
    scan: scanVms,
  },
  { unit: 'disks', resourceType: 'azure_disk', action: 'Microsoft.Compute/disks/read', scan: scanDisks },
  {
    unit: 'public-ips',
    resourceType: 'azure_public_ip',
    action: 'Microsoft.Network/publicIPAddresses/read',
    scan: scanPublicIps,
  },
  {
    unit: 'load-balancers',
    resourceType: 'azure_load_balancer',
    action: 'Microsoft.Network/loadBalancers/read',
    scan: scanLoadBalancers,
  },
];
