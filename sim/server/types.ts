import type { IncomingHttpHeaders } from 'node:http';
import type { Scenario } from '../scenario/schema.js';
import type { World } from '../world/world.js';
import type { GroundTruth } from '../gen/truth.js';
import type { CeRow } from '../gen/generate.js';
import type { Caller, Session } from './auth.js';
import type { FaultRegistry } from './faults.js';
import type { SimResponse } from './protocol.js';

export interface SimState {
  scenario: Scenario;
  world: World;
  dataDir: string;
  bucketsDir: string;
  sessions: Map<string, Session>;
  faults: FaultRegistry;
  truth: GroundTruth;
  ce: CeRow[];
  /** Calls served per `service:Operation` (e.g. to check how many paid Cost Explorer requests were made). */
  calls: Map<string, number>;
}

export interface SimRequest {
  method: string;
  rawPath: string;
  rawQuery: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Signing name from the credential scope. */
  service: string;
  /** Signing region from the credential scope. */
  region: string;
  operation: string;
  form: Map<string, string>;
  json: Record<string, unknown>;
  requestId: string;
}

export interface HandlerContext {
  state: SimState;
  req: SimRequest;
  caller: Caller;
}

export interface ServiceModule {
  /** The IAM action a call needs (checked before the handler runs), or undefined when none is needed. */
  actionOf(req: SimRequest): string | undefined;
  handle(ctx: HandlerContext): Promise<SimResponse> | SimResponse;
}
