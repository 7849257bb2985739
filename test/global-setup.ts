import { ensureCliBuild } from '../scripts/cli-build.js';
import { ensurePostgres } from '../scripts/ensure-postgres.js';

/**
 * Vitest global setup: the store suite and integration tests need a running PostgreSQL, and the tests that spawn
 * `cloudtally` run the compiled CLI, rebuilt here when the sources changed since the last build (the bin would
 * otherwise fall back to the slower tsx path, correct but slow).
 */
export default async function setup(): Promise<void> {
  await Promise.all([ensurePostgres(), ensureCliBuild()]);
}
