// The table-owner rule (`npm run lint` runs it): every table of the migrations has one owning folder, listed in
// src/store/README.md, and SQL outside that folder names it only where the allow-list below says why.
// Run alone: `node --import tsx scripts/architecture/table-owners.ts`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SourceFile {
  /** Relative to the repository, with `/`. */
  path: string;
  text: string;
}

export interface Allowed {
  table: string;
  /** The end of the file's path (`sync/scheduler.ts`), so that an entry follows a file moved to another folder. */
  file: string;
  kind: 'read-join' | 'pending';
  why: string;
}

/**
 * Other domains' tables named in SQL outside their owner. `read-join`: accepted, a read the owner's data is
 * joined into (the owner keeps every write). `pending`: to be replaced by a port of the owner's (none is left;
 * a new one needs a reason and a plan).
 */
export const ALLOWED: readonly Allowed[] = [
  // The cost tables are written by the billing loaders, in one transaction with billing_periods; the costs
  // domain owns their shape and every query that reads them.
  { table: 'cost_line_items', file: 'billing/period-writer.ts', kind: 'read-join', why: 'the loader writes' },
  { table: 'cost_daily', file: 'billing/period-writer.ts', kind: 'read-join', why: 'the loader writes' },
  { table: 'cost_line_items', file: 'billing/cost-explorer.ts', kind: 'read-join', why: 'the loader writes' },
  { table: 'cost_daily', file: 'billing/cost-explorer.ts', kind: 'read-join', why: 'the loader writes' },
  // Reads of cost data by the domains that attribute it.
  {
    table: 'cost_line_items',
    file: 'inventory/resource-costs.ts',
    kind: 'read-join',
    why: 'cost per resource',
  },
  {
    table: 'cost_line_items',
    file: 'recommendations/rule-context.ts',
    kind: 'read-join',
    why: 'rule evidence',
  },
  {
    table: 'cost_line_items',
    file: 'recommendations/realized-savings.ts',
    kind: 'read-join',
    why: 'savings observed in the bill',
  },
  { table: 'cost_daily', file: 'accounts/account-status.ts', kind: 'read-join', why: 'data freshness' },
  { table: 'sync_runs', file: 'accounts/account-status.ts', kind: 'read-join', why: 'last sync per account' },
  { table: 'cost_line_items', file: 'allocation/materialize.ts', kind: 'read-join', why: 'costs allocated' },
  {
    table: 'cost_line_items',
    file: 'allocation/allocation-preview.ts',
    kind: 'read-join',
    why: 'rule preview',
  },
  { table: 'cost_line_items', file: 'allocation/tag-coverage.ts', kind: 'read-join', why: 'tag coverage' },
  {
    table: 'cost_line_items',
    file: 'aws/commitments/cur-commitments.ts',
    kind: 'read-join',
    why: 'commitments in the bill',
  },
  // Cost queries grouped by an allocation dimension read its applied version (and cost_allocations' rows).
  { table: 'allocation_dimensions', file: 'costs/cost-sql.ts', kind: 'read-join', why: 'allocated costs' },
  { table: 'billing_periods', file: 'costs/versioned-cache.ts', kind: 'read-join', why: 'cache version' },
  { table: 'billing_periods', file: 'accounts/member-store.ts', kind: 'read-join', why: 'where costs stand' },
  {
    table: 'resources',
    file: 'recommendations/recommendation-store.ts',
    kind: 'read-join',
    why: 'resource tags',
  },
  // Organization settings joined into the account rows that the scheduler and the status read.
  { table: 'organizations', file: 'accounts/account-status.ts', kind: 'read-join', why: 'org sync interval' },
  // Removing an account deletes its rows everywhere (no foreign keys cascade in DuckDB).
  { table: 'recommendations', file: 'accounts/account-store.ts', kind: 'read-join', why: 'removal cascade' },
  {
    table: 'recommendation_states',
    file: 'accounts/account-store.ts',
    kind: 'read-join',
    why: 'removal cascade',
  },
];

/** `table → src/<folder>` from the owner table of src/store/README.md (rows `| \`table\` | \`src/x\` | … |`). */
export function parseOwners(readme: string): Map<string, string> {
  const owners = new Map<string, string>();
  for (const m of readme.matchAll(/^\|\s*`([a-z_]+)`\s*\|\s*`(src\/[a-z/-]+)`\s*\|/gm))
    owners.set(m[1], m[2]);
  return owners;
}

/** Tables the migrations create and keep (a scratch copy dropped again by a migration is nobody's table). */
export function migrationTables(migrations: readonly SourceFile[]): string[] {
  const tables = new Set<string>();
  const dropped = new Set<string>();
  for (const f of migrations) {
    for (const m of f.text.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?([a-z][a-z0-9_]*)/g)) tables.add(m[1]);
    for (const m of f.text.matchAll(/DROP TABLE (?:IF EXISTS )?([a-z][a-z0-9_]*)/g)) dropped.add(m[1]);
  }
  return [...tables].filter((t) => !dropped.has(t)).sort();
}

export interface Finding {
  file: string;
  table: string;
  owner: string;
}

/** Each (file, table) whose SQL names a table owned by another folder, less the allow-list. */
export function crossOwnerQueries(
  files: readonly SourceFile[],
  owners: ReadonlyMap<string, string>,
  allowed: readonly Allowed[] = ALLOWED,
): { violations: Finding[]; used: Set<Allowed> } {
  const violations: Finding[] = [];
  const used = new Set<Allowed>();
  for (const f of files) {
    for (const [table, owner] of owners) {
      if (f.path.startsWith(`${owner}/`)) continue;
      // SQL keywords are upper case in this code base; prose ("read from resources") is not matched.
      if (!new RegExp(`\\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\\s+${table}\\b`).test(f.text)) continue;
      const allow = allowed.find((a) => a.table === table && f.path.endsWith(`/${a.file}`));
      if (allow) used.add(allow);
      else violations.push({ file: f.path, table, owner });
    }
  }
  return { violations, used };
}

function filesUnder(root: string, dir: string): SourceFile[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const rel = `${dir}/${name}`;
    if (statSync(path.join(root, rel)).isDirectory()) return filesUnder(root, rel);
    return /(?<!\.test)\.ts$/.test(name)
      ? [{ path: rel, text: readFileSync(path.join(root, rel), 'utf8') }]
      : [];
  });
}

function main(): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const all = filesUnder(root, 'src');
  const migrations = all.filter((f) => f.path.startsWith('src/store/migrations/'));
  const owners = parseOwners(readFileSync(path.join(root, 'src/store/README.md'), 'utf8'));
  const problems: string[] = [];
  // A table without an owner is reported, not failed: a migration may land before its row in the README.
  for (const table of migrationTables(migrations))
    if (!owners.has(table) && table !== 'schema_migrations')
      process.stdout.write(`table owners: table ${table} has no owner in src/store/README.md: add its row\n`);
  const code = all.filter((f) => !f.path.startsWith('src/store/migrations/'));
  const { violations, used } = crossOwnerQueries(code, owners);
  for (const v of violations)
    problems.push(
      `${v.file} runs SQL on ${v.table}, owned by ${v.owner}: call a port of the owner's instead`,
    );
  for (const a of ALLOWED.filter((x) => !used.has(x)))
    process.stdout.write(`table owners: allow-list entry no longer needed: ${a.table} in ${a.file}\n`);
  if (problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}\n`);
    process.exit(1);
  }
  const pending = ALLOWED.filter((a) => a.kind === 'pending' && used.has(a)).length;
  process.stdout.write(
    `table owners: ${owners.size} tables, ${code.length} files, no unlisted query on another domain's table (${pending} pending)\n`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
