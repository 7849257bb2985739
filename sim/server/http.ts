import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { SimError, deniedError, errorResponse, familyOf, simError } from './errors.js';
import { newRequestId, parseForm, type SimResponse } from './protocol.js';
import { expectedSignature, parseAmzDate, parseAuthorization, sha256Hex, signaturesEqual } from './sigv4.js';
import { callerForSession, callerForUser, isAllowed, lookupKey, type Caller } from './auth.js';
import type { HandlerContext, ServiceModule, SimRequest, SimState } from './types.js';
import { s3OperationOf } from '../services/s3.js';

export type ControlHandler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => Promise<void>;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function operationOf(service: string, req: Omit<SimRequest, 'operation'>): string {
  if (service === 's3') {
    return s3OperationOf(
      req.method,
      req.rawPath,
      req.query,
      typeof req.headers.host === 'string' ? req.headers.host : undefined,
    );
  }
  // restJson1 services name the operation in the path (`POST /DescribeSavingsPlans`).
  if (service === 'savingsplans') return req.rawPath.replace(/^\/+/, '').split('/')[0];
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.slice(target.lastIndexOf('.') + 1);
  return req.form.get('Action') ?? '';
}

function isJsonRequest(headers: SimRequest['headers']): boolean {
  return String(headers['content-type'] ?? '').includes('json');
}

/** Verifies the signature and credentials of a request and returns the caller. */
function authenticate(state: SimState, req: SimRequest): Caller {
  const auth = parseAuthorization(req.headers.authorization);
  const service = req.service;
  if (!auth) throw simError(service, 'missingAuth', 'Request is missing Authentication Token');
  const amzDate = parseAmzDate(String(req.headers['x-amz-date'] ?? ''));
  if (!amzDate || Math.abs(amzDate.getTime() - Date.now()) > 15 * 60_000) {
    throw simError(
      service,
      'skew',
      'Signature expired: the request time is more than 15 minutes from the server time.',
    );
  }
  // A region the account has not opted in to does not know its credentials at all: AWS answers as it does
  // for an unknown key (EC2: AuthFailure "AWS was not able to validate the provided access credentials").
  if (state.world.optInRegions[req.region] === 'not-opted-in') {
    throw simError(
      service,
      'unknownKey',
      familyOf(service) === 'ec2'
        ? 'AWS was not able to validate the provided access credentials'
        : service === 's3'
          ? 'The AWS Access Key Id you provided does not exist in our records.'
          : 'The security token included in the request is invalid.',
    );
  }
  const { user, session } = lookupKey(state.world, state.sessions, auth.accessKeyId);
  const token = req.headers['x-amz-security-token'];
  if (!user && !session) {
    throw simError(
      service,
      'unknownKey',
      service === 's3'
        ? 'The AWS Access Key Id you provided does not exist in our records.'
        : 'The security token included in the request is invalid.',
    );
  }
  if (session) {
    if (token !== session.sessionToken)
      throw simError(service, 'invalidToken', 'The security token included in the request is invalid.');
    if (session.expiration <= Date.now())
      throw simError(service, 'expiredToken', 'The security token included in the request is expired');
  } else if (token !== undefined) {
    throw simError(service, 'invalidToken', 'The security token included in the request is invalid.');
  }
  const declared = req.headers['x-amz-content-sha256'];
  const actual = sha256Hex(req.body);
  if (
    typeof declared === 'string' &&
    declared !== 'UNSIGNED-PAYLOAD' &&
    !declared.startsWith('STREAMING-') &&
    declared !== actual
  ) {
    throw simError(
      service,
      'bodyMismatch',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  }
  const secret = user ? user.secretAccessKey : (session?.secretAccessKey ?? '');
  const expected = expectedSignature(
    {
      method: req.method,
      rawPath: req.rawPath,
      rawQuery: req.rawQuery,
      headers: req.headers,
      payloadHash: typeof declared === 'string' ? declared : actual,
    },
    auth,
    secret,
  );
  if (!signaturesEqual(expected, auth.signature)) {
    throw simError(
      service,
      'badSignature',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
  return user ? callerForUser(user) : callerForSession(session!);
}

async function send(res: ServerResponse, out: SimResponse, truncate: boolean): Promise<void> {
  const headers = { ...out.headers };
  if (out.stream) {
    res.writeHead(out.status, headers);
    if (truncate) {
      let sent = 0;
      const limit = Number(headers['content-length'] ?? 0) / 2;
      for await (const chunk of out.stream) {
        const c = chunk as Buffer;
        if (sent + c.length >= limit) {
          res.write(c.subarray(0, Math.max(0, Math.floor(limit - sent))));
          break;
        }
        res.write(c);
        sent += c.length;
      }
      out.stream.destroy();
      res.socket?.destroy();
      return;
    }
    out.stream.pipe(res);
    await new Promise<void>((resolve) => res.on('close', () => resolve()));
    return;
  }
  const body =
    out.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(out.body) ? out.body : Buffer.from(out.body);
  if (headers['content-length'] === undefined) headers['content-length'] = String(body.length);
  res.writeHead(out.status, headers);
  if (truncate && body.length > 0) {
    res.write(body.subarray(0, Math.floor(body.length / 2)));
    res.socket?.destroy();
    return;
  }
  res.end(body);
}

/** The simulator's HTTP server: control routes under `/_sim/`, everything else routed by signing service. */
export function createSimServer(
  state: SimState,
  services: Record<string, ServiceModule>,
  control: ControlHandler,
): Server {
  return createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const url = req.url ?? '/';
      if (url.startsWith('/_sim/')) return control(req, body, res);
      const qi = url.indexOf('?');
      const rawPath = qi < 0 ? url : url.slice(0, qi);
      const rawQuery = qi < 0 ? '' : url.slice(qi + 1);
      const auth = parseAuthorization(req.headers.authorization);
      const service = auth?.service ?? (req.method === 'POST' && !rawPath.slice(1) ? 'sts' : 's3');
      const requestId = newRequestId();
      const partial = {
        method: req.method ?? 'GET',
        rawPath,
        rawQuery,
        query: new URLSearchParams(rawQuery.replace(/\+/g, '%2B')),
        headers: req.headers,
        body,
        service,
        region: auth?.region ?? 'us-east-1',
        form:
          !isJsonRequest(req.headers) && service !== 's3'
            ? parseForm(body.toString('utf8'))
            : new Map<string, string>(),
        json: {} as Record<string, unknown>,
        requestId,
      };
      if (isJsonRequest(req.headers) && body.length > 0) {
        try {
          partial.json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        } catch {
          partial.json = {};
        }
      }
      const simReq: SimRequest = { ...partial, operation: operationOf(service, partial) };
      let truncate = false;
      let out: SimResponse;
      try {
        const module = services[service];
        const caller = authenticate(state, simReq);
        if (!module) throw new SimError('UnknownService', `The simulator does not serve ${service}`, 400);
        const key = `${service}:${simReq.operation}`;
        state.calls.set(key, (state.calls.get(key) ?? 0) + 1);
        const fault = state.faults.take(service, simReq.operation, simReq.region);
        const action = module.actionOf(simReq);
        if (fault) {
          if (fault.kind === 'throttle') throw simError(service, 'throttle', 'Rate exceeded');
          if (fault.kind === '500')
            throw simError(service, 'internal', 'We encountered an internal error. Please try again.');
          if (fault.kind === '503')
            throw simError(service, 'unavailable', 'Service is unavailable. Please try again.');
          if (fault.kind === 'deny')
            throw deniedError(
              service,
              caller,
              action ?? `${service}:${simReq.operation}`,
              undefined,
              fault.region ? 'scp' : 'identity',
            );
          if (fault.kind === 'expired')
            throw simError(service, 'expiredToken', 'The security token included in the request is expired');
          if (fault.kind === 'slow') await sleep(fault.delayMs ?? 2000);
          if (fault.kind === 'truncate') truncate = true;
        }
        if (action && !isAllowed(caller.principal, action)) throw deniedError(service, caller, action);
        const ctx: HandlerContext = { state, req: simReq, caller };
        out = await module.handle(ctx);
      } catch (err) {
        const e =
          err instanceof SimError
            ? err
            : simError(service, 'internal', `Simulator error: ${(err as Error).message}`);
        if (!(err instanceof SimError)) console.error('[sim]', err);
        out = errorResponse(service, e, requestId, simReq.method === 'HEAD');
      }
      await send(res, out, truncate);
    })().catch((err: unknown) => {
      console.error('[sim] request failed', err);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
}
