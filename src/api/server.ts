import { serve, type ServerType } from '@hono/node-server';
import type { AppContext } from '../app/context.js';
import { createApi } from './app.js';
import type { Api, RouteRegistrar } from './route-kit.js';
import { registerWebAssets } from './web-assets.js';

export interface RunningServer {
  app: Api;
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the HTTP server; resolves once it listens. `close()` stops accepting and waits for open requests. */
export async function startServer(
  ctx: AppContext,
  options: { port: number; host: string; extraRoutes?: RouteRegistrar[] },
): Promise<RunningServer> {
  const app = createApi(ctx, options.extraRoutes);
  registerWebAssets(app);
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  return {
    app,
    port,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeIdleConnections' in server) server.closeIdleConnections();
      }),
  };
}
