import type { Queryable } from '../store/store.js';
import type { Budget, BudgetScope, Threshold, ThresholdKind } from './budget-schemas.js';

// SQL over the budgets tables, which this module owns: `budgets` and `budget_thresholds_fired`.

type BudgetRow = {
  id: string;
  org_id: string;
  name: string;
  scope: string;
  basis: string;
  period: string;
  start_date: string | null;
  end_date: string | null;
  amount: number;
  schedule: string | null;
  currency: string;
  thresholds: string;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
};

const COLUMNS = `id, org_id, name, scope, basis, period, CAST(start_date AS TEXT) AS start_date,
  CAST(end_date AS TEXT) AS end_date, amount, schedule, currency, thresholds, created_by, created_at, updated_at`;

function fromRow(r: BudgetRow): Budget {
  return {
    id: r.id,
    orgId: r.org_id,
    name: r.name,
    scope: JSON.parse(r.scope) as BudgetScope,
    basis: r.basis as Budget['basis'],
    period: r.period as Budget['period'],
    startDate: r.start_date,
    endDate: r.end_date,
    amount: Number(r.amount),
    schedule: r.schedule ? (JSON.parse(r.schedule) as Record<string, number>) : null,
    currency: r.currency,
    thresholds: JSON.parse(r.thresholds) as Threshold[],
    createdBy: r.created_by,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

export interface FiredThreshold {
  budgetId: string;
  periodStart: string;
  kind: ThresholdKind;
  percent: number;
  firedAt: string;
  /** The day the figures were through when it fired. */
  asOf: string;
  /** Spend (actual) or forecast total when it fired, and the period's amount. */
  value: number;
  amount: number;
}

type FiredRow = {
  budget_id: string;
  period_start: string;
  kind: string;
  percent: number;
  fired_at: Date;
  as_of: string;
  value: number;
  amount: number;
};

const firedFromRow = (r: FiredRow): FiredThreshold => ({
  budgetId: r.budget_id,
  periodStart: r.period_start,
  kind: r.kind as ThresholdKind,
  percent: Number(r.percent),
  firedAt: new Date(r.fired_at).toISOString(),
  asOf: r.as_of,
  value: Number(r.value),
  amount: Number(r.amount),
});

const values = (b: Budget) => [
  b.name,
  JSON.stringify(b.scope),
  b.basis,
  b.period,
  b.startDate,
  b.endDate,
  b.amount,
  b.schedule ? JSON.stringify(b.schedule) : null,
  b.currency,
  JSON.stringify(b.thresholds),
];

export function createBudgetStore(db: Queryable) {
  return {
    async insert(q: Queryable, b: Budget): Promise<void> {
      await q.execute(
        `INSERT INTO budgets (name, scope, basis, period, start_date, end_date, amount, schedule, currency,
           thresholds, id, org_id, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, CAST($5 AS DATE), CAST($6 AS DATE), $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
        [...values(b), b.id, b.orgId, b.createdBy, new Date(b.createdAt), new Date(b.updatedAt)],
      );
    },

    async update(q: Queryable, b: Budget): Promise<void> {
      await q.execute(
        `UPDATE budgets SET name = $1, scope = $2, basis = $3, period = $4, start_date = CAST($5 AS DATE),
           end_date = CAST($6 AS DATE), amount = $7, schedule = $8, currency = $9, thresholds = $10,
           updated_at = $13
         WHERE id = $11 AND org_id = $12`,
        [...values(b), b.id, b.orgId, new Date(b.updatedAt)],
      );
    },

    async get(orgId: string, id: string, q: Queryable = db): Promise<Budget | undefined> {
      const rows = await q.query<BudgetRow>(`SELECT ${COLUMNS} FROM budgets WHERE org_id = $1 AND id = $2`, [
        orgId,
        id,
      ]);
      return rows[0] ? fromRow(rows[0]) : undefined;
    },

    async findByName(orgId: string, name: string, q: Queryable = db): Promise<Budget | undefined> {
      const rows = await q.query<BudgetRow>(
        `SELECT ${COLUMNS} FROM budgets WHERE org_id = $1 AND name = $2`,
        [orgId, name],
      );
      return rows[0] ? fromRow(rows[0]) : undefined;
    },

    async list(orgId: string): Promise<Budget[]> {
      const rows = await db.query<BudgetRow>(
        `SELECT ${COLUMNS} FROM budgets WHERE org_id = $1 ORDER BY name, id`,
        [orgId],
      );
      return rows.map(fromRow);
    },

    /** Organizations that have at least one budget, for the scheduled evaluation. */
    async orgsWithBudgets(): Promise<string[]> {
      const rows = await db.query<{ org_id: string }>(`SELECT DISTINCT org_id FROM budgets ORDER BY org_id`);
      return rows.map((r) => r.org_id);
    },

    async remove(q: Queryable, orgId: string, id: string): Promise<boolean> {
      await q.execute(`DELETE FROM budget_thresholds_fired WHERE org_id = $1 AND budget_id = $2`, [
        orgId,
        id,
      ]);
      return (await q.execute(`DELETE FROM budgets WHERE org_id = $1 AND id = $2`, [orgId, id])) > 0;
    },

    /**
     * Records that a threshold fired in a period; false when it had fired already (the key is the budget, the
     * period, the kind and the percent), so that each crossing is announced once.
     */
    async markFired(q: Queryable, orgId: string, f: FiredThreshold): Promise<boolean> {
      const n = await q.execute(
        `INSERT INTO budget_thresholds_fired (org_id, budget_id, period_start, kind, percent, fired_at, as_of,
           value, amount)
         VALUES ($1, $2, CAST($3 AS DATE), $4, $5, $6, CAST($7 AS DATE), $8, $9)
         ON CONFLICT (budget_id, period_start, kind, percent) DO NOTHING`,
        [orgId, f.budgetId, f.periodStart, f.kind, f.percent, new Date(f.firedAt), f.asOf, f.value, f.amount],
      );
      return n > 0;
    },

    async firedIn(orgId: string, budgetId: string, periodStart: string): Promise<FiredThreshold[]> {
      const rows = await db.query<FiredRow>(
        `SELECT budget_id, CAST(period_start AS TEXT) AS period_start, kind, percent, fired_at,
           CAST(as_of AS TEXT) AS as_of, value, amount
         FROM budget_thresholds_fired WHERE org_id = $1 AND budget_id = $2 AND period_start = CAST($3 AS DATE)
         ORDER BY fired_at, kind, percent`,
        [orgId, budgetId, periodStart],
      );
      return rows.map(firedFromRow);
    },
  };
}

export type BudgetStore = ReturnType<typeof createBudgetStore>;
