import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { PACKAGE_ROOT } from '../lib/package-root.js';
import type { Api } from './route-kit.js';

export const WEB_DIST = path.join(PACKAGE_ROOT, 'web', 'dist');

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

const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json']);

interface CachedFile {
  mtimeMs: number;
  body: Buffer<ArrayBuffer>;
  gzip: Buffer<ArrayBuffer> | null;
  etag: string;
}

/**
 * Serves the built dashboard: fingerprinted files under /assets are cached for a year, index.html is always
 * revalidated (an ETag makes that a 304), and unknown paths outside /api fall back to index.html for
 * client-side routing. Text files are gzipped once and kept in memory: the app is a few hundred kilobytes.
 */
export function registerWebAssets(app: Api, dist = WEB_DIST): void {
  const cache = new Map<string, CachedFile>();

  async function load(file: string): Promise<CachedFile> {
    const { mtimeMs } = statSync(file);
    const hit = cache.get(file);
    // A rebuild replaces index.html in place; the modification time tells.
    if (hit && hit.mtimeMs === mtimeMs) return hit;
    const body = await readFile(file);
    const entry: CachedFile = {
      mtimeMs,
      body,
      gzip: COMPRESSIBLE.has(path.extname(file)) && body.length > 1024 ? gzipSync(body, { level: 9 }) : null,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    };
    cache.set(file, entry);
    return entry;
  }

  app.get('*', async (c, next) => {
    if (c.req.path.startsWith('/api/') || c.req.path === '/mcp') return next();
    if (!existsSync(path.join(dist, 'index.html'))) {
      return c.text(
        'The web dashboard is not built. Run `npm run build:web` (npm ci does it) and restart.',
        503,
      );
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(c.req.path);
    } catch {
      decoded = '/';
    }
    const rel = path.normalize(decoded).replace(/^(\.\.[/\\])+/, '');
    let file = path.join(dist, rel);
    const isFile = file.startsWith(dist + path.sep) && existsSync(file) && statSync(file).isFile();
    if (!isFile) {
      // A missing fingerprinted file is a stale page asking for an old build: a 404, not the app's HTML.
      if (rel.startsWith('/assets/')) return c.text('Not found', 404);
      file = path.join(dist, 'index.html');
    }
    const entry = await load(file);
    const immutable = rel.startsWith('/assets/') && isFile;
    const headers: Record<string, string> = {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      etag: entry.etag,
      vary: 'accept-encoding',
      'x-content-type-options': 'nosniff',
    };
    if (c.req.header('if-none-match') === entry.etag) return c.body(null, 304, headers);
    if (entry.gzip && /\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
      return c.body(entry.gzip, 200, { ...headers, 'content-encoding': 'gzip' });
    }
    return c.body(entry.body, 200, headers);
  });
}
