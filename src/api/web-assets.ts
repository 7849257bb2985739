import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Api } from './route-kit.js';

export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/**
 * Serves the built dashboard: fingerprinted files under /assets are cached for a year, index.html is always
 * revalidated, and unknown paths outside /api fall back to index.html for client-side routing.
 */
export function registerWebAssets(app: Api, dist = WEB_DIST): void {
  app.get('*', async (c, next) => {
    if (c.req.path.startsWith('/api/') || c.req.path === '/mcp') return next();
    if (!existsSync(path.join(dist, 'index.html'))) {
      return c.text(
        'The web dashboard is not built. Run `npm run build:web` (npm ci does it) and restart.',
        503,
      );
    }
    const rel = path.normalize(decodeURIComponent(c.req.path)).replace(/^(\.\.[/\\])+/, '');
    let file = path.join(dist, rel);
    if (!file.startsWith(dist) || !existsSync(file) || rel === '/' || rel.endsWith('/'))
      file = path.join(dist, 'index.html');
    const ext = path.extname(file);
    const body = await readFile(file);
    const immutable = rel.startsWith('/assets/');
    return c.body(body, 200, {
      'content-type': TYPES[ext] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  });
}
