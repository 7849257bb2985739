import type { Scenario } from '../scenario/schema.js';
import { resourceId, uuidFrom, publicIpFrom, hexId } from './ids.js';
import { priceOf } from './prices.js';
import { RESERVATION_FACTS, type ReservationService } from './reservation-services.js';

export const DAY = 86_400;

export interface Clock {
  /** Epoch seconds of `now`. */
  now: number;
  /** Epoch seconds of 00:00 UTC of `now`'s day; billing data runs up to (not including) it. */
  today: number;
  /** Epoch seconds of the first day of the oldest billed month. */
  historyStart: number;
}

export function makeClock(now: Date, months: number): Clock {
  const n = Math.floor(now.getTime() / 1000);
  const today = n - (n % DAY);
  const d = new Date(today * 1000);
  const historyStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - (months - 1), 1) / 1000;
  return { now: n, today, historyStart };
}

export interface Account {
  id: string;
  name: string;
  email: string;
  joinedAt: number;
  status: 'ACTIVE' | 'SUSPENDED';
}
export interface Principal {
  kind: 'user' | 'role';
  arn: string;
  accountId: string;
  name: string;
  allow: string[];
  buckets: string[];
}
export interface User extends Principal {
  kind: 'user';
  accessKeyId: string;
  secretAccessKey: string;
}
export interface Role extends Principal {
  kind: 'role';
  roleId: string;
  trustPrincipals: string[];
  externalId?: string;
  maxSessionSeconds: number;
}
export interface Instance {
  id: string;
  name: string;
  accountId: string;
  region: string;
  az: string;
  type: string;
  state: 'running' | 'stopped';
  behaviour: 'idle' | 'busy' | 'oversized' | 'steady';
  launchTime: number;
  stoppedAt?: number;
  tags: Record<string, string>;
  volumeIds: string[];
  privateIp: string;
  coveredBy?: string;
  imageId: string;
}
export interface Volume {
  id: string;
  accountId: string;
  region: string;
  az: string;
  type: string;
  sizeGiB: number;
  createTime: number;
  attachedTo?: string;
  device?: string;
  tags: Record<string, string>;
}
export interface Snapshot {
  id: string;
  arn: string;
  name: string;
  accountId: string;
  region: string;
  sizeGiB: number;
  startTime: number;
  volumeId: string;
  tags: Record<string, string>;
}
export interface Image {
  id: string;
  name: string;
  accountId: string;
  region: string;
  snapshotId: string;
  creationDate: number;
}
export interface Address {
  allocationId: string;
  publicIp: string;
  name: string;
  accountId: string;
  region: string;
  instanceId?: string;
  associationId?: string;
  allocatedAt: number;
}
export interface LoadBalancer {
  name: string;
  arn: string;
  accountId: string;
  region: string;
  type: 'application' | 'network' | 'classic';
  dnsName: string;
  createdAt: number;
  targets: string[];
  traffic: 'none' | 'normal';
  targetGroupArn: string;
  tags: Record<string, string>;
}
export interface Reservation {
  name: string;
  id: string;
  arn: string;
  /** EC2, RDS, ElastiCache, OpenSearch or Redshift. */
  service: ReservationService;
  accountId: string;
  region: string;
  instanceType: string;
  count: number;
  start: number;
  end: number;
  upfrontUsd: number;
  recurringHourlyUsd: number;
  /** Amortized upfront per instance-hour plus recurring: the effective hourly cost of one instance. */
  effectiveHourlyUsd: number;
}
export interface SavingsPlan {
  name: string;
  id: string;
  arn: string;
  accountId: string;
  type: string;
  commitmentPerHourUsd: number;
  discountRate: number;
  start: number;
  end: number;
}

/** The concrete, mutable state the simulator serves; the generator bills from the same objects. */
export interface World {
  seed: number;
  clock: Clock;
  organizationId: string;
  payerAccountId: string;
  accounts: Account[];
  users: User[];
  roles: Role[];
  instances: Instance[];
  volumes: Volume[];
  snapshots: Snapshot[];
  images: Image[];
  addresses: Address[];
  loadBalancers: LoadBalancer[];
  reservations: Reservation[];
  savingsPlans: SavingsPlan[];
  /** Enabled regions: those that need no opt-in, then the opted-in ones. */
  regions: string[];
  /** Regions that need opting in, with the status DescribeRegions reports (one status for every account). */
  optInRegions: Record<string, OptInStatus>;
}

export type OptInStatus = 'opted-in' | 'not-opted-in';

const HOUR = 3600;

export function buildWorld(s: Scenario, now: Date): World {
  const clock = makeClock(now, s.months);
  const ago = (days: number): number => clock.today - days * DAY;
  const seed = s.seed;
  const accounts: Account[] = s.accounts.map((a) => ({
    id: a.id,
    name: a.name,
    email: a.email ?? `aws+${a.id}@example.com`,
    joinedAt:
      a.joinedMonthsAgo === undefined
        ? Math.min(clock.historyStart, ago(400))
        : Date.UTC(
            new Date(clock.today * 1000).getUTCFullYear(),
            new Date(clock.today * 1000).getUTCMonth() - a.joinedMonthsAgo,
            1,
          ) / 1000,
    status: a.status,
  }));
  const users: User[] = [
    {
      kind: 'user',
      arn: `arn:aws:iam::${s.host.accountId}:user/${s.host.userName}`,
      accountId: s.host.accountId,
      name: s.host.userName,
      accessKeyId: s.host.accessKeyId,
      secretAccessKey: s.host.secretAccessKey,
      allow: ['sts:AssumeRole', 'sts:GetCallerIdentity'],
      buckets: [],
    },
    ...s.users.map((u): User => ({
      kind: 'user',
      arn: `arn:aws:iam::${u.accountId}:user/${u.name}`,
      accountId: u.accountId,
      name: u.name,
      accessKeyId: u.accessKeyId,
      secretAccessKey: u.secretAccessKey,
      allow: u.allow,
      buckets: u.buckets,
    })),
  ];
  const roles: Role[] = s.roles.map((r) => ({
    kind: 'role',
    arn: `arn:aws:iam::${r.accountId}:role/${r.name}`,
    roleId: `AROA${hexId(seed, 'role', r.accountId, r.name).slice(0, 17).toUpperCase()}`,
    accountId: r.accountId,
    name: r.name,
    allow: r.allow,
    buckets: r.buckets,
    trustPrincipals: r.trust.principals,
    externalId: r.trust.externalId ?? r.externalId,
    maxSessionSeconds: r.maxSessionSeconds,
  }));

  const instances: Instance[] = [];
  const volumes: Volume[] = [];
  const images: Image[] = [];
  for (const x of s.instances) {
    const id = x.id ?? resourceId('i', seed, x.accountId, x.region, x.name);
    const launchTime = ago(x.launchedDaysAgo);
    priceOf(x.type);
    const inst: Instance = {
      id,
      name: x.name,
      accountId: x.accountId,
      region: x.region,
      az: `${x.region}a`,
      type: x.type,
      state: x.state,
      behaviour: x.behaviour,
      launchTime,
      stoppedAt: x.state === 'stopped' ? ago(x.stoppedDaysAgo ?? 1) : undefined,
      tags: { Name: x.name, ...x.tags },
      volumeIds: [],
      privateIp: `10.${parseInt(hexId(seed, id).slice(0, 2), 16)}.${parseInt(hexId(seed, id).slice(2, 4), 16)}.${(parseInt(hexId(seed, id).slice(4, 6), 16) % 250) + 4}`,
      coveredBy: x.coveredBy,
      imageId: resourceId('ami', seed, 'base', x.region),
    };
    x.volumes.forEach((v, i) => {
      const vid = v.id ?? resourceId('vol', seed, id, i);
      inst.volumeIds.push(vid);
      volumes.push({
        id: vid,
        accountId: x.accountId,
        region: x.region,
        az: inst.az,
        type: v.type,
        sizeGiB: v.sizeGiB,
        createTime: launchTime,
        attachedTo: id,
        device: i === 0 ? '/dev/xvda' : `/dev/sd${String.fromCharCode(102 + i)}`,
        tags: { Name: `${x.name}-${i === 0 ? 'root' : `data${i}`}` },
      });
    });
    instances.push(inst);
  }
  for (const v of s.volumes) {
    volumes.push({
      id: v.id ?? resourceId('vol', seed, v.accountId, v.region, v.name),
      accountId: v.accountId,
      region: v.region,
      az: `${v.region}a`,
      type: v.type,
      sizeGiB: v.sizeGiB,
      createTime: ago(v.createdDaysAgo),
      tags: { Name: v.name, ...v.tags },
    });
  }
  const snapshots: Snapshot[] = s.snapshots.map((sn) => {
    const id = sn.id ?? resourceId('snap', seed, sn.accountId, sn.region, sn.name);
    const snap: Snapshot = {
      id,
      arn: `arn:aws:ec2:${sn.region}:${sn.accountId}:snapshot/${id}`,
      name: sn.name,
      accountId: sn.accountId,
      region: sn.region,
      sizeGiB: sn.sizeGiB,
      startTime: ago(sn.ageDays),
      volumeId: resourceId('vol', seed, 'snapshot-source', sn.name),
      tags: { Name: sn.name, ...sn.tags },
    };
    if (sn.image) {
      images.push({
        id: resourceId('ami', seed, sn.accountId, sn.region, sn.image),
        name: sn.image,
        accountId: sn.accountId,
        region: sn.region,
        snapshotId: id,
        creationDate: snap.startTime + HOUR,
      });
    }
    return snap;
  });
  const byName = new Map(instances.map((i) => [i.name, i]));
  const addresses: Address[] = s.addresses.map((a) => {
    const allocationId = resourceId('eipalloc', seed, a.accountId, a.region, a.name);
    const inst = a.instance ? byName.get(a.instance) : undefined;
    return {
      allocationId,
      publicIp: publicIpFrom(seed, allocationId),
      name: a.name,
      accountId: a.accountId,
      region: a.region,
      instanceId: inst?.id,
      associationId: inst ? resourceId('eipassoc', seed, allocationId) : undefined,
      allocatedAt: ago(a.allocatedDaysAgo),
    };
  });
  const loadBalancers: LoadBalancer[] = s.loadBalancers.map((lb) => {
    const h = hexId(seed, 'lb', lb.accountId, lb.region, lb.name).slice(0, 16);
    const kind = lb.type === 'application' ? 'app' : 'net';
    const arn =
      lb.type === 'classic'
        ? `arn:aws:elasticloadbalancing:${lb.region}:${lb.accountId}:loadbalancer/${lb.name}`
        : `arn:aws:elasticloadbalancing:${lb.region}:${lb.accountId}:loadbalancer/${kind}/${lb.name}/${h}`;
    return {
      name: lb.name,
      arn,
      accountId: lb.accountId,
      region: lb.region,
      type: lb.type,
      dnsName: `${lb.name}-${parseInt(h.slice(0, 8), 16)}.${lb.region}.elb.amazonaws.com`,
      createdAt: ago(lb.createdDaysAgo),
      targets: lb.targets.map((t) => byName.get(t)?.id ?? t),
      traffic: lb.traffic,
      targetGroupArn: `arn:aws:elasticloadbalancing:${lb.region}:${lb.accountId}:targetgroup/${lb.name}-tg/${h.slice(0, 16)}`,
      tags: { ...lb.tags },
    };
  });
  const reservations: Reservation[] = s.reservations.map((r) => {
    const id = uuidFrom(seed, 'ri', r.name);
    const start = ago(r.startDaysAgo);
    const termHours = r.termYears * 365 * 24;
    const onDemand = r.onDemandHourlyUsd ?? (r.service === 'EC2' ? priceOf(r.instanceType).hourlyUsd : 0);
    const upfrontHourly = r.upfrontUsd / r.count / termHours;
    const recurring =
      r.recurringHourlyUsd ?? Math.max(0, Math.round((onDemand * 0.62 - upfrontHourly) * 1e6) / 1e6);
    return {
      name: r.name,
      id,
      arn: RESERVATION_FACTS[r.service].arn(r.region, r.accountId, id),
      service: r.service,
      accountId: r.accountId,
      region: r.region,
      instanceType: r.instanceType,
      count: r.count,
      start,
      end: start + r.termYears * 365 * DAY,
      upfrontUsd: r.upfrontUsd,
      recurringHourlyUsd: recurring,
      effectiveHourlyUsd: upfrontHourly + recurring,
    };
  });
  const savingsPlans: SavingsPlan[] = s.savingsPlans.map((p) => {
    const id = uuidFrom(seed, 'sp', p.name);
    const start = ago(p.startDaysAgo);
    return {
      name: p.name,
      id,
      arn: `arn:aws:savingsplans::${p.accountId}:savingsplan/${id}`,
      accountId: p.accountId,
      type: p.type,
      commitmentPerHourUsd: p.commitmentPerHourUsd,
      discountRate: p.discountRate,
      start,
      end: start + p.termYears * 365 * DAY,
    };
  });
  return {
    seed,
    clock,
    organizationId: s.organization.id,
    payerAccountId: s.organization.payerAccountId,
    accounts,
    users,
    roles,
    instances,
    volumes,
    snapshots,
    images,
    addresses,
    loadBalancers,
    reservations,
    savingsPlans,
    regions: [...s.regions, ...s.optInRegions.filter((r) => r.status === 'opted-in').map((r) => r.name)],
    optInRegions: Object.fromEntries(s.optInRegions.map((r) => [r.name, r.status])),
  };
}

/** End of an instance's running time (exclusive), in epoch seconds. */
export function runningUntil(i: Instance, w: World): number {
  return i.stoppedAt ?? w.clock.today;
}
