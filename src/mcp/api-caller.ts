/**
 * How MCP tools reach Cloudtally: always through the REST API with the caller's bearer token, so that the
 * token's organization and role bound every tool exactly as they bound any other client. The client is the one
 * typed API client (src/api-client); its requests go either to the network (stdio against a running server) or
 * to the Hono app in-process (`app.request`).
 */
import { createCloudtallyClient, type CloudtallyClient } from '../api-client/client.js';

export { ApiCallError, ok } from '../api-client/client.js';

export type ApiCaller = CloudtallyClient;

/** The origin of requests the app answers in-process; they never reach the network. */
export const IN_PROCESS_URL = 'http://cloudtally.in-process';

/** Anything that answers a Request the way a Hono app's `request` does. */
export interface InProcessApp {
  request(request: Request): Response | Promise<Response>;
}

/** The in-process form: the Hono app answers each request without a socket. */
export function inProcessCaller(app: InProcessApp, token?: string): ApiCaller {
  return createCloudtallyClient({
    baseUrl: IN_PROCESS_URL,
    token,
    fetch: async (request) => app.request(request),
  });
}

/** The network form: a Cloudtally server at `baseUrl`. */
export function httpCaller(baseUrl: string, token: string): ApiCaller {
  const base = baseUrl.replace(/\/+$/, '');
  return createCloudtallyClient({ baseUrl: base, token, unreachable: `Cannot reach Cloudtally at ${base}` });
}
