import type { Migration } from './types.js';

// Budgets: a scope of the cost explorer with an amount per period, and the thresholds each period crossed.
// A threshold row is written once per (budget, period, kind, percent); its primary key is what makes an alert
// fire once, whichever process evaluates and however often.
export const budgetsMigration: Migration = {
  id: 18,
  name: 'budgets: budgets and fired thresholds',
  statements: [
    `CREATE TABLE budgets (
      id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL,
      name TEXT NOT NULL,
      scope TEXT NOT NULL DEFAULT '{}',
      basis TEXT NOT NULL,
      period TEXT NOT NULL,
      start_date DATE,
      end_date DATE,
      amount DOUBLE PRECISION NOT NULL,
      schedule TEXT,
      currency TEXT NOT NULL,
      thresholds TEXT NOT NULL DEFAULT '[]',
      created_by TEXT,
      created_at TIMESTAMPTZ NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL
    )`,
    `CREATE UNIQUE INDEX budgets_org_name ON budgets (org_id, name)`,
    `CREATE TABLE budget_thresholds_fired (
      org_id TEXT NOT NULL,
      budget_id TEXT NOT NULL,
      period_start DATE NOT NULL,
      kind TEXT NOT NULL,
      percent DOUBLE PRECISION NOT NULL,
      fired_at TIMESTAMPTZ NOT NULL,
      as_of DATE NOT NULL,
      value DOUBLE PRECISION NOT NULL,
      amount DOUBLE PRECISION NOT NULL,
      PRIMARY KEY (budget_id, period_start, kind, percent)
    )`,
  ],
};
