/**
 * Resource inventory: what an AWS account runs, in every enabled region, and how busy it is.
 *
 *   const inventory = createInventoryService({ store, clock, log });
 *   await inventory.scanAccount({ orgId, cloudAccountId, awsAccountId, clients, regions?, signal?, onProgress? })
 *     → { counts, regions, diagnostics }   // the sync's 'inventory' stage
 *   await inventory.collectMetrics({ orgId, cloudAccountId, clients, days?, signal?, onProgress? })
 *     → { series, points, requests, diagnostics }   // the sync's 'metrics' stage
 *   await inventory.linkCosts({ orgId, cloudAccountId, awsAccountId })   // after a billing load
 *   await inventory.list(orgId, filters)                 // GET /api/v1/resources
 *   await inventory.scanStatus(orgId, cloudAccountId)    // per region and kind, with diagnostics
 *   await inventory.metricSeries(orgId, resourceId, days?)
 *   await inventory.detail(orgId, resourceId, cloudAccountId?)   // cost history and why it cost nothing
 *
 * A scan runs regions × resource kinds in parallel within a bound; throttling is absorbed by backoff; a region or
 * kind that fails (denied, not enabled) becomes a diagnostic and keeps its previous resources, while the rest goes on.
 * Resources that disappear are marked gone with the time, never deleted.
 */
import pLimit from 'p-limit';
import type { Logger } from 'pino';
import type { Clock } from '../lib/clock.js';
import { ConnectionError, NotFoundError, type Diagnostic } from '../lib/errors.js';
import type { Store } from '../store/store.js';
import { classifyAwsError } from '../providers/aws/sdk/errors.js';
import { diagnosticFor } from '../providers/aws/inventory/aws-calls.js';
import {
  enabledRegions,
  linkSnapshotsToImages,
  scanAddresses,
  scanImages,
  scanInstances,
  scanSnapshots,
  scanVolumes,
} from '../providers/aws/inventory/ec2-scanner.js';
import { scanClassicLoadBalancers, scanLoadBalancersV2 } from '../providers/aws/inventory/elb-scanner.js';
import {
  RESOURCE_TYPES,
  type DiscoveredResource,
  type InventoryClients,
  type LoadBalancerDetails,
  type ResourceType,
} from './inventory-types.js';
import { loadSeries, newestPoints, pruneMetrics, saveMetricPoints } from './metric-store.js';
import { fetchMetrics, seriesFor, wantsMetrics } from '../providers/aws/inventory/metrics-collector.js';
import { linkResourceCosts } from './resource-costs.js';
import { resourceDetail } from './resource-detail.js';
import { accountInOrg, listResources, type ResourceFilters } from './resource-query.js';
import {
  loadResources,
  loadScanStatus,
  saveScanStatus,
  saveScanUnit,
  type ScanStatus,
  type StoredResource,
} from './resource-store.js';

export interface InventoryProgress {
  stage: 'inventory' | 'metrics';
  done: number;
  total: number;
  message: string;
}

export interface ScanInput {
  orgId: string;
  cloudAccountId: string;
  awsAccountId: string;
  clients: InventoryClients;
  /** Limit the scan to these regions; by default every region the account has enabled. */
  regions?: string[];
  signal?: AbortSignal;
  onProgress?: (p: InventoryProgress) => void;
}

export interface ScanResult {
  /** Current (not gone) resources per type after the scan. */
  counts: Record<ResourceType, number>;
  regions: { scanned: string[]; failed: string[] };
  gone: number;
  diagnostics: Diagnostic[];
}

export interface MetricsInput {
  orgId: string;
  cloudAccountId: string;
  clients: InventoryClients;
  /** Days of hourly points to keep (default 14). */
  days?: number;
  signal?: AbortSignal;
  onProgress?: (p: InventoryProgress) => void;
}

export interface MetricsResult {
  series: number;
  points: number;
  requests: number;
  diagnostics: Diagnostic[];
}

interface ScanUnit {
  unit: string;
  type: ResourceType;
  action: string;
  covers: (r: StoredResource) => boolean;
  run: (ctx: {
    clients: InventoryClients;
    region: string;
    awsAccountId: string;
    signal?: AbortSignal;
    warn: (action: string, err: unknown) => void;
  }) => Promise<DiscoveredResource[]>;
}

const isClassic = (r: StoredResource) => (r.details as unknown as LoadBalancerDetails).lbType === 'classic';

const UNITS: ScanUnit[] = [
  {
    unit: 'instances',
    type: 'ec2_instance',
    action: 'ec2:DescribeInstances',
    covers: () => true,
    run: (c) => scanInstances(c.clients.ec2(c.region), c.region, c.signal),
  },
  {
    unit: 'volumes',
    type: 'ebs_volume',
    action: 'ec2:DescribeVolumes',
    covers: () => true,
    run: (c) => scanVolumes(c.clients.ec2(c.region), c.region, c.signal),
  },
  {
    unit: 'snapshots',
    type: 'ebs_snapshot',
    action: 'ec2:DescribeSnapshots',
    covers: () => true,
    run: (c) => scanSnapshots(c.clients.ec2(c.region), c.region, c.awsAccountId, c.signal),
  },
  {
    unit: 'images',
    type: 'ami',
    action: 'ec2:DescribeImages',
    covers: () => true,
    run: (c) => scanImages(c.clients.ec2(c.region), c.region, c.signal),
  },
  {
    unit: 'addresses',
    type: 'elastic_ip',
    action: 'ec2:DescribeAddresses',
    covers: () => true,
    run: (c) => scanAddresses(c.clients.ec2(c.region), c.region, c.signal),
  },
  {
    unit: 'load-balancers',
    type: 'load_balancer',
    action: 'elasticloadbalancing:DescribeLoadBalancers',
    covers: (r) => !isClassic(r),
    run: (c) => scanLoadBalancersV2(c.clients.elbv2(c.region), c.region, { signal: c.signal, warn: c.warn }),
  },
  {
    unit: 'classic-load-balancers',
    type: 'load_balancer',
    action: 'elasticloadbalancing:DescribeLoadBalancers (classic)',
    covers: isClassic,
    run: (c) =>
      scanClassicLoadBalancers(c.clients.elb(c.region), c.region, c.awsAccountId, {
        signal: c.signal,
        warn: c.warn,
      }),
  },
];

type UnitOutcome = { unit: ScanUnit; found: DiscoveredResource[] } | { unit: ScanUnit; error: unknown };

export interface InventoryServiceDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  /** Region × kind calls in flight at once (default 8). */
  concurrency?: number;
  /** Region asked for the list of regions (default us-east-1). */
  homeRegion?: string;
}

export type InventoryService = ReturnType<typeof createInventoryService>;

function emptyCounts(): Record<ResourceType, number> {
  return Object.fromEntries(RESOURCE_TYPES.map((t) => [t, 0])) as Record<ResourceType, number>;
}

/** One diagnostic for a region where every call failed the same way; the per-call ones otherwise. */
export function regionDiagnostics(
  region: string,
  failures: { action: string; error: unknown }[],
  total: number,
): Diagnostic[] {
  const kinds = new Set(failures.map((f) => classifyAwsError(f.error)));
  if (failures.length === total && kinds.size === 1) {
    const kind = [...kinds][0];
    if (kind === 'denied') {
      return [
        {
          code: 'region_access_denied',
          message: `Every inventory call was denied in ${region}; its resources are not shown as current.`,
          remediation: `Allow ec2:Describe* and elasticloadbalancing:Describe* in ${region} for the Cloudtally role or user (check service control policies that deny the region).`,
          step: 'inventory',
          key: region,
        },
      ];
    }
    if (kind === 'region_disabled') return [diagnosticFor(failures[0].error, 'inventory', region)];
  }
  return failures.map((f) => diagnosticFor(f.error, f.action, region));
}

export function createInventoryService(deps: InventoryServiceDeps) {
  const { store, clock, log } = deps;
  const concurrency = deps.concurrency ?? 8;
  const homeRegion = deps.homeRegion ?? 'us-east-1';

  async function regionsToScan(input: ScanInput): Promise<string[]> {
    if (input.regions?.length) return [...new Set(input.regions)].sort();
    try {
      return await enabledRegions(input.clients.ec2(homeRegion), input.signal);
    } catch (err) {
      if (input.signal?.aborted) throw err;
      const d = diagnosticFor(err, 'ec2:DescribeRegions', homeRegion);
      throw new ConnectionError({
        ...d,
        code: classifyAwsError(err) === 'credentials' ? d.code : 'regions_unavailable',
        message: `Cannot list the account's regions: ${d.message}`,
      });
    }
  }

  async function linkCosts(input: { orgId: string; cloudAccountId: string; awsAccountId: string }) {
    const resources = await loadResources(store, input.orgId, input.cloudAccountId);
    const now = clock.now();
    return linkResourceCosts(store, { ...input, resources, today: now, now });
  }

  return {
    async scanAccount(input: ScanInput): Promise<ScanResult> {
      const { orgId, cloudAccountId, awsAccountId, clients, signal } = input;
      const regions = await regionsToScan(input);
      const limit = pLimit(concurrency);
      const total = regions.length * UNITS.length;
      let done = 0;
      const diagnostics: Diagnostic[] = [];
      const failedRegions: string[] = [];
      let gone = 0;
      const scanRegion = async (region: string) => {
        const warnings: Diagnostic[] = [];
        const warn = (action: string, err: unknown) => warnings.push(diagnosticFor(err, action, region));
        const outcomes: UnitOutcome[] = await Promise.all(
          UNITS.map((unit) =>
            limit(async (): Promise<UnitOutcome> => {
              try {
                const found = await unit.run({ clients, region, awsAccountId, signal, warn });
                return { unit, found };
              } catch (error) {
                if (signal?.aborted) throw error;
                log.warn({ region, unit: unit.unit, err: error }, 'inventory call failed');
                return { unit, error };
              } finally {
                done++;
                input.onProgress?.({ stage: 'inventory', done, total, message: `${region} ${unit.unit}` });
              }
            }),
          ),
        );
        signal?.throwIfAborted();
        const ok = outcomes.filter((o): o is { unit: ScanUnit; found: DiscoveredResource[] } => 'found' in o);
        const failures = outcomes
          .filter((o): o is { unit: ScanUnit; error: unknown } => 'error' in o)
          .map((o) => ({ action: o.unit.action, error: o.error, unit: o.unit }));
        const snapshots = ok.find((o) => o.unit.unit === 'snapshots')?.found;
        const images = ok.find((o) => o.unit.unit === 'images')?.found ?? null;
        if (snapshots) linkSnapshotsToImages(snapshots, images);
        const regionDiags = regionDiagnostics(region, failures, UNITS.length);
        if (failures.length === UNITS.length) failedRegions.push(region);
        diagnostics.push(...regionDiags, ...warnings);
        const now = clock.now();
        await store.transaction(async (tx) => {
          for (const o of ok) {
            const r = await saveScanUnit(tx, {
              orgId,
              cloudAccountId,
              awsAccountId,
              region,
              type: o.unit.type,
              covers: o.unit.covers,
              found: o.found,
              now,
            });
            gone += r.gone;
            await saveScanStatus(tx, {
              orgId,
              cloudAccountId,
              region,
              unit: o.unit.unit,
              ok: true,
              count: o.found.length,
              diagnostic: null,
              now,
            });
          }
          for (const f of failures) {
            await saveScanStatus(tx, {
              orgId,
              cloudAccountId,
              region,
              unit: f.unit.unit,
              ok: false,
              count: 0,
              diagnostic: diagnosticFor(f.error, f.action, region),
              now,
            });
          }
        });
      };
      // Regions start together; the limiter bounds the calls in flight across all of them.
      await Promise.all(regions.map((r) => scanRegion(r)));

      try {
        await linkCosts({ orgId, cloudAccountId, awsAccountId });
      } catch (err) {
        log.error({ err, cloudAccountId }, 'linking resources to the bill failed');
        diagnostics.push({
          code: 'inventory_cost_link_failed',
          message: 'Resources could not be linked to their costs in the bill; the next sync retries.',
          remediation: 'Check the server log for the error under this account.',
          step: 'inventory',
        });
      }
      const counts = emptyCounts();
      for (const r of await store.query<{ resource_type: string; n: number }>(
        `SELECT resource_type, count(*) AS n FROM resources
         WHERE org_id = $1 AND cloud_account_id = $2 AND gone_at IS NULL GROUP BY resource_type`,
        [orgId, cloudAccountId],
      )) {
        if (r.resource_type in counts) counts[r.resource_type as ResourceType] = Number(r.n);
      }
      log.info(
        { cloudAccountId, regions: regions.length, counts, diagnostics: diagnostics.length },
        'inventory scanned',
      );
      return {
        counts,
        regions: { scanned: regions.filter((r) => !failedRegions.includes(r)), failed: failedRegions },
        gone,
        diagnostics,
      };
    },

    async collectMetrics(input: MetricsInput): Promise<MetricsResult> {
      const { orgId, cloudAccountId, clients, signal } = input;
      const days = input.days ?? 14;
      const now = clock.now();
      const end = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
      const oldest = new Date(end.getTime() - days * 86_400_000);
      const resources = (
        await loadResources(store, orgId, cloudAccountId, { types: ['ec2_instance', 'load_balancer'] })
      ).filter(wantsMetrics);
      const newest = await newestPoints(store, orgId, cloudAccountId);
      const byRegion = new Map<string, StoredResource[]>();
      for (const r of resources) byRegion.set(r.region, [...(byRegion.get(r.region) ?? []), r]);
      const limit = pLimit(Math.max(1, Math.min(concurrency, 4)));
      const diagnostics: Diagnostic[] = [];
      let points = 0;
      let requests = 0;
      let series = 0;
      let done = 0;
      const total = resources.length;
      await Promise.all(
        [...byRegion.entries()].map(([region, list]) =>
          limit(async () => {
            const specs = list.flatMap(seriesFor);
            series += specs.length;
            // Fetch from the oldest gap in the region: an hour before each series' newest point, or the full window.
            const startMs = Math.max(
              oldest.getTime(),
              Math.min(...list.map((r) => (newest.get(r.id)?.getTime() ?? 0) - 3_600_000)),
            );
            try {
              const got = await fetchMetrics(
                clients.cloudwatch(region),
                specs,
                { start: new Date(startMs), end },
                { signal },
              );
              requests += got.requests;
              points += got.points.length;
              await store.transaction(async (tx) => {
                await saveMetricPoints(tx, orgId, cloudAccountId, got.points);
                await saveScanStatus(tx, {
                  orgId,
                  cloudAccountId,
                  region,
                  unit: 'metrics',
                  ok: true,
                  count: got.points.length,
                  diagnostic: null,
                  now,
                });
              });
              if (got.partial.length > 0) {
                diagnostics.push({
                  code: 'metrics_partial',
                  message: `CloudWatch returned no data for ${got.partial.length} series in ${region} (${got.partial.slice(0, 3).join('; ')})`,
                  remediation: 'Allow cloudwatch:GetMetricData for the Cloudtally role or user.',
                  step: 'cloudwatch:GetMetricData',
                  key: region,
                });
              }
            } catch (err) {
              if (signal?.aborted) throw err;
              log.warn({ region, err }, 'metrics fetch failed');
              const diagnostic = diagnosticFor(err, 'cloudwatch:GetMetricData', region);
              diagnostics.push(diagnostic);
              await saveScanStatus(store, {
                orgId,
                cloudAccountId,
                region,
                unit: 'metrics',
                ok: false,
                count: 0,
                diagnostic,
                now,
              });
            } finally {
              done += list.length;
              input.onProgress?.({ stage: 'metrics', done, total, message: region });
            }
          }),
        ),
      );
      await pruneMetrics(store, orgId, cloudAccountId, new Date(oldest.getTime() - 86_400_000));
      return { series, points, requests, diagnostics };
    },

    linkCosts,

    /** The organization's resources with their bill cost (GET /api/v1/resources). */
    list: (orgId: string, filters: ResourceFilters = {}) => listResources(store, orgId, filters),

    /** One resource with its daily bill over `historyDays` days, its line types, and why it cost nothing. */
    detail: (orgId: string, resourceId: string, cloudAccountId?: string, historyDays = 90) =>
      resourceDetail(store, { orgId, resourceId, cloudAccountId, historyDays, today: clock.now() }),

    /** How the last scan of each region and kind went for one connection, with diagnostics. */
    async scanStatus(orgId: string, cloudAccountId: string): Promise<ScanStatus[]> {
      if (!(await accountInOrg(store, orgId, cloudAccountId)))
        throw new NotFoundError('Cloud account', cloudAccountId);
      return loadScanStatus(store, orgId, cloudAccountId);
    },

    /** Hourly points of one resource over the last `days` days. */
    async metricSeries(orgId: string, resourceId: string, days = 14) {
      const known = await store.query(
        'SELECT 1 AS x FROM resources WHERE org_id = $1 AND resource_id = $2 LIMIT 1',
        [orgId, resourceId],
      );
      if (known.length === 0) throw new NotFoundError('Resource', resourceId);
      const from = new Date(clock.now().getTime() - days * 86_400_000);
      const points = await loadSeries(store, { orgId, resourceId, from });
      const byMetric = new Map<string, { ts: string; value: number }[]>();
      for (const p of points)
        byMetric.set(p.metric, [...(byMetric.get(p.metric) ?? []), { ts: p.ts, value: p.value }]);
      return [...byMetric.entries()].map(([metric, series]) => ({ metric, points: series }));
    },
  };
}
