// The compiled CLI: src/cli/main.ts bundled by esbuild into dist/cli/ (one file per lazily loaded command group,
// packages left to node_modules), so that `cloudtally` starts without compiling TypeScript. `npm ci` builds it
// (scripts/prepare.js), `npm test` rebuilds it when the sources are newer, and bin/cloudtally.js runs it only
// while it is current — otherwise it runs the sources through tsx, so an edited checkout never runs old code.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = path.join(ROOT, 'dist', 'cli');
export const ENTRY = path.join(DIST, 'main.js');
/** Written last by a build; its modification time is when the build read the sources. */
const STAMP = 'build-stamp.json';
/** The folders whose code the bundle holds (tests are not part of it). */
const SOURCES = ['src', 'sim'];

/** Newest modification time of the bundled sources; folders count too, so a deleted or renamed file does. */
function newestSourceTime(dir, newest = 0) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
    newest = Math.max(newest, statSync(dir).mtimeMs);
  } catch {
    return newest;
  }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) newest = newestSourceTime(full, newest);
    else if (/\.(ts|json)$/.test(e.name) && !e.name.endsWith('.test.ts'))
      newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** True when dist/cli (of the checkout at `root`) holds a build of the current sources. */
export function cliBuildIsCurrent(root = ROOT) {
  const stamp = path.join(root, 'dist', 'cli', STAMP);
  if (!existsSync(stamp) || !existsSync(path.join(root, 'dist', 'cli', 'main.js'))) return false;
  const built = statSync(stamp).mtimeMs;
  return SOURCES.every((dir) => newestSourceTime(path.join(root, dir)) <= built);
}

/**
 * Bundles the CLI into a fresh folder and then swaps it in, so a CLI started meanwhile sees either the old
 * complete build or none (and then runs through tsx). Returns false when esbuild is not installed.
 */
export async function buildCli() {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    return false;
  }
  const started = new Date();
  const tmp = `${DIST}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'src', 'cli', 'main.ts')],
    outdir: tmp,
    bundle: true,
    // Each `await import()` of a command group becomes its own file, loaded only when that command runs.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  writeFileSync(path.join(tmp, STAMP), JSON.stringify({ builtAt: started.toISOString() }) + '\n');
  utimesSync(path.join(tmp, STAMP), started, started);
  rmSync(DIST, { recursive: true, force: true });
  renameSync(tmp, DIST);
  return true;
}

/** Builds the CLI unless the current build is already there. */
export async function ensureCliBuild() {
  if (cliBuildIsCurrent()) return true;
  return buildCli();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!(await buildCli())) {
    process.stderr.write('esbuild is not installed: run npm ci\n');
    process.exit(1);
  }
}
