/**
 * The time one statement may take, for the work of one scope (an API read request). The stores read it when a
 * statement starts: PostgreSQL gets a statement_timeout, DuckDB an interrupt. Background work (billing loads,
 * migrations) runs outside any scope and is not bounded.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<number>();

/** Runs `fn` with every statement it issues bounded to `ms` milliseconds. */
export function withQueryBudget<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  return scope.run(ms, fn);
}

/** The budget of the current scope, if any. */
export function currentQueryBudget(): number | undefined {
  return scope.getStore();
}
