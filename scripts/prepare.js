// Runs after `npm ci` / `npm install`: compiles the CLI (dist/cli, so `cloudtally` starts without compiling
// TypeScript) and builds the web dashboard so that `cloudtally serve` can serve it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { buildCli } from './cli-build.js';

if (!(await buildCli()))
  process.stderr.write('esbuild is missing: the CLI will run its sources through tsx\n');
if (existsSync('web/index.html') && existsSync('node_modules/.bin/vite')) {
  const r = spawnSync(
    'node_modules/.bin/vite',
    ['build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
    {
      stdio: 'inherit',
    },
  );
  process.exit(r.status ?? 1);
}
