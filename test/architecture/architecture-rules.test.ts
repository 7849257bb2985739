import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineBranches } from '../../scripts/architecture/engine-branches.js';
import {
  ALLOWED,
  crossOwnerQueries,
  migrationTables,
  parseOwners,
} from '../../scripts/architecture/table-owners.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const DEPCRUISE = path.join(REPO, 'node_modules/.bin/depcruise');
const OWNERS = parseOwners(
  ['| table | owner |', '| `memberships` | `src/auth` |', '| `sync_runs` | `src/sync` |'].join('\n'),
);

describe('table owners', () => {
  it('reads the owner table and the tables the migrations create', () => {
    expect([...OWNERS]).toEqual([
      ['memberships', 'src/auth'],
      ['sync_runs', 'src/sync'],
    ]);
    const tables = migrationTables([
      { path: 'm.ts', text: 'CREATE TABLE IF NOT EXISTS a_b (x INT); CREATE TABLE c (y INT)' },
    ]);
    expect(tables).toEqual(['a_b', 'c']);
  });

  it("fails SQL on another domain's table, passes its owner and prose", () => {
    const { violations } = crossOwnerQueries(
      [
        { path: 'src/auth/auth-store.ts', text: '`SELECT * FROM memberships`' },
        { path: 'src/cli/x.ts', text: '`SELECT u.id FROM users u JOIN memberships m ON m.user_id = u.id`' },
        {
          path: 'src/api/y.ts',
          text: '// the queue: reads from sync_runs\n`UPDATE sync_runs SET state = 1`',
        },
        { path: 'src/costs/z.ts', text: '// members are read from memberships by auth' },
      ],
      OWNERS,
      [],
    );
    expect(violations).toEqual([
      { file: 'src/cli/x.ts', table: 'memberships', owner: 'src/auth' },
      { file: 'src/api/y.ts', table: 'sync_runs', owner: 'src/sync' },
    ]);
  });

  it('lets an allow-list entry pass by the end of the path, wherever the file moved', () => {
    const allowed = [{ table: 'sync_runs', file: 'api/y.ts', kind: 'read-join' as const, why: 'test' }];
    const { violations, used } = crossOwnerQueries(
      [{ path: 'src/providers/x/api/y.ts', text: 'SELECT 1 FROM sync_runs' }],
      OWNERS,
      allowed,
    );
    expect(violations).toEqual([]);
    expect([...used]).toEqual(allowed);
  });

  it('says why each accepted entry is there', () => {
    for (const a of ALLOWED) expect(a.why.length, `${a.table} in ${a.file}`).toBeGreaterThan(0);
  });
});

describe('engine branches', () => {
  it('finds a branch on the engine and nothing else', () => {
    const text = [
      "if (store.engine === 'duckdb') a();",
      "const lock = engine === 'postgres' ? 'x' : '';",
      'if (store.traits.soleProcess) b();',
      "const engineName = 'the engine';",
    ].join('\n');
    expect(engineBranches(text)).toEqual([
      "1: if (store.engine === 'duckdb') a();",
      "2: const lock = engine === 'postgres' ? 'x' : '';",
    ]);
  });
});

describe('the layering rule', () => {
  it('passes on src/', () => {
    const pass = spawnSync(DEPCRUISE, ['src'], { cwd: REPO, encoding: 'utf8' });
    expect(pass.status, pass.stdout + pass.stderr).toBe(0);
  }, 120_000);

  it('fails a back-edge and a circle', () => {
    // A scratch tree with the same layout: lib importing a domain, and two domain modules importing each other.
    const dir = mkdtempSync(path.join(tmpdir(), 'cloudtally-layers-'));
    try {
      for (const d of ['src/lib', 'src/auth', 'src/costs']) mkdirSync(path.join(dir, d), { recursive: true });
      writeFileSync(path.join(dir, 'tsconfig.json'), '{ "compilerOptions": { "module": "NodeNext" } }');
      writeFileSync(path.join(dir, 'src/lib/helper.ts'), "export { a } from '../auth/a.js';\n");
      writeFileSync(
        path.join(dir, 'src/auth/a.ts'),
        "import { b } from '../costs/b.js';\nexport const a = b;\n",
      );
      writeFileSync(
        path.join(dir, 'src/costs/b.ts'),
        "import { a } from '../auth/a.js';\nexport const b = () => a;\n",
      );
      const config = path.join(REPO, '.dependency-cruiser.mjs');
      const fail = spawnSync(DEPCRUISE, ['--config', config, 'src'], { cwd: dir, encoding: 'utf8' });
      expect(fail.status, fail.stdout + fail.stderr).not.toBe(0);
      expect(fail.stdout).toContain('lib-is-a-leaf: src/lib/helper.ts → src/auth/a.ts');
      expect(fail.stdout).toContain('no-circular');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
