/**
 * The Azure resource types discovery finds and the facts kept about each (`details` of the inventory row). A
 * resource's inventory ID is its ARM resource ID in lower case: Azure spells the same ID with different cases
 * (ARM often capitalizes the resource group, the bill often does not), and the bill is matched without case.
 */

export const AZURE_RESOURCE_TYPES = [
  { type: 'azure_vm', label: 'Virtual machines', metrics: true },
  { type: 'azure_disk', label: 'Managed disks', metrics: false },
  { type: 'azure_public_ip', label: 'Public IP addresses', metrics: false },
  { type: 'azure_load_balancer', label: 'Load balancers', metrics: false },
] as const;
export type AzureResourceType = (typeof AZURE_RESOURCE_TYPES)[number]['type'];

/** What a scanner reports for one Azure resource (the inventory's DiscoveredResource shape). */
export interface AzureResource {
  type: AzureResourceType;
  /** The ARM resource ID in lower case. */
  id: string;
  /** The Azure location (`westeurope`). */
  region: string;
  /** The ARM resource ID as ARM spells it. */
  arn: string;
  name: string;
  state: string;
  tags: Record<string, string>;
  /** The IDs the bill's ResourceId carries for it (lower case; the bill is matched without case). */
  billIds: string[];
  details: Record<string, unknown>;
}

/** `running`, `stopped` (still billed for compute), `deallocated`, … from ARM's `PowerState/<state>` code. */
export type VmPowerState =
  'running' | 'stopped' | 'deallocated' | 'starting' | 'stopping' | 'deallocating' | 'unknown';

export interface AzureVmDetails {
  subscriptionId: string;
  resourceGroup: string;
  vmSize: string;
  powerState: VmPowerState;
  osDiskId: string | null;
  dataDiskIds: string[];
}

export interface AzureDiskDetails {
  subscriptionId: string;
  resourceGroup: string;
  sku: string | null;
  sizeGb: number | null;
  /** `Unattached`, `Attached`, `Reserved`, `ActiveSAS`, … */
  diskState: string;
  /** The VM the disk is attached to (ARM's `managedBy`), lower case, or null. */
  managedBy: string | null;
  timeCreated: string | null;
  /** Since when an unattached disk has been so: ARM's lastOwnershipUpdateTime, else its creation; null if attached. */
  unattachedSince: string | null;
}

export interface AzurePublicIpDetails {
  subscriptionId: string;
  resourceGroup: string;
  ipAddress: string | null;
  sku: string | null;
  allocation: string | null;
  /** The IP configuration (NIC or load balancer frontend) it is associated with, or null. */
  ipConfigurationId: string | null;
  natGatewayId: string | null;
}

export interface AzureLoadBalancerDetails {
  subscriptionId: string;
  resourceGroup: string;
  sku: string | null;
  frontends: number;
  publicIpIds: string[];
  backendPools: number;
  rules: number;
}

/** The subscription and resource group named in an ARM resource ID. */
export function armParts(id: string): { subscriptionId: string; resourceGroup: string } {
  const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\//i.exec(id);
  return { subscriptionId: (m?.[1] ?? '').toLowerCase(), resourceGroup: m?.[2] ?? '' };
}

export const lowerId = (id: string | undefined | null): string | null => (id ? id.toLowerCase() : null);
