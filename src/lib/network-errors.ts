/** Failures of the connection itself (refused, reset, timed out), whichever service was being called. */

/** Node and undici codes of a connection that failed or dropped. */
export const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

type Bag = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** The error and its causes (clients and undici wrap the network error that started it). */
export function errorChain(err: unknown): Bag[] {
  const out: Bag[] = [];
  let e: unknown = err;
  for (let i = 0; i < 5 && e && typeof e === 'object'; i++) {
    out.push(e as Bag);
    e = (e as Bag).cause;
  }
  return out;
}

/** The Node network code of the failure or one of its causes (ECONNRESET, …), if any. */
export function networkCodeOf(err: unknown): string | undefined {
  for (const e of errorChain(err)) {
    for (const c of [e.code, e.errno].map(str)) if (c && NETWORK_CODES.has(c)) return c;
    const name = str(e.name);
    if ((name && name !== 'Error' ? name : str(e.Code)) === 'TimeoutError') return 'ETIMEDOUT';
  }
  // Node's http client says only this when a response is cut short.
  if (err instanceof Error && /^(aborted|socket hang up)$/i.test(err.message)) return 'ECONNRESET';
  return undefined;
}
