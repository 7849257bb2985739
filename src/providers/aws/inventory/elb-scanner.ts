import {
  DescribeInstanceHealthCommand,
  DescribeLoadBalancersCommand as DescribeClassicCommand,
  DescribeTagsCommand as DescribeClassicTagsCommand,
  type ElasticLoadBalancingClient,
} from '@aws-sdk/client-elastic-load-balancing';
import {
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import pLimit from 'p-limit';
import { withAwsRetry } from '../sdk/retry.js';
import { collectPages, tagMap } from './aws-calls.js';
import type {
  DiscoveredResource,
  LoadBalancerDetails,
  TargetGroupSummary,
} from '../../../inventory/inventory-types.js';
import { isoTimestamp } from '../../../lib/dates.js';

type Elbv2 = Pick<ElasticLoadBalancingV2Client, 'send'>;
type Elb = Pick<ElasticLoadBalancingClient, 'send'>;

/** A call that failed without spoiling the scan (tags, instance health): reported, then carried on. */
export type ScanWarning = (action: string, err: unknown) => void;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** `arn:…:loadbalancer/app/name/id` → `app/name/id`, the CloudWatch `LoadBalancer` dimension. */
export function elbv2Dimension(arn: string): string {
  const i = arn.indexOf(':loadbalancer/');
  return i >= 0 ? arn.slice(i + ':loadbalancer/'.length) : arn;
}

export async function scanLoadBalancersV2(
  client: Elbv2,
  region: string,
  options: { signal?: AbortSignal; concurrency?: number; warn?: ScanWarning } = {},
): Promise<DiscoveredResource[]> {
  const { signal } = options;
  const send = <T>(fn: () => Promise<T>) => withAwsRetry(fn, { signal });
  const lbs = await collectPages(
    (marker) =>
      client.send(new DescribeLoadBalancersCommand({ Marker: marker, PageSize: 400 }), {
        abortSignal: signal,
      }),
    (page) => ({ items: page.LoadBalancers, next: page.NextMarker }),
    signal,
  );
  if (lbs.length === 0) return [];

  const groups: TargetGroup[] = await collectPages(
    (marker) =>
      client.send(new DescribeTargetGroupsCommand({ Marker: marker, PageSize: 400 }), {
        abortSignal: signal,
      }),
    (page) => ({ items: page.TargetGroups, next: page.NextMarker }),
    signal,
  );

  const limit = pLimit(options.concurrency ?? 4);
  const summaries = await Promise.all(
    groups.map((g) =>
      limit(async (): Promise<TargetGroupSummary & { lbArns: string[] }> => {
        const health = await send(() =>
          client.send(new DescribeTargetHealthCommand({ TargetGroupArn: g.TargetGroupArn }), {
            abortSignal: signal,
          }),
        );
        return {
          arn: g.TargetGroupArn ?? '',
          name: g.TargetGroupName ?? null,
          lbArns: g.LoadBalancerArns ?? [],
          targets: (health.TargetHealthDescriptions ?? []).map((t) => ({
            id: t.Target?.Id ?? '',
            state: t.TargetHealth?.State ? String(t.TargetHealth.State) : 'unknown',
          })),
        };
      }),
    ),
  );

  const tags = new Map<string, Record<string, string>>();
  const arns = lbs.map((lb) => lb.LoadBalancerArn).filter((a): a is string => Boolean(a));
  for (const batch of chunks(arns, 20)) {
    try {
      const out = await send(() =>
        client.send(new DescribeTagsCommand({ ResourceArns: batch }), { abortSignal: signal }),
      );
      for (const d of out.TagDescriptions ?? []) {
        if (d.ResourceArn) tags.set(d.ResourceArn, tagMap(d.Tags));
      }
    } catch (err) {
      options.warn?.('elasticloadbalancing:DescribeTags', err);
      break;
    }
  }

  return lbs
    .filter((lb) => lb.LoadBalancerArn)
    .map((lb): DiscoveredResource => {
      const arn = lb.LoadBalancerArn as string;
      const targetGroups = summaries
        .filter((g) => g.lbArns.includes(arn))
        .map(({ arn: tgArn, name, targets }) => ({ arn: tgArn, name, targets }));
      const all = targetGroups.flatMap((g) => g.targets);
      const details: LoadBalancerDetails = {
        lbType: (lb.Type ? String(lb.Type) : 'application') as LoadBalancerDetails['lbType'],
        dnsName: lb.DNSName ?? null,
        scheme: lb.Scheme ? String(lb.Scheme) : null,
        createdTime: isoTimestamp(lb.CreatedTime),
        targetGroups,
        instances: [],
        registeredTargets: all.length,
        healthyTargets: all.filter((t) => t.state === 'healthy').length,
        metricDimension: elbv2Dimension(arn),
      };
      return {
        type: 'load_balancer',
        id: arn,
        region,
        arn,
        name: lb.LoadBalancerName,
        state: lb.State?.Code ? String(lb.State.Code) : 'unknown',
        tags: tags.get(arn) ?? {},
        billIds: [arn],
        details: { ...details },
      };
    });
}

export async function scanClassicLoadBalancers(
  client: Elb,
  region: string,
  awsAccountId: string,
  options: { signal?: AbortSignal; concurrency?: number; warn?: ScanWarning } = {},
): Promise<DiscoveredResource[]> {
  const { signal } = options;
  const send = <T>(fn: () => Promise<T>) => withAwsRetry(fn, { signal });
  const lbs = await collectPages(
    (marker) =>
      client.send(new DescribeClassicCommand({ Marker: marker, PageSize: 400 }), { abortSignal: signal }),
    (page) => ({ items: page.LoadBalancerDescriptions, next: page.NextMarker }),
    signal,
  );
  const named = lbs.filter((lb) => lb.LoadBalancerName);
  if (named.length === 0) return [];

  const limit = pLimit(options.concurrency ?? 4);
  let healthWarned = false;
  const health = new Map<string, Map<string, string>>();
  await Promise.all(
    named.map((lb) =>
      limit(async () => {
        if (!lb.Instances?.length) return;
        try {
          const out = await send(() =>
            client.send(new DescribeInstanceHealthCommand({ LoadBalancerName: lb.LoadBalancerName }), {
              abortSignal: signal,
            }),
          );
          health.set(
            lb.LoadBalancerName as string,
            new Map((out.InstanceStates ?? []).map((s) => [s.InstanceId ?? '', s.State ?? 'Unknown'])),
          );
        } catch (err) {
          if (!healthWarned) options.warn?.('elasticloadbalancing:DescribeInstanceHealth', err);
          healthWarned = true;
        }
      }),
    ),
  );

  const tags = new Map<string, Record<string, string>>();
  for (const batch of chunks(
    named.map((lb) => lb.LoadBalancerName as string),
    20,
  )) {
    try {
      const out = await send(() =>
        client.send(new DescribeClassicTagsCommand({ LoadBalancerNames: batch }), { abortSignal: signal }),
      );
      for (const d of out.TagDescriptions ?? []) {
        if (d.LoadBalancerName) tags.set(d.LoadBalancerName, tagMap(d.Tags));
      }
    } catch (err) {
      options.warn?.('elasticloadbalancing:DescribeTags', err);
      break;
    }
  }

  return named.map((lb): DiscoveredResource => {
    const name = lb.LoadBalancerName as string;
    const arn = `arn:aws:elasticloadbalancing:${region}:${awsAccountId}:loadbalancer/${name}`;
    const states = health.get(name);
    const instances = (lb.Instances ?? [])
      .filter((i) => i.InstanceId)
      .map((i) => ({ id: i.InstanceId as string, state: states?.get(i.InstanceId as string) ?? 'Unknown' }));
    const details: LoadBalancerDetails = {
      lbType: 'classic',
      dnsName: lb.DNSName ?? null,
      scheme: lb.Scheme ?? null,
      createdTime: isoTimestamp(lb.CreatedTime),
      targetGroups: [],
      instances,
      registeredTargets: instances.length,
      // Without health (the call failed) a registered instance counts as healthy: never call a balancer idle on a guess.
      healthyTargets: states ? instances.filter((i) => i.state === 'InService').length : instances.length,
      metricDimension: name,
    };
    return {
      type: 'load_balancer',
      id: arn,
      region,
      arn,
      name,
      state: 'active',
      tags: tags.get(name) ?? {},
      billIds: [arn],
      details: { ...details },
    };
  });
}
