// Runs after `npm ci` / `npm install`: builds the web dashboard so that `cloudtally serve` can serve it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

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
