import { SimError } from '../server/errors.js';
import {
  decodeToken,
  encodeToken,
  queryList,
  queryResponse,
  type SimResponse,
  type XmlNode,
} from '../server/protocol.js';
import type { HandlerContext, ServiceModule } from '../server/types.js';
import { resourceId } from '../world/ids.js';
import type { LoadBalancer } from '../world/world.js';

/** ELBv2 and classic ELB share the signing name `elasticloadbalancing`; the `Version` parameter tells them apart. */
const V2 = '2015-12-01';
const NS_V2 = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';
const NS_V1 = 'http://elasticloadbalancing.amazonaws.com/doc/2012-06-01/';

function paged<T>(ctx: HandlerContext, items: T[], salt: string): { items: T[]; marker?: string } {
  const size = Number(ctx.req.form.get('PageSize') ?? 400);
  const offset = decodeToken(ctx.req.form.get('Marker'), salt);
  if (offset === undefined) throw new SimError('ValidationError', 'Invalid Marker', 400);
  return {
    items: items.slice(offset, offset + size),
    marker: offset + size < items.length ? encodeToken(offset + size, salt) : undefined,
  };
}

function visible(ctx: HandlerContext, classic: boolean): LoadBalancer[] {
  return ctx.state.world.loadBalancers
    .filter(
      (lb) =>
        lb.accountId === ctx.caller.accountId &&
        lb.region === ctx.req.region &&
        (lb.type === 'classic') === classic,
    )
    .sort((a, b) => a.name.localeCompare(b.name));
}

function vpcOf(ctx: HandlerContext, lb: LoadBalancer): string {
  return resourceId('vpc', ctx.state.world.seed, lb.accountId, lb.region);
}

function describeV2(ctx: HandlerContext): SimResponse {
  const arns = queryList(ctx.req.form, 'LoadBalancerArns');
  const names = queryList(ctx.req.form, 'Names');
  const all = visible(ctx, false);
  for (const a of arns)
    if (!all.some((lb) => lb.arn === a))
      throw new SimError('LoadBalancerNotFound', `One or more load balancers not found`, 400);
  for (const n of names)
    if (!all.some((lb) => lb.name === n))
      throw new SimError('LoadBalancerNotFound', `Load balancers '[${n}]' not found`, 400);
  const selected = all.filter(
    (lb) => (arns.length === 0 || arns.includes(lb.arn)) && (names.length === 0 || names.includes(lb.name)),
  );
  const { items, marker } = paged(ctx, selected, `elbv2|${ctx.caller.accountId}|${ctx.req.region}`);
  return queryResponse(
    'DescribeLoadBalancers',
    NS_V2,
    {
      LoadBalancers: {
        member: items.map((lb) => ({
          LoadBalancerArn: lb.arn,
          DNSName: lb.dnsName,
          CanonicalHostedZoneId: 'Z35SXDOTRQ7X7K',
          CreatedTime: new Date(lb.createdAt * 1000),
          LoadBalancerName: lb.name,
          Scheme: 'internet-facing',
          VpcId: vpcOf(ctx, lb),
          State: { Code: 'active' },
          Type: lb.type,
          AvailabilityZones: {
            member: [
              {
                ZoneName: `${lb.region}a`,
                SubnetId: resourceId('subnet', ctx.state.world.seed, lb.accountId, `${lb.region}a`),
              },
            ],
          },
          SecurityGroups:
            lb.type === 'application'
              ? { member: [resourceId('sg', ctx.state.world.seed, lb.arn)] }
              : undefined,
          IpAddressType: 'ipv4',
        })),
      },
      NextMarker: marker,
    },
    ctx.req.requestId,
  );
}

function describeTargetGroups(ctx: HandlerContext): SimResponse {
  const lbArn = ctx.req.form.get('LoadBalancerArn');
  const arns = queryList(ctx.req.form, 'TargetGroupArns');
  const all = visible(ctx, false);
  if (lbArn && !all.some((lb) => lb.arn === lbArn))
    throw new SimError('LoadBalancerNotFound', 'One or more load balancers not found', 400);
  const selected = all.filter(
    (lb) => (!lbArn || lb.arn === lbArn) && (arns.length === 0 || arns.includes(lb.targetGroupArn)),
  );
  const { items, marker } = paged(
    ctx,
    selected,
    `tg|${ctx.caller.accountId}|${ctx.req.region}|${lbArn ?? ''}`,
  );
  return queryResponse(
    'DescribeTargetGroups',
    NS_V2,
    {
      TargetGroups: {
        member: items.map((lb) => ({
          TargetGroupArn: lb.targetGroupArn,
          TargetGroupName: `${lb.name}-tg`,
          Protocol: lb.type === 'network' ? 'TCP' : 'HTTP',
          Port: 80,
          VpcId: vpcOf(ctx, lb),
          HealthCheckProtocol: lb.type === 'network' ? 'TCP' : 'HTTP',
          HealthCheckPort: 'traffic-port',
          HealthCheckEnabled: true,
          HealthCheckIntervalSeconds: 30,
          HealthCheckTimeoutSeconds: 5,
          HealthyThresholdCount: 5,
          UnhealthyThresholdCount: 2,
          HealthCheckPath: lb.type === 'network' ? undefined : '/',
          LoadBalancerArns: { member: [lb.arn] },
          TargetType: 'instance',
          ProtocolVersion: lb.type === 'network' ? undefined : 'HTTP1',
          IpAddressType: 'ipv4',
        })),
      },
      NextMarker: marker,
    },
    ctx.req.requestId,
  );
}

function describeTargetHealth(ctx: HandlerContext): SimResponse {
  const tg = ctx.req.form.get('TargetGroupArn');
  const lb = visible(ctx, false).find((x) => x.targetGroupArn === tg);
  if (!lb) throw new SimError('TargetGroupNotFound', `Target groups '${tg}' not found`, 400);
  const instances = new Map(ctx.state.world.instances.map((i) => [i.id, i]));
  return queryResponse(
    'DescribeTargetHealth',
    NS_V2,
    {
      TargetHealthDescriptions: {
        member: lb.targets.map((id) => {
          const running = instances.get(id)?.state === 'running';
          return {
            Target: { Id: id, Port: 80 },
            HealthCheckPort: '80',
            TargetHealth: running
              ? { State: 'healthy' }
              : {
                  State: 'unused',
                  Reason: 'Target.InvalidState',
                  Description: 'Target is in the stopped state',
                },
          };
        }),
      },
    },
    ctx.req.requestId,
  );
}

function describeClassic(ctx: HandlerContext): SimResponse {
  const names = queryList(ctx.req.form, 'LoadBalancerNames');
  const all = visible(ctx, true);
  for (const n of names)
    if (!all.some((lb) => lb.name === n))
      throw new SimError('LoadBalancerNotFound', `There is no ACTIVE Load Balancer named '${n}'`, 400);
  const selected = all.filter((lb) => names.length === 0 || names.includes(lb.name));
  const { items, marker } = paged(ctx, selected, `elb|${ctx.caller.accountId}|${ctx.req.region}`);
  const body: XmlNode = {
    LoadBalancerDescriptions: {
      member: items.map((lb) => ({
        LoadBalancerName: lb.name,
        DNSName: lb.dnsName,
        CanonicalHostedZoneName: lb.dnsName,
        CanonicalHostedZoneNameID: 'Z35SXDOTRQ7X7K',
        ListenerDescriptions: {
          member: [
            {
              Listener: {
                Protocol: 'HTTP',
                LoadBalancerPort: 80,
                InstanceProtocol: 'HTTP',
                InstancePort: 80,
              },
              PolicyNames: '',
            },
          ],
        },
        Policies: { AppCookieStickinessPolicies: '', LBCookieStickinessPolicies: '', OtherPolicies: '' },
        BackendServerDescriptions: '',
        AvailabilityZones: { member: [`${lb.region}a`] },
        Subnets: { member: [resourceId('subnet', ctx.state.world.seed, lb.accountId, `${lb.region}a`)] },
        VPCId: vpcOf(ctx, lb),
        Instances: { member: lb.targets.map((id) => ({ InstanceId: id })) },
        HealthCheck: {
          Target: 'HTTP:80/',
          Interval: 30,
          Timeout: 5,
          UnhealthyThreshold: 2,
          HealthyThreshold: 10,
        },
        SourceSecurityGroup: { OwnerAlias: lb.accountId, GroupName: 'default' },
        SecurityGroups: '',
        CreatedTime: new Date(lb.createdAt * 1000),
        Scheme: 'internet-facing',
      })),
    },
    NextMarker: marker,
  };
  return queryResponse('DescribeLoadBalancers', NS_V1, body, ctx.req.requestId);
}

/** Tags as both ELB APIs list them: `<Tags><member><Key/><Value/></member></Tags>`, sorted by key. */
function tagsXml(tags: Record<string, string>): XmlNode {
  return {
    member: Object.entries(tags)
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([Key, Value]) => ({ Key, Value })),
  };
}

/** Both DescribeTags take 1 to 20 resources per call. */
function tagTargets(ctx: HandlerContext, param: string, field: string): string[] {
  const items = queryList(ctx.req.form, param);
  if (items.length === 0 || items.length > 20) {
    throw new SimError(
      'ValidationError',
      `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must have length between 1 and 20`,
      400,
    );
  }
  return items;
}

function describeTagsV2(ctx: HandlerContext): SimResponse {
  const arns = tagTargets(ctx, 'ResourceArns', 'resourceArns');
  const lbs = visible(ctx, false);
  const descriptions = arns.map((arn) => {
    const lb = lbs.find((x) => x.arn === arn);
    if (lb) return { ResourceArn: arn, Tags: tagsXml(lb.tags) };
    // Target groups exist per load balancer here and carry no tags of their own.
    if (lbs.some((x) => x.targetGroupArn === arn)) return { ResourceArn: arn, Tags: tagsXml({}) };
    if (arn.includes(':targetgroup/'))
      throw new SimError('TargetGroupNotFound', `Target groups '${arn}' not found`, 400);
    if (arn.includes(':loadbalancer/'))
      throw new SimError('LoadBalancerNotFound', `Load balancers '[${arn}]' not found`, 400);
    throw new SimError('ValidationError', `'${arn}' is not a valid resource ARN`, 400);
  });
  return queryResponse(
    'DescribeTags',
    NS_V2,
    { TagDescriptions: { member: descriptions } },
    ctx.req.requestId,
  );
}

function classicNamed(ctx: HandlerContext, name: string | undefined): LoadBalancer {
  const lb = visible(ctx, true).find((x) => x.name === name);
  if (!lb)
    throw new SimError('LoadBalancerNotFound', `There is no ACTIVE Load Balancer named '${name}'`, 400);
  return lb;
}

function describeTagsClassic(ctx: HandlerContext): SimResponse {
  const names = tagTargets(ctx, 'LoadBalancerNames', 'loadBalancerNames');
  const descriptions = names.map((name) => ({
    LoadBalancerName: name,
    Tags: tagsXml(classicNamed(ctx, name).tags),
  }));
  return queryResponse(
    'DescribeTags',
    NS_V1,
    { TagDescriptions: { member: descriptions } },
    ctx.req.requestId,
  );
}

function describeInstanceHealth(ctx: HandlerContext): SimResponse {
  const lb = classicNamed(ctx, ctx.req.form.get('LoadBalancerName'));
  const asked: string[] = [];
  for (let i = 1; ctx.req.form.has(`Instances.member.${i}.InstanceId`); i++)
    asked.push(ctx.req.form.get(`Instances.member.${i}.InstanceId`) ?? '');
  for (const id of asked)
    if (!lb.targets.includes(id))
      throw new SimError('InvalidInstance', `Could not find EC2 instance ${id}.`, 400);
  const instances = new Map(ctx.state.world.instances.map((i) => [i.id, i]));
  const states = (asked.length ? asked : lb.targets).map((id) => {
    const state = instances.get(id)?.state ?? 'terminated';
    return state === 'running'
      ? { InstanceId: id, State: 'InService', ReasonCode: 'N/A', Description: 'N/A' }
      : {
          InstanceId: id,
          State: 'OutOfService',
          ReasonCode: 'Instance',
          Description: `Instance is in ${state} state.`,
        };
  });
  return queryResponse(
    'DescribeInstanceHealth',
    NS_V1,
    { InstanceStates: { member: states } },
    ctx.req.requestId,
  );
}

export const elb: ServiceModule = {
  actionOf: (req) => `elasticloadbalancing:${req.operation}`,
  handle(ctx) {
    const v2 = ctx.req.form.get('Version') === V2;
    const op = ctx.req.operation;
    if (v2 && op === 'DescribeLoadBalancers') return describeV2(ctx);
    if (v2 && op === 'DescribeTargetGroups') return describeTargetGroups(ctx);
    if (v2 && op === 'DescribeTargetHealth') return describeTargetHealth(ctx);
    if (v2 && op === 'DescribeTags') return describeTagsV2(ctx);
    if (!v2 && op === 'DescribeLoadBalancers') return describeClassic(ctx);
    if (!v2 && op === 'DescribeTags') return describeTagsClassic(ctx);
    if (!v2 && op === 'DescribeInstanceHealth') return describeInstanceHealth(ctx);
    throw new SimError(
      'InvalidAction',
      `Could not find operation ${op} for version ${ctx.req.form.get('Version')}`,
      400,
    );
  },
};
