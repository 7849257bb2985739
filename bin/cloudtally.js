#!/usr/bin/env node
// Runs the compiled CLI (dist/cli, built by `npm ci` and `npm run build`) when it is a build of the current
// sources; otherwise — sources edited since, no build, or CLOUDTALLY_TSX=1 — runs the TypeScript through tsx, which
// is slower to start but always current. See scripts/cli-build.js.
import { pathToFileURL } from 'node:url';
import { cliBuildIsCurrent, ENTRY } from '../scripts/cli-build.js';

// Cloudtally runs on Node 20 with a pinned AWS SDK; the SDK's notice about its future Node 22 requirement is not
// something an operator can act on here, so it is kept out of the output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
if (process.env.CLOUDTALLY_TSX !== '1' && cliBuildIsCurrent()) {
  // Error stacks (CLOUDTALLY_DEBUG, the server's log) then name the TypeScript files and lines.
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(ENTRY).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
