// `npm test`: everything CI checks, in order — PostgreSQL and Chromium ready, type-check, lint, format,
// then every test: the fast tier, then the slow tier. Ends with one line `tests: N passed, N failed` for whoever
// reads the log.
// `npm run test:fast` / `npm run test:slow` (`node scripts/test.js fast|slow`): one tier alone, without the checks.
// Further arguments go to vitest.
import { spawnSync, execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { ensurePostgres } from './ensure-postgres.js';
import { SLOW_TESTS } from './test-tiers.js';

const CI = process.env.CI === 'true';

function run(label, cmd, args) {
  process.stdout.write(`\n=== ${label}: ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  if (r.status !== 0) {
    process.stdout.write(`\n${label} failed (exit ${r.status ?? r.signal})\n`);
    process.exit(r.status || 1);
  }
}

function ensureChromium() {
  if (existsSync('/usr/bin/chromium')) return;
  process.stdout.write('Chromium is missing: installing Debian package chromium for the browser tests\n');
  try {
    execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', {
      stdio: 'inherit',
    });
  } catch (err) {
    if (CI)
      throw new Error(`Browser tests need /usr/bin/chromium and it could not be installed: ${err.message}`);
  }
  if (!existsSync('/usr/bin/chromium'))
    throw new Error('Browser tests need /usr/bin/chromium (apt-get install -y chromium)');
}

const TIERS = ['fast', 'slow'];
const tier = TIERS.includes(process.argv[2]) ? process.argv[2] : undefined;
const vitestArgs = process.argv.slice(tier ? 3 : 2);

await ensurePostgres();
if (existsSync('test/e2e') && tier !== 'slow') ensureChromium();

const bin = (name) => `node_modules/.bin/${name}`;
if (!tier) {
  run('type-check', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
  if (existsSync('web/tsconfig.json'))
    run('type-check web', bin('tsc'), ['-p', 'web/tsconfig.json', '--noEmit']);
  run('lint', bin('eslint'), ['.', '--max-warnings=0']);
  run('layering', bin('depcruise'), ['src']);
  run('table owners', 'node', ['--import', 'tsx', 'scripts/architecture/table-owners.ts']);
  run('engine branches', 'node', ['--import', 'tsx', 'scripts/architecture/engine-branches.ts']);
  run('format', bin('prettier'), ['--check', '.']);
}
if (existsSync('web/index.html') && !existsSync('web/dist/index.html'))
  run('build web', 'npm', ['run', 'build:web']);

mkdirSync('test-results', { recursive: true });

/** Runs one tier's test files; its counts come from vitest's JSON report. */
function runTier(name) {
  const report = `test-results/vitest-${name}.json`;
  const files = name === 'slow' ? SLOW_TESTS : SLOW_TESTS.flatMap((file) => ['--exclude', file]);
  process.stdout.write(`\n=== ${name} tests\n`);
  const r = spawnSync(
    bin('vitest'),
    ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...files, ...vitestArgs],
    { stdio: 'inherit', env: process.env },
  );
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  if (existsSync(report)) {
    const result = JSON.parse(readFileSync(report, 'utf8'));
    passed = result.numPassedTests ?? 0;
    failed = result.numFailedTests ?? 0;
    skipped = (result.numPendingTests ?? 0) + (result.numTodoTests ?? 0);
  }
  if (r.status !== 0 && failed === 0) failed = 1;
  process.stdout.write(`${name} tests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  return { passed, failed, skipped, ok: r.status === 0 };
}

const results = (tier ? [tier] : TIERS).map(runTier);
const total = (key) => results.reduce((sum, r) => sum + r[key], 0);
const skipped = total('skipped');
process.stdout.write(`\ntests: ${total('passed')} passed, ${total('failed')} failed, ${skipped} skipped\n`);
if (CI && skipped > 0) {
  process.stdout.write('CI does not allow skipped tests: a missing component must fail the run\n');
  process.exit(1);
}
process.exit(results.every((r) => r.ok) ? 0 : 1);
