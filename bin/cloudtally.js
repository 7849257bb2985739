#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so the package works straight after `npm ci`.
import { register } from 'tsx/esm/api';

// Cloudtally runs on Node 20 with a pinned AWS SDK; the SDK's notice about its future Node 22 requirement is not
// something an operator can act on here, so it is kept out of the output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('../src/cli/main.ts');
