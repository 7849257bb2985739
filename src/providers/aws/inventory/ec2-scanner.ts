import {
  DescribeAddressesCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeRegionsCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { withAwsRetry } from '../sdk/retry.js';
import { collectPages, tagMap } from './aws-calls.js';
import type {
  AddressDetails,
  DiscoveredResource,
  ImageDetails,
  InstanceDetails,
  SnapshotDetails,
  VolumeDetails,
} from '../../../inventory/inventory-types.js';
import { isoTimestamp } from '../../../lib/dates.js';

type Ec2 = Pick<EC2Client, 'send'>;

/** `User initiated (2024-01-02 03:04:05 GMT)` → the ISO time; AWS states no other machine-readable stop time. */
export function stoppedAtFromReason(reason: string | undefined): string | null {
  const m = /\((\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) GMT\)/.exec(reason ?? '');
  return m ? isoTimestamp(`${m[1]}T${m[2]}Z`) : null;
}

/** Regions the account can use: opted-in ones and those that need no opt-in. */
export async function enabledRegions(ec2: Ec2, signal?: AbortSignal): Promise<string[]> {
  const out = await withAwsRetry(
    () => ec2.send(new DescribeRegionsCommand({ AllRegions: true }), { abortSignal: signal }),
    { signal },
  );
  return (out.Regions ?? [])
    .filter((r) => r.RegionName && r.OptInStatus !== 'not-opted-in')
    .map((r) => r.RegionName as string)
    .sort();
}

export async function scanInstances(
  ec2: Ec2,
  region: string,
  signal?: AbortSignal,
): Promise<DiscoveredResource[]> {
  const reservations = await collectPages(
    (token) =>
      ec2.send(new DescribeInstancesCommand({ MaxResults: 1000, NextToken: token }), { abortSignal: signal }),
    (page) => ({ items: page.Reservations, next: page.NextToken }),
    signal,
  );
  const out: DiscoveredResource[] = [];
  for (const reservation of reservations) {
    for (const i of reservation.Instances ?? []) {
      if (!i.InstanceId) continue;
      const state = i.State?.Name ?? 'unknown';
      const tags = tagMap(i.Tags);
      const details: InstanceDetails = {
        instanceType: i.InstanceType ?? 'unknown',
        launchTime: isoTimestamp(i.LaunchTime),
        platform: i.PlatformDetails ?? (i.Platform ? String(i.Platform) : 'Linux/UNIX'),
        availabilityZone: i.Placement?.AvailabilityZone ?? null,
        lifecycle: i.InstanceLifecycle ? String(i.InstanceLifecycle) : 'on-demand',
        imageId: i.ImageId ?? null,
        volumeIds: (i.BlockDeviceMappings ?? [])
          .map((b) => b.Ebs?.VolumeId)
          .filter((v): v is string => Boolean(v)),
        stoppedAt: state === 'stopped' ? stoppedAtFromReason(i.StateTransitionReason) : null,
        stateReason: i.StateTransitionReason || null,
      };
      out.push({
        type: 'ec2_instance',
        id: i.InstanceId,
        region,
        arn: `arn:aws:ec2:${region}:${reservation.OwnerId ?? ''}:instance/${i.InstanceId}`,
        name: tags.Name,
        state,
        tags,
        billIds: [i.InstanceId],
        details: { ...details },
      });
    }
  }
  return out;
}

export async function scanVolumes(
  ec2: Ec2,
  region: string,
  signal?: AbortSignal,
): Promise<DiscoveredResource[]> {
  const volumes = await collectPages(
    (token) =>
      ec2.send(new DescribeVolumesCommand({ MaxResults: 500, NextToken: token }), { abortSignal: signal }),
    (page) => ({ items: page.Volumes, next: page.NextToken }),
    signal,
  );
  const out: DiscoveredResource[] = [];
  for (const v of volumes) {
    if (!v.VolumeId) continue;
    const tags = tagMap(v.Tags);
    const details: VolumeDetails = {
      volumeType: v.VolumeType ? String(v.VolumeType) : 'standard',
      sizeGiB: v.Size ?? 0,
      iops: v.Iops ?? null,
      availabilityZone: v.AvailabilityZone ?? null,
      createTime: isoTimestamp(v.CreateTime),
      attachments: (v.Attachments ?? [])
        .filter((a) => a.InstanceId)
        .map((a) => ({
          instanceId: a.InstanceId as string,
          device: a.Device ?? null,
          state: a.State ? String(a.State) : null,
        })),
    };
    out.push({
      type: 'ebs_volume',
      id: v.VolumeId,
      region,
      name: tags.Name,
      state: v.State ? String(v.State) : 'unknown',
      tags,
      billIds: [v.VolumeId],
      details: { ...details },
    });
  }
  return out;
}

export async function scanSnapshots(
  ec2: Ec2,
  region: string,
  awsAccountId: string,
  signal?: AbortSignal,
): Promise<DiscoveredResource[]> {
  const snapshots = await collectPages(
    (token) =>
      ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], MaxResults: 1000, NextToken: token }), {
        abortSignal: signal,
      }),
    (page) => ({ items: page.Snapshots, next: page.NextToken }),
    signal,
  );
  const out: DiscoveredResource[] = [];
  for (const s of snapshots) {
    if (!s.SnapshotId) continue;
    const tags = tagMap(s.Tags);
    const arn = `arn:aws:ec2:${region}:${s.OwnerId ?? awsAccountId}:snapshot/${s.SnapshotId}`;
    const details: SnapshotDetails = {
      volumeId: s.VolumeId ?? null,
      volumeSizeGiB: s.VolumeSize ?? 0,
      startTime: isoTimestamp(s.StartTime),
      description: s.Description ?? null,
      usedByImages: [],
    };
    out.push({
      type: 'ebs_snapshot',
      id: s.SnapshotId,
      region,
      arn,
      name: tags.Name,
      state: s.State ? String(s.State) : 'unknown',
      tags,
      billIds: [arn, s.SnapshotId],
      details: { ...details },
    });
  }
  return out;
}

export async function scanImages(
  ec2: Ec2,
  region: string,
  signal?: AbortSignal,
): Promise<DiscoveredResource[]> {
  const images = await collectPages(
    (token) =>
      ec2.send(new DescribeImagesCommand({ Owners: ['self'], MaxResults: 1000, NextToken: token }), {
        abortSignal: signal,
      }),
    (page) => ({ items: page.Images, next: page.NextToken }),
    signal,
  );
  const out: DiscoveredResource[] = [];
  for (const im of images) {
    if (!im.ImageId) continue;
    const tags = tagMap(im.Tags);
    const details: ImageDetails = {
      creationDate: isoTimestamp(im.CreationDate),
      snapshotIds: (im.BlockDeviceMappings ?? [])
        .map((b) => b.Ebs?.SnapshotId)
        .filter((v): v is string => Boolean(v)),
      platform: im.PlatformDetails ?? 'Linux/UNIX',
    };
    out.push({
      type: 'ami',
      id: im.ImageId,
      region,
      name: im.Name ?? tags.Name,
      state: im.State ? String(im.State) : 'unknown',
      tags,
      billIds: [im.ImageId],
      details: { ...details },
    });
  }
  return out;
}

export async function scanAddresses(
  ec2: Ec2,
  region: string,
  signal?: AbortSignal,
): Promise<DiscoveredResource[]> {
  const page = await withAwsRetry(() => ec2.send(new DescribeAddressesCommand({}), { abortSignal: signal }), {
    signal,
  });
  const out: DiscoveredResource[] = [];
  for (const a of page.Addresses ?? []) {
    const id = a.AllocationId ?? a.PublicIp;
    if (!id) continue;
    const tags = tagMap(a.Tags);
    const details: AddressDetails = {
      publicIp: a.PublicIp ?? null,
      allocationId: id,
      associationId: a.AssociationId ?? null,
      instanceId: a.InstanceId || null,
      networkInterfaceId: a.NetworkInterfaceId ?? null,
      domain: a.Domain ? String(a.Domain) : null,
    };
    const associated = Boolean(a.AssociationId || a.InstanceId || a.NetworkInterfaceId);
    out.push({
      type: 'elastic_ip',
      id,
      region,
      name: tags.Name,
      state: associated ? 'associated' : 'unassociated',
      tags,
      // The bill names public IPv4 charges by the address; some exports use the allocation ID.
      billIds: [...new Set([a.PublicIp, id].filter((x): x is string => Boolean(x)))],
      details: { ...details },
    });
  }
  return out;
}

/**
 * Marks snapshots that an image of the same region uses (an AMI keeps its snapshots in use). Without the
 * image list (`images` null: the call failed) the use stays unknown, so that no rule takes the snapshot for unused.
 */
export function linkSnapshotsToImages(
  snapshots: DiscoveredResource[],
  images: DiscoveredResource[] | null,
): void {
  if (images === null) {
    for (const s of snapshots) s.details.usedByImages = null;
    return;
  }
  const users = new Map<string, string[]>();
  for (const im of images) {
    for (const s of (im.details as unknown as ImageDetails).snapshotIds) {
      users.set(s, [...(users.get(s) ?? []), im.id]);
    }
  }
  for (const s of snapshots) s.details.usedByImages = users.get(s.id) ?? [];
}
