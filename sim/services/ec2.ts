import { SimError } from '../server/errors.js';
import {
  decodeToken,
  encodeToken,
  queryFilters,
  queryList,
  xmlDocument,
  xmlResponse,
  type SimResponse,
  type XmlNode,
} from '../server/protocol.js';
import type { HandlerContext, ServiceModule } from '../server/types.js';
import { resourceId } from '../world/ids.js';
import type { Instance } from '../world/world.js';
import { describeReservedInstances } from './ec2-reserved.js';

const XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

type Attrs = Record<string, string | string[] | undefined>;

const tagSet = (tags: Record<string, string>): XmlNode => ({
  item: Object.entries(tags)
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([key, value]) => ({ key, value })),
});

const iso = (s: number): Date => new Date(s * 1000);

function tagAttrs(tags: Record<string, string>): Attrs {
  const a: Attrs = { 'tag-key': Object.keys(tags) };
  for (const [k, v] of Object.entries(tags)) a[`tag:${k}`] = v;
  return a;
}

function globMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === value;
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(value);
}

/** EC2 filter semantics: AND across filters, OR across a filter's values; an unknown filter name matches nothing. */
function matches(attrs: Attrs, filters: Array<{ name: string; values: string[] }>): boolean {
  return filters.every((f) => {
    const v = attrs[f.name];
    if (v === undefined) return false;
    const vals = Array.isArray(v) ? v : [v];
    return f.values.some((p) => vals.some((x) => globMatch(p, x)));
  });
}

/** Pages a sorted list with MaxResults/NextToken. */
function page<T>(
  ctx: HandlerContext,
  items: T[],
  salt: string,
  maxDefault = 1000,
): { items: T[]; next?: string } {
  const p = ctx.req.form;
  const max = p.has('MaxResults') ? Number(p.get('MaxResults')) : maxDefault;
  const offset = decodeToken(p.get('NextToken'), salt);
  if (offset === undefined) throw new SimError('InvalidParameterValue', 'Invalid value for NextToken', 400);
  const slice = items.slice(offset, offset + max);
  return { items: slice, next: offset + max < items.length ? encodeToken(offset + max, salt) : undefined };
}

function respond(op: string, ctx: HandlerContext, body: XmlNode): SimResponse {
  return xmlResponse(
    200,
    xmlDocument(`${op}Response`, XMLNS, { requestId: ctx.req.requestId, ...body }),
    ctx.req.requestId,
  );
}

function instanceXml(i: Instance, ctx: HandlerContext): XmlNode {
  const { world } = ctx.state;
  const stopped = i.state === 'stopped';
  const address = world.addresses.find((a) => a.instanceId === i.id);
  return {
    instanceId: i.id,
    imageId: i.imageId,
    instanceState: { code: stopped ? 80 : 16, name: i.state },
    privateDnsName: `ip-${i.privateIp.replace(/\./g, '-')}.ec2.internal`,
    dnsName: '',
    reason: stopped
      ? `User initiated (${iso(i.stoppedAt ?? 0)
          .toISOString()
          .slice(0, 19)
          .replace('T', ' ')} GMT)`
      : '',
    amiLaunchIndex: 0,
    productCodes: '',
    instanceType: i.type,
    launchTime: iso(i.launchTime),
    placement: { availabilityZone: i.az, groupName: '', tenancy: 'default' },
    monitoring: { state: 'disabled' },
    subnetId: resourceId('subnet', world.seed, i.accountId, i.az),
    vpcId: resourceId('vpc', world.seed, i.accountId, i.region),
    privateIpAddress: i.privateIp,
    ipAddress: !stopped ? address?.publicIp : undefined,
    architecture: i.type.includes('g.') ? 'arm64' : 'x86_64',
    rootDeviceType: 'ebs',
    rootDeviceName: '/dev/xvda',
    blockDeviceMapping: {
      item: world.volumes
        .filter((v) => v.attachedTo === i.id)
        .map((v) => ({
          deviceName: v.device,
          ebs: {
            volumeId: v.id,
            status: 'attached',
            attachTime: iso(v.createTime),
            deleteOnTermination: v.device === '/dev/xvda',
          },
        })),
    },
    virtualizationType: 'hvm',
    tagSet: tagSet(i.tags),
    hypervisor: 'xen',
    platformDetails: 'Linux/UNIX',
    usageOperation: 'RunInstances',
  };
}

function describeInstances(ctx: HandlerContext): SimResponse {
  const { world } = ctx.state;
  const ids = queryList(ctx.req.form, 'InstanceId');
  const filters = queryFilters(ctx.req.form);
  const mine = world.instances
    .filter((i) => i.accountId === ctx.caller.accountId && i.region === ctx.req.region)
    .sort((a, b) => a.id.localeCompare(b.id));
  for (const id of ids) {
    if (!mine.some((i) => i.id === id))
      throw new SimError('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`, 400);
  }
  const selected = mine.filter(
    (i) =>
      (ids.length === 0 || ids.includes(i.id)) &&
      matches(
        {
          'instance-id': i.id,
          'instance-type': i.type,
          'instance-state-name': i.state,
          'instance-state-code': i.state === 'stopped' ? '80' : '16',
          'availability-zone': i.az,
          'image-id': i.imageId,
          'private-ip-address': i.privateIp,
          'block-device-mapping.volume-id': i.volumeIds,
          ...tagAttrs(i.tags),
        },
        filters,
      ),
  );
  const { items, next } = page(ctx, selected, `di|${ctx.caller.accountId}|${ctx.req.region}`);
  return respond('DescribeInstances', ctx, {
    reservationSet: {
      item: items.map((i) => ({
        reservationId: resourceId('r', world.seed, i.id),
        ownerId: i.accountId,
        groupSet: '',
        instancesSet: { item: [instanceXml(i, ctx)] },
      })),
    },
    nextToken: next,
  });
}

function describeVolumes(ctx: HandlerContext): SimResponse {
  const { world } = ctx.state;
  const ids = queryList(ctx.req.form, 'VolumeId');
  const filters = queryFilters(ctx.req.form);
  const selected = world.volumes
    .filter((v) => v.accountId === ctx.caller.accountId && v.region === ctx.req.region)
    .filter((v) => ids.length === 0 || ids.includes(v.id))
    .filter((v) =>
      matches(
        {
          'volume-id': v.id,
          'volume-type': v.type,
          status: v.attachedTo ? 'in-use' : 'available',
          'availability-zone': v.az,
          size: String(v.sizeGiB),
          'attachment.instance-id': v.attachedTo,
          'attachment.status': v.attachedTo ? 'attached' : undefined,
          ...tagAttrs(v.tags),
        },
        filters,
      ),
    )
    .sort((a, b) => a.id.localeCompare(b.id));
  const { items, next } = page(ctx, selected, `dv|${ctx.caller.accountId}|${ctx.req.region}`);
  return respond('DescribeVolumes', ctx, {
    volumeSet: {
      item: items.map((v) => ({
        volumeId: v.id,
        size: v.sizeGiB,
        snapshotId: '',
        availabilityZone: v.az,
        status: v.attachedTo ? 'in-use' : 'available',
        createTime: iso(v.createTime),
        attachmentSet: {
          item: v.attachedTo
            ? [
                {
                  volumeId: v.id,
                  instanceId: v.attachedTo,
                  device: v.device,
                  status: 'attached',
                  attachTime: iso(v.createTime),
                  deleteOnTermination: v.device === '/dev/xvda',
                },
              ]
            : [],
        },
        volumeType: v.type,
        iops: v.type === 'gp3' ? 3000 : v.type === 'gp2' ? Math.max(100, v.sizeGiB * 3) : undefined,
        throughput: v.type === 'gp3' ? 125 : undefined,
        encrypted: false,
        multiAttachEnabled: false,
        tagSet: tagSet(v.tags),
      })),
    },
    nextToken: next,
  });
}

function describeSnapshots(ctx: HandlerContext): SimResponse {
  const { world } = ctx.state;
  const ids = queryList(ctx.req.form, 'SnapshotId');
  const owners = queryList(ctx.req.form, 'Owner');
  const filters = queryFilters(ctx.req.form);
  const acct = ctx.caller.accountId;
  const selected = world.snapshots
    .filter((s) => s.accountId === acct && s.region === ctx.req.region)
    .filter(() => owners.length === 0 || owners.some((o) => o === 'self' || o === acct))
    .filter((s) => ids.length === 0 || ids.includes(s.id))
    .filter((s) =>
      matches(
        {
          'snapshot-id': s.id,
          'volume-id': s.volumeId,
          'owner-id': s.accountId,
          status: 'completed',
          ...tagAttrs(s.tags),
        },
        filters,
      ),
    )
    .sort((a, b) => a.id.localeCompare(b.id));
  const { items, next } = page(ctx, selected, `ds|${acct}|${ctx.req.region}`);
  return respond('DescribeSnapshots', ctx, {
    snapshotSet: {
      item: items.map((s) => ({
        snapshotId: s.id,
        volumeId: s.volumeId,
        status: 'completed',
        startTime: iso(s.startTime),
        progress: '100%',
        ownerId: s.accountId,
        volumeSize: s.sizeGiB,
        description: `Snapshot ${s.name}`,
        encrypted: false,
        storageTier: 'standard',
        tagSet: tagSet(s.tags),
      })),
    },
    nextToken: next,
  });
}

function describeAddresses(ctx: HandlerContext): SimResponse {
  const { world } = ctx.state;
  const ids = queryList(ctx.req.form, 'AllocationId');
  const ips = queryList(ctx.req.form, 'PublicIp');
  const filters = queryFilters(ctx.req.form);
  const selected = world.addresses
    .filter((a) => a.accountId === ctx.caller.accountId && a.region === ctx.req.region)
    .filter(
      (a) =>
        (ids.length === 0 || ids.includes(a.allocationId)) && (ips.length === 0 || ips.includes(a.publicIp)),
    )
    .filter((a) =>
      matches(
        {
          'allocation-id': a.allocationId,
          'public-ip': a.publicIp,
          'instance-id': a.instanceId,
          'association-id': a.associationId,
          domain: 'vpc',
          'tag:Name': a.name,
          'tag-key': ['Name'],
        },
        filters,
      ),
    )
    .sort((a, b) => a.allocationId.localeCompare(b.allocationId));
  const inst = new Map(world.instances.map((i) => [i.id, i]));
  return respond('DescribeAddresses', ctx, {
    addressesSet: {
      item: selected.map((a) => ({
        publicIp: a.publicIp,
        allocationId: a.allocationId,
        domain: 'vpc',
        instanceId: a.instanceId,
        associationId: a.associationId,
        networkInterfaceId: a.instanceId ? resourceId('eni', world.seed, a.instanceId) : undefined,
        privateIpAddress: a.instanceId ? inst.get(a.instanceId)?.privateIp : undefined,
        networkBorderGroup: a.region,
        publicIpv4Pool: 'amazon',
        tagSet: tagSet({ Name: a.name }),
      })),
    },
  });
}

function describeImages(ctx: HandlerContext): SimResponse {
  const { world } = ctx.state;
  const ids = queryList(ctx.req.form, 'ImageId');
  const owners = queryList(ctx.req.form, 'Owner');
  const filters = queryFilters(ctx.req.form);
  const acct = ctx.caller.accountId;
  const selected = world.images
    .filter((im) => im.accountId === acct && im.region === ctx.req.region)
    .filter(() => owners.length === 0 || owners.some((o) => o === 'self' || o === acct))
    .filter((im) => ids.length === 0 || ids.includes(im.id))
    .filter((im) =>
      matches(
        {
          'image-id': im.id,
          name: im.name,
          'owner-id': im.accountId,
          state: 'available',
          'block-device-mapping.snapshot-id': im.snapshotId,
        },
        filters,
      ),
    )
    .sort((a, b) => a.id.localeCompare(b.id));
  const snaps = new Map(world.snapshots.map((s) => [s.id, s]));
  const { items, next } = page(ctx, selected, `dimg|${acct}|${ctx.req.region}`);
  return respond('DescribeImages', ctx, {
    imagesSet: {
      item: items.map((im) => ({
        imageId: im.id,
        imageLocation: `${im.accountId}/${im.name}`,
        imageState: 'available',
        imageOwnerId: im.accountId,
        creationDate: iso(im.creationDate),
        isPublic: false,
        architecture: 'x86_64',
        imageType: 'machine',
        name: im.name,
        rootDeviceType: 'ebs',
        rootDeviceName: '/dev/xvda',
        blockDeviceMapping: {
          item: [
            {
              deviceName: '/dev/xvda',
              ebs: {
                snapshotId: im.snapshotId,
                volumeSize: snaps.get(im.snapshotId)?.sizeGiB ?? 8,
                deleteOnTermination: true,
                volumeType: 'gp3',
                encrypted: false,
              },
            },
          ],
        },
        virtualizationType: 'hvm',
        hypervisor: 'xen',
      })),
    },
    nextToken: next,
  });
}

/**
 * Without AllRegions EC2 lists only the regions the account can use (no opt-in needed, or opted in); with
 * AllRegions=true also those not opted in. RegionName and the region filters narrow either list.
 */
function describeRegions(ctx: HandlerContext): SimResponse {
  const { world } = ctx.state;
  const names = queryList(ctx.req.form, 'RegionName');
  const filters = queryFilters(ctx.req.form);
  const all = ctx.req.form.get('AllRegions') === 'true';
  const listed = [
    ...world.regions.filter((r) => !(r in world.optInRegions)),
    ...Object.keys(world.optInRegions),
  ];
  const regions = listed
    .map((r) => ({ name: r, status: world.optInRegions[r] ?? 'opt-in-not-required' }))
    .filter((r) => all || r.status !== 'not-opted-in')
    .filter((r) => names.length === 0 || names.includes(r.name))
    .filter((r) =>
      matches(
        { 'region-name': r.name, endpoint: `ec2.${r.name}.amazonaws.com`, 'opt-in-status': r.status },
        filters,
      ),
    );
  return respond('DescribeRegions', ctx, {
    regionInfo: {
      item: regions.map((r) => ({
        regionName: r.name,
        regionEndpoint: `ec2.${r.name}.amazonaws.com`,
        optInStatus: r.status,
      })),
    },
  });
}

const HANDLERS: Record<string, (ctx: HandlerContext) => SimResponse> = {
  DescribeInstances: describeInstances,
  DescribeVolumes: describeVolumes,
  DescribeSnapshots: describeSnapshots,
  DescribeAddresses: describeAddresses,
  DescribeImages: describeImages,
  DescribeRegions: describeRegions,
  DescribeReservedInstances: describeReservedInstances,
};

export const ec2: ServiceModule = {
  actionOf: (req) => `ec2:${req.operation}`,
  handle(ctx) {
    const h = HANDLERS[ctx.req.operation];
    if (!h)
      throw new SimError(
        'InvalidAction',
        `The action ${ctx.req.operation} is not valid for this web service.`,
        400,
      );
    return h(ctx);
  },
};
