/**
 * The Azure simulator's HTTPS endpoint: Entra ID (token endpoint) for now. The official `@azure/identity` client
 * reaches it with `authorityHost` set to its URL (MSAL refuses plain HTTP authorities, hence TLS: the caller gives
 * the certificate, and its clients trust it).
 */
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { handleEntra, type ServicePrincipal } from './entra.js';

export interface AzureSimulator {
  url: string;
  /** Add a service principal at run time (a new app registration with a client secret). */
  addPrincipal(sp: ServicePrincipal): void;
  close(): Promise<void>;
}

export async function startAzureSimulator(options: {
  tls: { cert: string; key: string };
  principals: readonly ServicePrincipal[];
  port?: number;
  now?: () => number;
}): Promise<AzureSimulator> {
  const principals = [...options.principals];
  const now = options.now ?? (() => Date.now());
  let base = '';
  const server = createServer({ cert: options.tls.cert, key: options.tls.key }, (req, res) => {
    handleEntra(req, res, base, principals, now)
      .then((handled) => {
        if (handled) return;
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ error: { code: 'NotFound', message: `No route ${req.method} ${req.url}` } }),
        );
      })
      .catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'InternalError', message: String(err) } }));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    addPrincipal: (sp) => principals.push(sp),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
