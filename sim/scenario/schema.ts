import { z } from 'zod';

/**
 * The scenario file format. Everything the simulator serves and the generator bills derives from
 * one validated scenario; resource IDs that are not given are derived from the seed.
 */

const accountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account ID');
const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region code such as us-east-1');
const tags = z.record(z.string(), z.string()).default({});
/** IAM-style action patterns such as `ec2:Describe*`, `s3:GetObject` or `*`. */
const actions = z.array(z.string().regex(/^(\*|[a-z0-9-]+:[A-Za-z0-9*]+)$/, 'must look like service:Action'));

export const HostSchema = z.object({
  accountId,
  userName: z.string().min(1),
  accessKeyId: z.string().regex(/^AKIA[A-Z0-9]{12,}$/, 'must look like an access key ID (AKIA…)'),
  secretAccessKey: z.string().min(16),
});

export const AccountSchema = z.object({
  id: accountId,
  name: z.string().min(1),
  email: z.string().email().optional(),
  /** Months before `now` at which the account joined the organization; its bill starts then. */
  joinedMonthsAgo: z.number().int().min(0).optional(),
  status: z.enum(['ACTIVE', 'SUSPENDED']).default('ACTIVE'),
  /** Free-form note for people reading the scenario (e.g. "connected later", "never connected"). */
  note: z.string().optional(),
});

export const UserSchema = z.object({
  accountId,
  name: z.string().min(1),
  accessKeyId: z.string().regex(/^AKIA[A-Z0-9]{12,}$/),
  secretAccessKey: z.string().min(16),
  allow: actions.default([]),
  /** Buckets the user may read; `*` for all. S3 actions also need an `s3:` allow. */
  buckets: z.array(z.string()).default([]),
});

export const RoleSchema = z.object({
  accountId,
  name: z.string().min(1),
  trust: z.object({
    /** Principal ARNs (user or role) or bare account IDs (any principal of that account). */
    principals: z.array(z.string().min(1)).min(1),
    /** Required `sts:ExternalId`; absent means the trust policy has no external-ID condition. */
    externalId: z.string().min(2).optional(),
  }),
  /** Shorthand for `trust.externalId`. */
  externalId: z.string().min(2).optional(),
  allow: actions.default([]),
  buckets: z.array(z.string()).default([]),
  maxSessionSeconds: z.number().int().min(900).max(43200).default(3600),
});

export const BucketSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name'),
  accountId,
  region: region.default('us-east-1'),
});

export const ExportSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9_-]+$/),
  type: z.enum(['cur2', 'legacy']),
  format: z.enum(['parquet', 'csv']).default('csv'),
  bucket: z.string(),
  prefix: z.string().default(''),
  payerAccountId: accountId,
  granularity: z.enum(['hourly', 'daily']).default('daily'),
  resourceIds: z.boolean().default(true),
  /** CUR 2.0 only: overwrite files in place, or a new sub-folder per refresh. */
  mode: z.enum(['overwrite', 'create-new']).default('overwrite'),
  /** `on-line` puts EDP discounts in the `discount` map; `separate` writes EdpDiscount line items. */
  discounts: z.enum(['on-line', 'separate']).default('on-line'),
  /** Older refreshes left beside the current one (legacy assemblies, CUR 2.0 create-new folders). */
  staleRefreshes: z.number().int().min(0).max(5).default(1),
});

export const VolumeSpecSchema = z.object({
  id: z
    .string()
    .regex(/^vol-[0-9a-f]{8,17}$/)
    .optional(),
  type: z.enum(['gp2', 'gp3', 'io1', 'st1', 'sc1', 'standard']).default('gp3'),
  sizeGiB: z.number().int().min(1).max(16384),
});

export const InstanceSchema = z.object({
  id: z
    .string()
    .regex(/^i-[0-9a-f]{8,17}$/)
    .optional(),
  name: z.string().min(1),
  accountId,
  region,
  type: z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/),
  state: z.enum(['running', 'stopped']).default('running'),
  /** Planted CPU/network behaviour that CloudWatch serves. */
  behaviour: z.enum(['idle', 'busy', 'oversized', 'steady']).default('steady'),
  launchedDaysAgo: z.number().int().min(1).default(400),
  stoppedDaysAgo: z.number().int().min(1).optional(),
  tags,
  volumes: z.array(VolumeSpecSchema).default([{ type: 'gp3', sizeGiB: 20 }]),
  /** Name of a reservation or savings plan (under `commitments`) that covers this instance. */
  coveredBy: z.string().optional(),
});

export const LooseVolumeSchema = VolumeSpecSchema.extend({
  name: z.string().min(1),
  accountId,
  region,
  createdDaysAgo: z.number().int().min(1).default(200),
  tags,
});

export const SnapshotSchema = z.object({
  id: z
    .string()
    .regex(/^snap-[0-9a-f]{8,17}$/)
    .optional(),
  name: z.string().min(1),
  accountId,
  region,
  sizeGiB: z.number().int().min(1),
  ageDays: z.number().int().min(1),
  /** Name of an image (AMI) registered from this snapshot; such snapshots are in use. */
  image: z.string().optional(),
  tags,
});

export const AddressSchema = z.object({
  name: z.string().min(1),
  accountId,
  region,
  /** Instance name the address is associated with; absent = unassociated. */
  instance: z.string().optional(),
  allocatedDaysAgo: z.number().int().min(1).default(200),
});

export const LoadBalancerSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9-]{1,32}$/),
  accountId,
  region,
  type: z.enum(['application', 'network', 'classic']).default('application'),
  /** Instance names registered as targets. */
  targets: z.array(z.string()).default([]),
  traffic: z.enum(['none', 'normal']).default('normal'),
  createdDaysAgo: z.number().int().min(1).default(300),
  /** Served by ELB DescribeTags and billed in `resource_tags`, as an instance's tags are. */
  tags,
});

/** Services that sell reserved instances (or nodes), as the CUR's product code names them. */
export const RESERVATION_SERVICES = ['EC2', 'RDS', 'ElastiCache', 'OpenSearch', 'Redshift'] as const;

export const ReservationSchema = z.object({
  name: z.string().min(1),
  accountId,
  region,
  /** The service whose usage it covers (RDS `db.*`, ElastiCache `cache.*`, OpenSearch `*.search`, Redshift nodes). */
  service: z.enum(RESERVATION_SERVICES).default('EC2'),
  instanceType: z.string(),
  /** On-demand price per instance-hour; EC2 types default to the bundled price table. */
  onDemandHourlyUsd: z.number().positive().optional(),
  count: z.number().int().min(1),
  termYears: z.union([z.literal(1), z.literal(3)]).default(1),
  upfrontUsd: z.number().min(0).default(0),
  /** Hourly recurring fee per instance; defaults to 62 % of on-demand minus the amortized upfront. */
  recurringHourlyUsd: z.number().min(0).optional(),
  startDaysAgo: z.number().int().min(1),
});

export const SavingsPlanSchema = z.object({
  name: z.string().min(1),
  accountId,
  type: z.enum(['ComputeSavingsPlans', 'EC2InstanceSavingsPlans']).default('ComputeSavingsPlans'),
  commitmentPerHourUsd: z.number().positive(),
  /** Fraction of on-demand that the plan saves on covered usage. */
  discountRate: z.number().min(0).max(0.9).default(0.28),
  termYears: z.union([z.literal(1), z.literal(3)]).default(1),
  startDaysAgo: z.number().int().min(1),
});

export const ServiceSpendSchema = z.object({
  accountId,
  region: region.default('us-east-1'),
  productCode: z.string(),
  usageType: z.string(),
  operation: z.string().default(''),
  unit: z.string(),
  rateUsd: z.number().min(0),
  /** Usage units per day. */
  dailyUsage: z.number().min(0),
  /** Relative day-to-day variation, 0 = flat. */
  variability: z.number().min(0).max(1).default(0.2),
  resourceId: z.string().optional(),
  description: z.string().optional(),
  /** The instance (node) type of instance usage (`db.m5.large`), which a reservation can cover. */
  instanceType: z.string().optional(),
  /**
   * Name of a reservation that covers this usage (hourly units, flat: `variability` 0); the usage per hour must
   * not exceed the reservation's count.
   */
  coveredBy: z.string().optional(),
  tags,
  /**
   * Planted cost anomalies: on the day `daysAgo` before `now`, the usage is `factor` times the usual (an extra
   * meter for that day only, billed like the rest). Tests check that Cloudtally finds each of them.
   */
  spikes: z.array(z.object({ daysAgo: z.number().int().min(1), factor: z.number().gt(1) })).default([]),
});

export const FaultSchema = z.object({
  service: z.string(),
  operation: z.string().optional(),
  /** Only calls signed for this region (a service control policy that denies a region, a regional outage). */
  region: region.optional(),
  kind: z.enum(['throttle', '500', '503', 'slow', 'truncate', 'deny', 'expired']),
  count: z.number().int().min(1).default(1),
  delayMs: z.number().int().min(0).optional(),
});

export const ScenarioSchema = z.object({
  name: z.string().min(1),
  seed: z.number().int(),
  /** Months of billing history, ending with the month of `now` (which is partial). */
  months: z.number().int().min(1).max(36).default(13),
  /** Fixed clock (ISO 8601); the simulator's `now` option overrides it, the current time is the default. */
  now: z.string().datetime().optional(),
  host: HostSchema,
  organization: z.object({
    id: z.string().regex(/^o-[a-z0-9]{10,32}$/),
    payerAccountId: accountId,
    /** Enterprise discount on Usage line items, in percent. */
    edpPercent: z.number().min(0).max(50).default(0),
    taxPercent: z.number().min(0).max(30).default(0),
  }),
  accounts: z.array(AccountSchema).min(1),
  users: z.array(UserSchema).default([]),
  roles: z.array(RoleSchema).default([]),
  buckets: z.array(BucketSchema).default([]),
  exports: z.array(ExportSchema).default([]),
  /** Regions that need no opt-in (DescribeRegions `opt-in-not-required`; also the filler spread). */
  regions: z.array(region).default(['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-1']),
  /**
   * Regions that must be enabled per account (AWS's post-2019 regions). `opted-in` ones are enabled like the
   * others; `not-opted-in` ones are listed only by DescribeRegions with AllRegions=true, and calls signed for
   * them fail as AWS fails them (the credentials are not valid there).
   */
  optInRegions: z.array(z.object({ name: region, status: z.enum(['opted-in', 'not-opted-in']) })).default([]),
  instances: z.array(InstanceSchema).default([]),
  volumes: z.array(LooseVolumeSchema).default([]),
  snapshots: z.array(SnapshotSchema).default([]),
  addresses: z.array(AddressSchema).default([]),
  loadBalancers: z.array(LoadBalancerSchema).default([]),
  reservations: z.array(ReservationSchema).default([]),
  savingsPlans: z.array(SavingsPlanSchema).default([]),
  services: z.array(ServiceSpendSchema).default([]),
  /** Monthly credits (positive numbers, billed as negative Credit line items). */
  credits: z
    .array(z.object({ accountId, monthlyUsd: z.number().positive(), description: z.string() }))
    .default([]),
  refunds: z
    .array(z.object({ accountId, monthsAgo: z.number().int().min(1), amountUsd: z.number().positive() }))
    .default([]),
  fees: z
    .array(
      z.object({
        accountId,
        monthsAgo: z.number().int().min(0),
        amountUsd: z.number().positive(),
        description: z.string(),
      }),
    )
    .default([]),
  /** Cost categories: name → value per usage account. */
  costCategories: z.record(z.string(), z.record(z.string(), z.string())).default({}),
  /** Extra synthetic resources that multiply the row count (benchmarks). */
  size: z
    .object({ fillerResources: z.number().int().min(0).max(1_000_000).default(0) })
    .default({ fillerResources: 0 }),
  faults: z.array(FaultSchema).default([]),
});

export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type ScenarioExport = z.infer<typeof ExportSchema>;
export type ScenarioRole = z.infer<typeof RoleSchema>;
export type ScenarioUser = z.infer<typeof UserSchema>;
export type ScenarioInstance = z.infer<typeof InstanceSchema>;
export type FaultSpec = z.input<typeof FaultSchema>;
