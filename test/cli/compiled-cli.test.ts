import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliBuildIsCurrent } from '../../scripts/cli-build.js';
import { runCli, scratchDir } from './cli-support.js';

/**
 * The bin runs dist/cli only while it is a build of the current sources (scripts/cli-build.js). Checked on a
 * scratch checkout layout, so that no test touches the real sources' times.
 */
describe('compiled CLI staleness', () => {
  let root: string;
  const at = (seconds: number) => new Date(1_700_000_000_000 + seconds * 1000);
  const touch = (file: string, seconds: number) =>
    utimesSync(path.join(root, file), at(seconds), at(seconds));

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'cloudtally-build-'));
    for (const dir of ['src/cli', 'sim', 'dist/cli']) mkdirSync(path.join(root, dir), { recursive: true });
    writeFileSync(path.join(root, 'src/cli/main.ts'), '');
    writeFileSync(path.join(root, 'src/cli/main.test.ts'), '');
    writeFileSync(path.join(root, 'src/prices.json'), '{}');
    writeFileSync(path.join(root, 'sim/cli.ts'), '');
    writeFileSync(path.join(root, 'dist/cli/main.js'), '');
    writeFileSync(path.join(root, 'dist/cli/build-stamp.json'), '{}');
    for (const f of ['src/cli/main.ts', 'src/cli/main.test.ts', 'src/prices.json', 'sim/cli.ts', 'src/cli'])
      touch(f, 0);
    for (const d of ['src', 'sim']) touch(d, 0);
    touch('dist/cli/build-stamp.json', 10);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is current when every source is older than the build', () => {
    expect(cliBuildIsCurrent(root)).toBe(true);
  });

  it('is stale when a source or a bundled JSON file changed after the build, but not for a test file', () => {
    touch('src/cli/main.test.ts', 20);
    expect(cliBuildIsCurrent(root)).toBe(true);
    touch('sim/cli.ts', 20);
    expect(cliBuildIsCurrent(root)).toBe(false);
    touch('sim/cli.ts', 0);
    touch('src/prices.json', 20);
    expect(cliBuildIsCurrent(root)).toBe(false);
  });

  it('is stale when a source file was deleted after the build (its folder changed)', () => {
    rmSync(path.join(root, 'src/cli/main.ts'));
    expect(cliBuildIsCurrent(root)).toBe(false);
  });

  it('is stale with no build', () => {
    rmSync(path.join(root, 'dist/cli/main.js'));
    expect(cliBuildIsCurrent(root)).toBe(false);
  });

  it('runs the compiled build and the tsx path alike', async () => {
    const scratch = scratchDir('compiled');
    try {
      expect(cliBuildIsCurrent()).toBe(true);
      const compiled = await runCli(['costs', '--help'], { cwd: scratch.dir });
      const tsx = await runCli(['costs', '--help'], { cwd: scratch.dir, env: { CLOUDTALLY_TSX: '1' } });
      expect(compiled.code).toBe(0);
      expect(compiled.stdout).toContain('Usage: cloudtally costs');
      expect(tsx).toEqual(compiled);
    } finally {
      scratch.remove();
    }
  });
});
