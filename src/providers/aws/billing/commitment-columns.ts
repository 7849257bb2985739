/** The commitment columns of a CUR that the commitments domain reads back from `x_provider_columns`. */
import { literal } from './column-names.js';
import { inList, type Exprs } from './source-expressions.js';

/**
 * The commitment columns kept on a commitment's own fee lines (RIFee, SavingsPlanRecurringFee,
 * SavingsPlanUpfrontFee, a reservation's Fee) in `x_provider_columns`: the terms the commitments domain reports
 * (start, end, type, payment, term, count) and the savings plan commitment figures, which have no column of their own.
 */
export const COMMITMENT_COLUMNS = [
  'reservation_start_time',
  'reservation_end_time',
  'reservation_number_of_reservations',
  'reservation_amortized_upfront_fee_for_billing_period',
  'reservation_upfront_value',
  'pricing_purchase_option',
  'pricing_lease_contract_length',
  'pricing_offering_class',
  'savings_plan_start_time',
  'savings_plan_end_time',
  'savings_plan_offering_type',
  'savings_plan_payment_option',
  'savings_plan_purchase_term',
  'savings_plan_region',
  'savings_plan_instance_type_family',
  'savings_plan_total_commitment_to_date',
  'savings_plan_used_commitment',
  'savings_plan_recurring_commitment_for_billing_period',
  'savings_plan_amortized_upfront_commitment_for_billing_period',
] as const;

const COMMITMENT_FEE_TYPES = ['RIFee', 'SavingsPlanRecurringFee', 'SavingsPlanUpfrontFee', 'Fee'];

/** JSON text of the export's commitment columns on a commitment's fee lines; NULL on every other line. */
export function commitmentColumnsSql(e: Exprs): string {
  const present = COMMITMENT_COLUMNS.filter((c) => e.has(c));
  if (present.length === 0) return 'CAST(NULL AS VARCHAR)';
  const pairs = present.map((c) => `${literal(c)}, ${e.text(c)}`).join(', ');
  const arn = `coalesce(${e.text('reservation_reservation_a_r_n')}, ${e.text('savings_plan_savings_plan_a_r_n')})`;
  return (
    `CASE WHEN ${arn} IS NOT NULL AND ${e.text('line_item_line_item_type')} IN (${inList(COMMITMENT_FEE_TYPES)}) ` +
    `THEN CAST(json_object(${pairs}) AS VARCHAR) END`
  );
}
