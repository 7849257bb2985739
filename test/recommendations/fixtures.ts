import type { Principal } from '../../src/auth/permissions.js';
import type { Queryable, SqlParam } from '../../src/store/store.js';

/** Rows written straight into the store, for rule tests that do not need AWS or a billing export. */

export const NOW = new Date('2025-06-15T12:00:00Z');
export const DAY = 86_400_000;

export function daysAgo(n: number, from = NOW): Date {
  return new Date(from.getTime() - n * DAY);
}

export function day(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export async function insertAccount(
  q: Queryable,
  input: { id: string; orgId: string; awsAccountId: string; type?: string },
): Promise<void> {
  await q.execute(
    `INSERT INTO cloud_accounts (id, org_id, name, provider, type, aws_account_id, created_at, updated_at)
     VALUES ($1, $2, $3, 'aws', $4, $5, $6, $6)`,
    [input.id, input.orgId, `acct ${input.awsAccountId}`, input.type ?? 'linked', input.awsAccountId, NOW],
  );
}

export async function insertResource(
  q: Queryable,
  input: {
    orgId: string;
    cloudAccountId: string;
    awsAccountId: string;
    region?: string;
    type: string;
    id: string;
    name?: string;
    state?: string;
    details: Record<string, unknown>;
    firstSeenAt?: Date;
    goneAt?: Date | null;
  },
): Promise<void> {
  await q.execute(
    `INSERT INTO resources (org_id, cloud_account_id, aws_account_id, region, resource_type, resource_id, arn, name,
       state, details, tags, first_seen_at, last_seen_at, gone_at)
     VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8, $9, '{}', $10, $11, $12)`,
    [
      input.orgId,
      input.cloudAccountId,
      input.awsAccountId,
      input.region ?? 'us-east-1',
      input.type,
      input.id,
      input.name ?? null,
      input.state ?? null,
      JSON.stringify(input.details),
      input.firstSeenAt ?? daysAgo(60),
      NOW,
      input.goneAt ?? null,
    ],
  );
}

/** Hourly points of one metric with a constant value (or a value per hour) over the last `days` days. */
export async function insertMetric(
  q: Queryable,
  input: {
    orgId: string;
    cloudAccountId: string;
    resourceId: string;
    metric: string;
    days: number;
    value: number | ((hour: number) => number);
  },
): Promise<void> {
  const end = Math.floor(NOW.getTime() / 3_600_000) * 3_600_000;
  const hours = input.days * 24;
  for (let i = 0; i < hours; i += 200) {
    const params: SqlParam[] = [input.orgId, input.cloudAccountId, input.resourceId, input.metric];
    const values: string[] = [];
    for (let h = i; h < Math.min(hours, i + 200); h++) {
      const v = typeof input.value === 'function' ? input.value(h) : input.value;
      values.push(
        `($1, $2, $3, $4, $${params.push(new Date(end - (h + 1) * 3_600_000))}, $${params.push(v)})`,
      );
    }
    await q.execute(
      `INSERT INTO resource_metrics (org_id, cloud_account_id, resource_id, metric, ts, value) VALUES ${values.join(', ')}`,
      params,
    );
  }
}

/** One bill line per day for the `days` days before NOW's day (the bill's newest day is yesterday). */
export async function insertDailyLines(
  q: Queryable,
  input: {
    orgId: string;
    cloudAccountId: string;
    subAccountId: string;
    resourceId: string | null;
    days: number;
    dailyCost: number | ((dayIndex: number) => number);
    effectiveCost?: number | ((dayIndex: number) => number);
    lineType?: string;
    usageType?: string;
    commitmentId?: string | null;
    region?: string;
  },
): Promise<void> {
  const params: SqlParam[] = [
    input.orgId,
    input.cloudAccountId,
    input.subAccountId,
    input.resourceId,
    input.lineType ?? 'Usage',
    input.usageType ?? 'BoxUsage:m5.large',
    input.commitmentId ?? null,
    input.region ?? 'us-east-1',
  ];
  const values: string[] = [];
  for (let i = 1; i <= input.days; i++) {
    const d = new Date(Date.parse(`${day(NOW)}T00:00:00Z`) - i * DAY);
    const billed = typeof input.dailyCost === 'function' ? input.dailyCost(i) : input.dailyCost;
    const eff =
      input.effectiveCost === undefined
        ? billed
        : typeof input.effectiveCost === 'function'
          ? input.effectiveCost(i)
          : input.effectiveCost;
    const period = `${day(d).slice(0, 7)}-01`;
    values.push(
      `($1, $2, $${params.push(period)}::DATE, $3, $${params.push(day(d))}::DATE, $4, $5, $6, $${params.push(billed)}, $${params.push(eff)}, 'USD', $7, $8)`,
    );
  }
  await q.execute(
    `INSERT INTO cost_line_items (org_id, cloud_account_id, billing_period, sub_account_id, usage_date, resource_id,
       x_line_item_type, x_usage_type, billed_cost, effective_cost, billing_currency, commitment_discount_id, region_id)
     VALUES ${values.join(', ')}`,
    params,
  );
}

export function principal(
  orgId: string,
  role: Principal['role'] = 'engineer',
  userId = 'usr_test',
): Principal {
  return { userId, email: `${role}@example.test`, orgId, role, manageCloudCredentials: false, via: 'token' };
}

let seq = 0;

/**
 * One cloud account of the organization with an unattached volume and its open recommendation, written straight
 * to the store (for API tests that do not need a scan).
 */
export async function seedRecommendation(
  q: Queryable,
  orgId: string,
): Promise<{ cloudAccountId: string; resourceId: string; recommendationId: string }> {
  seq++;
  const suffix = `${Date.now().toString(36)}${seq}`;
  const cloudAccountId = `ca_seed_${suffix}`;
  const resourceId = `vol-seed${suffix}`;
  const recommendationId = `rec_seed_${suffix}`;
  const awsAccountId = String(500000000000 + ((Date.now() + seq) % 1e9));
  const now = new Date();
  await q.execute(
    `INSERT INTO cloud_accounts (id, org_id, name, provider, type, aws_account_id, created_at, updated_at)
     VALUES ($1, $2, $3, 'aws', 'linked', $4, $5, $5)`,
    [cloudAccountId, orgId, `seed ${suffix}`, awsAccountId, now],
  );
  await insertResource(q, {
    orgId,
    cloudAccountId,
    awsAccountId,
    type: 'ebs_volume',
    id: resourceId,
    state: 'available',
    details: { volumeType: 'gp3', sizeGiB: 10, attachments: [], billIds: [resourceId] },
  });
  await q.execute(
    `INSERT INTO recommendations (id, org_id, cloud_account_id, aws_account_id, region, rule, resource_id, resource_type,
       title, reason, evidence, action, monthly_savings, savings_basis, currency, status, created_at, updated_at)
     VALUES ($1, $2, $3, $4, 'us-east-1', 'unattached_volume', $5, 'ebs_volume', 'Unattached volume', 'attached to nothing',
       '{}', 'Delete it', 0.8, 'estimate', 'USD', 'open', $6, $6)`,
    [recommendationId, orgId, cloudAccountId, awsAccountId, resourceId, now],
  );
  return { cloudAccountId, resourceId, recommendationId };
}
