import type { DuckDBConnection } from '@duckdb/node-api';
import type { Scenario } from '../scenario/schema.js';
import { DAY, type World } from '../world/world.js';
import { productName } from './meters.js';
import { RESERVATION_FACTS } from '../world/reservation-services.js';
import {
  addEdpRows,
  addSavingsPlanFees,
  addTaxRows,
  createUsageRows,
  insertRows,
  reservationHoursUsed,
  sortLineItems,
  type PeriodSpec,
} from './lineitems.js';

/**
 * Builds table `li` for one billing period of one bill: usage rows, then commitment fees, one-off rows (fees,
 * credits, refunds, restatement adjustments), EDP discount rows and, for closed months, tax.
 */
export async function buildPeriod(
  conn: DuckDBConnection,
  scenario: Scenario,
  world: World,
  spec: PeriodSpec,
  accounts: Set<string>,
  payer: string,
  revision: number,
): Promise<void> {
  const { p0, p1, cutEnd } = spec;
  await createUsageRows(conn, spec);
  await addSavingsPlanFees(
    conn,
    spec,
    world.savingsPlans
      .filter((p) => accounts.has(p.accountId))
      .map((p) => ({
        arn: p.arn,
        account_id: p.accountId,
        commitment: p.commitmentPerHourUsd,
        start_s: p.start,
        end_s: p.end,
        offering: p.type,
      })),
  );
  const used = await reservationHoursUsed(conn);
  type Row = Record<string, string | number | null>;
  const extra: Row[] = [];
  let sub = 10;
  const row = (r: Row): void => {
    extra.push({ meter_id: 0, sub: sub++, ts0: p0, ts1: p1, net_unblended: r.unblended ?? 0, ...r });
  };
  for (const ri of world.reservations.filter((r) => accounts.has(r.accountId))) {
    const from = Math.max(ri.start, p0);
    const to = Math.min(ri.end, cutEnd);
    const termHours = (ri.end - ri.start) / 3600;
    const upfrontHourly = ri.upfrontUsd / ri.count / termHours;
    const facts = RESERVATION_FACTS[ri.service];
    const product = { product_code: facts.productCode, product_name: productName(facts.productCode) };
    if (to > from) {
      const hours = (ri.count * (to - from)) / 3600;
      const unused = Math.max(0, hours - (used.get(ri.arn) ?? 0));
      row({
        account_id: ri.accountId,
        line_type: 'RIFee',
        ...product,
        region: ri.region,
        usage_type: `HeavyUsage:${ri.instanceType}`,
        operation: facts.operation,
        pricing_unit: 'Hrs',
        instance_type: ri.instanceType,
        description:
          ri.service === 'EC2'
            ? `Linux/UNIX (Amazon VPC), ${ri.instanceType} reserved instance applied`
            : `${ri.service} ${ri.instanceType} reserved instance applied`,
        usage_amount: hours,
        unblended_rate: ri.recurringHourlyUsd,
        unblended: ri.recurringHourlyUsd * hours,
        term: 'Reserved',
        ri_arn: ri.arn,
        ri_unused_upfront: upfrontHourly * unused,
        ri_unused_recurring: ri.recurringHourlyUsd * unused,
        ri_amortized_upfront: upfrontHourly * hours,
        ri_start: ri.start,
        ri_end: ri.end,
      });
    }
    if (ri.upfrontUsd > 0 && ri.start >= p0 && ri.start < cutEnd) {
      row({
        ts0: ri.start,
        ts1: ri.start + DAY,
        account_id: ri.accountId,
        line_type: 'Fee',
        ...product,
        region: ri.region,
        usage_type: `HeavyUsage:${ri.instanceType}`,
        operation: facts.operation,
        description: `Sign up charge for subscription: ${ri.id}, planId: ${ri.instanceType}`,
        usage_amount: ri.count,
        unblended: ri.upfrontUsd,
        term: 'Reserved',
        ri_arn: ri.arn,
        ri_start: ri.start,
        ri_end: ri.end,
      });
    }
  }
  const closed = p1 <= cutEnd;
  const monthsAgo = (() => {
    const a = new Date(p0 * 1000);
    const b = new Date(world.clock.today * 1000);
    return (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth();
  })();
  for (const c of scenario.credits.filter((x) => accounts.has(x.accountId))) {
    if (closed) {
      row({
        account_id: c.accountId,
        line_type: 'Credit',
        product_code: 'AmazonEC2',
        product_name: productName('AmazonEC2'),
        description: c.description,
        unblended: -c.monthlyUsd,
      });
    }
  }
  for (const r of scenario.refunds.filter((x) => accounts.has(x.accountId) && x.monthsAgo === monthsAgo)) {
    row({
      account_id: r.accountId,
      line_type: 'Refund',
      product_code: 'AmazonEC2',
      product_name: productName('AmazonEC2'),
      description: 'Refund for service interruption',
      unblended: -r.amountUsd,
    });
  }
  for (const f of scenario.fees.filter((x) => accounts.has(x.accountId) && x.monthsAgo === monthsAgo)) {
    row({
      account_id: f.accountId,
      line_type: 'Fee',
      product_code: 'AWSSupportBusiness',
      product_name: productName('AWSSupportBusiness'),
      description: f.description,
      unblended: f.amountUsd,
      usage_amount: 1,
    });
  }
  if (revision > 0) {
    row({
      account_id: payer,
      line_type: 'Credit',
      product_code: 'AmazonEC2',
      product_name: productName('AmazonEC2'),
      description: `Billing adjustment (restatement ${revision})`,
      unblended: -revision,
    });
  }
  if (extra.length > 0) await insertRows(conn, 'li', extra);
  if (spec.edpRate > 0) await addEdpRows(conn);
  if (closed) await addTaxRows(conn, spec, scenario.organization.taxPercent / 100);
  await sortLineItems(conn);
}
