import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';

/** The AWS clients an inventory scan needs, per region; tests build real SDK clients against the simulator. */
export interface InventoryClients {
  ec2(region: string): Pick<EC2Client, 'send'>;
  elbv2(region: string): Pick<ElasticLoadBalancingV2Client, 'send'>;
  elb(region: string): Pick<ElasticLoadBalancingClient, 'send'>;
  cloudwatch(region: string): Pick<CloudWatchClient, 'send'>;
}

export const RESOURCE_TYPES = [
  'ec2_instance',
  'ebs_volume',
  'ebs_snapshot',
  'ami',
  'elastic_ip',
  'load_balancer',
] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** What a scanner reports for one resource; `details` holds the type-specific facts (see the *Details types). */
export interface DiscoveredResource {
  type: ResourceType;
  /** The inventory ID: instance, volume, snapshot, image or allocation ID, or the load balancer's ARN. */
  id: string;
  region: string;
  arn?: string;
  name?: string;
  state?: string;
  tags: Record<string, string>;
  /** The IDs this resource carries in the bill's `line_item_resource_id` (an ARN, a public IP, …). */
  billIds: string[];
  details: Record<string, unknown>;
}

export interface InstanceDetails {
  instanceType: string;
  launchTime: string | null;
  platform: string;
  availabilityZone: string | null;
  lifecycle: string;
  imageId: string | null;
  volumeIds: string[];
  /** When the instance was stopped, from its state transition reason (null when unknown or running). */
  stoppedAt: string | null;
  stateReason: string | null;
  /** Since when it has been stopped: `stoppedAt`, else carried from earlier scans (see resource-store.ts). */
  stoppedSince?: string | null;
}

export interface VolumeDetails {
  volumeType: string;
  sizeGiB: number;
  iops: number | null;
  availabilityZone: string | null;
  createTime: string | null;
  attachments: { instanceId: string; device: string | null; state: string | null }[];
  /** Since when the volume has had no attachment; kept across scans (see resource-store.ts). */
  unattachedSince?: string | null;
}

export interface SnapshotDetails {
  volumeId: string | null;
  volumeSizeGiB: number;
  startTime: string | null;
  description: string | null;
  /** Images (AMIs) of the account whose block devices use this snapshot; null when images could not be listed. */
  usedByImages: string[] | null;
}

export interface ImageDetails {
  creationDate: string | null;
  snapshotIds: string[];
  platform: string;
}

export interface AddressDetails {
  publicIp: string | null;
  allocationId: string;
  associationId: string | null;
  instanceId: string | null;
  networkInterfaceId: string | null;
  domain: string | null;
  /** Since when the address has had no association; kept across scans (see resource-store.ts). */
  unassociatedSince?: string | null;
}

export interface TargetGroupSummary {
  arn: string;
  name: string | null;
  targets: { id: string; state: string }[];
}

export interface LoadBalancerDetails {
  lbType: 'application' | 'network' | 'gateway' | 'classic';
  dnsName: string | null;
  scheme: string | null;
  createdTime: string | null;
  targetGroups: TargetGroupSummary[];
  /** Classic load balancers: registered instances. */
  instances: { id: string; state: string }[];
  registeredTargets: number;
  healthyTargets: number;
  /** The CloudWatch dimension: `app/name/id` for ELBv2, the name for classic. */
  metricDimension: string;
}
