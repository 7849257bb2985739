/**
 * The Azure simulator's HTTPS endpoint: Entra ID (token endpoint) and, given a world, Azure Resource Manager and
 * Azure Monitor (arm.ts) at the same address. The official `@azure/identity` client
 * reaches it with `authorityHost` set to its URL (MSAL refuses plain HTTP authorities, hence TLS: the caller gives
 * the certificate, and its clients trust it).
 */
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { handleArm, type ArmAccess } from './arm.js';
import type { ArmWorld } from './arm-world.js';
import { handleEntra, type ServicePrincipal } from './entra.js';

export interface AzureSimulator {
  url: string;
  /** Add a service principal at run time (a new app registration with a client secret). */
  addPrincipal(sp: ServicePrincipal): void;
  /** Give a principal (client ID) Reader on these subscriptions only (by default it reads every one). */
  setReader(clientId: string, subscriptionIds: readonly string[]): void;
  /** Answer the next `n` ARM calls 429 with Retry-After. */
  throttle(n: number): void;
  /** ARM and Monitor calls seen, `METHOD path?query`. */
  armCalls(): string[];
  close(): Promise<void>;
}

export async function startAzureSimulator(options: {
  tls: { cert: string; key: string };
  principals: readonly ServicePrincipal[];
  port?: number;
  now?: () => number;
  /** The resources ARM shows (none: the ARM routes answer 404). */
  world?: ArmWorld;
  /** Items per page of an ARM list (default 2, so that paging is exercised). */
  pageSize?: number;
}): Promise<AzureSimulator> {
  const principals = [...options.principals];
  const access: ArmAccess = { readers: new Map(), throttled: 0, pageSize: options.pageSize ?? 2, calls: [] };
  const now = options.now ?? (() => Date.now());
  let base = '';
  const server = createServer({ cert: options.tls.cert, key: options.tls.key }, (req, res) => {
    handleEntra(req, res, base, principals, now)
      .then((handled) => {
        if (handled) return;
        if (options.world && handleArm(req, res, base, options.world, access, now)) return;
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
    setReader: (clientId, subs) => access.readers.set(clientId, new Set(subs)),
    throttle: (n) => {
      access.throttled = n;
    },
    armCalls: () => [...access.calls],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
