import { ensurePostgres } from '../scripts/ensure-postgres.js';

/** Vitest global setup: the store suite and integration tests need a running PostgreSQL. */
export default async function setup(): Promise<void> {
  await ensurePostgres();
}
