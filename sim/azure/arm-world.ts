/**
 * What Azure Resource Manager shows of a cost scenario: the virtual machines (with their power state), managed
 * disks, public IP addresses and load balancers whose meters the bill carries, under the same resource IDs (ARM
 * spells the resource group in capitals, as it often does; the bill spells it in lower case), plus what the bill
 * has no line for (a deallocated VM costs no compute). Each VM has an average CPU for Azure Monitor.
 */
import type { AzureCostScenario, AzureMeter } from './cost-lines.js';

export type PowerState = 'running' | 'stopped' | 'deallocated';

export interface ArmVm {
  id: string;
  subscriptionId: string;
  name: string;
  location: string;
  vmSize: string;
  power: PowerState;
  /** Average `Percentage CPU` while running. */
  cpu: number;
  osDiskId: string;
  tags: Record<string, string>;
}

export interface ArmDisk {
  id: string;
  subscriptionId: string;
  name: string;
  location: string;
  sku: string;
  sizeGb: number;
  /** The VM it is attached to (ARM's `managedBy`), or null. */
  managedBy: string | null;
  timeCreated: string;
  tags: Record<string, string>;
}

export interface ArmPublicIp {
  id: string;
  subscriptionId: string;
  name: string;
  location: string;
  ipAddress: string;
  /** The IP configuration (of a NIC or a load balancer frontend) it is associated with, or null. */
  ipConfigurationId: string | null;
  tags: Record<string, string>;
}

export interface ArmLoadBalancer {
  id: string;
  subscriptionId: string;
  name: string;
  location: string;
  sku: string;
  frontendPublicIpIds: string[];
  backendCount: number;
  tags: Record<string, string>;
}

export interface ArmWorld {
  subscriptions: { id: string; name: string }[];
  tenantId: string;
  vms: ArmVm[];
  disks: ArmDisk[];
  publicIps: ArmPublicIp[];
  loadBalancers: ArmLoadBalancer[];
}

/** A resource ID as ARM answers it: resource group in capitals. */
export function armIdOf(
  m: Pick<AzureMeter, 'subscriptionId' | 'resourceGroup' | 'resourceType' | 'resourceName'>,
) {
  return `/subscriptions/${m.subscriptionId}/resourceGroups/${m.resourceGroup.toUpperCase()}/providers/${m.resourceType}/${m.resourceName}`;
}

/** What each resource of the scenario is doing, by resource name (the scenario's meters give the rest). */
export interface WorldState {
  vms: Record<string, { power: PowerState; cpu: number; vmSize: string; osDisk: string }>;
  /** Disk name → VM name it is attached to (absent: unattached). */
  diskAttachedTo: Record<string, string>;
  /** Public IP name → load balancer name whose frontend uses it (absent: unassociated). */
  ipOnLoadBalancer: Record<string, string>;
  /** VMs without a meter in the bill (deallocated all along), with their subscription index and group. */
  unbilledVms?: { subscription: number; resourceGroup: string; name: string }[];
}

const VM = 'Microsoft.Compute/virtualMachines';
const DISK = 'Microsoft.Compute/disks';
const PIP = 'Microsoft.Network/publicIPAddresses';
const LB = 'Microsoft.Network/loadBalancers';

export function armWorldOf(scenario: AzureCostScenario, state: WorldState, tenantId: string): ArmWorld {
  const world: ArmWorld = {
    subscriptions: scenario.subscriptions,
    tenantId,
    vms: [],
    disks: [],
    publicIps: [],
    loadBalancers: [],
  };
  const meters = [...scenario.meters];
  for (const u of state.unbilledVms ?? []) {
    meters.push({
      ...scenario.meters[0],
      subscriptionId: scenario.subscriptions[u.subscription].id,
      resourceGroup: u.resourceGroup,
      resourceName: u.name,
      resourceType: VM,
    });
  }
  const idOf = (type: string, name: string) => {
    const m = meters.find((x) => x.resourceType === type && x.resourceName === name);
    if (!m) throw new Error(`world: no ${type} named ${name} in the scenario`);
    return armIdOf(m);
  };
  let ip = 10;
  for (const m of meters) {
    const base = {
      id: armIdOf(m),
      subscriptionId: m.subscriptionId,
      name: m.resourceName,
      location: m.region,
      tags: m.tags,
    };
    if (m.resourceType === VM) {
      const s = state.vms[m.resourceName];
      if (!s) throw new Error(`world: no state for VM ${m.resourceName}`);
      world.vms.push({
        ...base,
        vmSize: s.vmSize,
        power: s.power,
        cpu: s.cpu,
        osDiskId: idOf(DISK, s.osDisk),
      });
    } else if (m.resourceType === DISK) {
      const vm = state.diskAttachedTo[m.resourceName];
      world.disks.push({
        ...base,
        sku: 'Premium_LRS',
        sizeGb: /P20/.test(m.meterName) ? 512 : 128,
        managedBy: vm ? idOf(VM, vm) : null,
        timeCreated: '2024-11-02T09:30:00.0000000+00:00',
      });
    } else if (m.resourceType === PIP) {
      const lb = state.ipOnLoadBalancer[m.resourceName];
      world.publicIps.push({
        ...base,
        ipAddress: `20.61.0.${ip++}`,
        ipConfigurationId: lb ? `${idOf(LB, lb)}/frontendIPConfigurations/frontend` : null,
      });
    } else if (m.resourceType === LB) {
      world.loadBalancers.push({
        ...base,
        sku: 'Standard',
        frontendPublicIpIds: Object.entries(state.ipOnLoadBalancer)
          .filter(([, l]) => l === m.resourceName)
          .map(([p]) => idOf(PIP, p)),
        backendCount: 2,
      });
    }
  }
  return world;
}
