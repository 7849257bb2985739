import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedSchemaText, SCHEMA_FILE } from '../../scripts/api-schema.js';

describe('the generated API types', () => {
  it('src/api-client/schema.ts is what the current routes produce (run `npm run gen:api` after a route change)', async () => {
    const committed = readFileSync(SCHEMA_FILE, 'utf8');
    const current = await generatedSchemaText();
    // A plain equality would print 4000 lines; the first differing line says which route changed.
    const a = committed.split('\n');
    const b = current.split('\n');
    const at = a.findIndex((line, i) => line !== b[i]);
    const where =
      at === -1 && a.length === b.length ? null : { line: at + 1, committed: a[at], current: b[at] };
    expect(where, 'src/api-client/schema.ts is stale: run `npm run gen:api` and commit it').toBeNull();
  });
});
