import type { Caller } from './auth.js';
import { escapeXml, jsonResponse, xmlResponse, type SimResponse } from './protocol.js';

export type Family = 'query' | 'ec2' | 'monitoring' | 'json' | 's3';
export type ErrorKind =
  | 'unknownKey'
  | 'badSignature'
  | 'expiredToken'
  | 'invalidToken'
  | 'denied'
  | 'throttle'
  | 'internal'
  | 'unavailable'
  | 'skew'
  | 'bodyMismatch'
  | 'missingAuth';

/** An AWS error with the code and HTTP status the service would send. */
export class SimError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly type: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
  }
}

type Entry = [code: string, status: number];
const QUERY: Record<ErrorKind, Entry> = {
  unknownKey: ['InvalidClientTokenId', 403],
  badSignature: ['SignatureDoesNotMatch', 403],
  expiredToken: ['ExpiredToken', 403],
  invalidToken: ['InvalidClientTokenId', 403],
  denied: ['AccessDenied', 403],
  throttle: ['Throttling', 400],
  internal: ['InternalFailure', 500],
  unavailable: ['ServiceUnavailable', 503],
  skew: ['SignatureDoesNotMatch', 403],
  bodyMismatch: ['SignatureDoesNotMatch', 403],
  missingAuth: ['MissingAuthenticationToken', 403],
};
const TABLE: Record<Family, Record<ErrorKind, Entry>> = {
  query: QUERY,
  monitoring: { ...QUERY, internal: ['InternalServiceFault', 500] },
  ec2: {
    unknownKey: ['AuthFailure', 401],
    badSignature: ['AuthFailure', 401],
    expiredToken: ['RequestExpired', 400],
    invalidToken: ['AuthFailure', 401],
    denied: ['UnauthorizedOperation', 403],
    throttle: ['RequestLimitExceeded', 503],
    internal: ['InternalError', 500],
    unavailable: ['Unavailable', 503],
    skew: ['RequestExpired', 400],
    bodyMismatch: ['AuthFailure', 401],
    missingAuth: ['MissingParameter', 400],
  },
  json: {
    unknownKey: ['UnrecognizedClientException', 403],
    badSignature: ['InvalidSignatureException', 403],
    expiredToken: ['ExpiredTokenException', 403],
    invalidToken: ['UnrecognizedClientException', 403],
    denied: ['AccessDeniedException', 400],
    throttle: ['ThrottlingException', 400],
    internal: ['InternalFailure', 500],
    unavailable: ['ServiceUnavailable', 503],
    skew: ['InvalidSignatureException', 403],
    bodyMismatch: ['InvalidSignatureException', 403],
    missingAuth: ['MissingAuthenticationTokenException', 403],
  },
  s3: {
    unknownKey: ['InvalidAccessKeyId', 403],
    badSignature: ['SignatureDoesNotMatch', 403],
    expiredToken: ['ExpiredToken', 400],
    invalidToken: ['InvalidToken', 400],
    denied: ['AccessDenied', 403],
    throttle: ['SlowDown', 503],
    internal: ['InternalError', 500],
    unavailable: ['ServiceUnavailable', 503],
    skew: ['RequestTimeTooSkewed', 403],
    bodyMismatch: ['XAmzContentSHA256Mismatch', 400],
    missingAuth: ['AccessDenied', 403],
  },
};

/** Service-specific throttling codes of the JSON services. */
const JSON_THROTTLE: Record<string, string> = {
  ce: 'LimitExceededException',
  organizations: 'TooManyRequestsException',
};

export function familyOf(service: string): Family {
  if (service === 'ec2') return 'ec2';
  if (service === 's3') return 's3';
  if (service === 'monitoring') return 'monitoring';
  if (service === 'ce' || service === 'organizations' || service === 'savingsplans') return 'json';
  return 'query';
}

export function simError(service: string, kind: ErrorKind, message: string): SimError {
  const [code, status] = TABLE[familyOf(service)][kind];
  return new SimError(
    kind === 'throttle' && JSON_THROTTLE[service] ? JSON_THROTTLE[service] : code,
    message,
    status,
  );
}

const XMLNS: Record<string, string> = {
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  elasticloadbalancing: 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/',
};

/** Renders an error in the wire format of the service's protocol. */
export function errorResponse(
  service: string,
  err: SimError,
  requestId: string,
  isHead: boolean,
): SimResponse {
  const family = familyOf(service);
  const msg = escapeXml(err.message);
  if (family === 'json' || family === 'monitoring') {
    const res = jsonResponse(
      err.status,
      { __type: err.code, message: err.message },
      requestId,
      family === 'json' ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0',
    );
    if (family === 'monitoring') res.headers['x-amzn-query-error'] = `${err.code};${err.type}`;
    return res;
  }
  if (family === 'ec2') {
    return xmlResponse(
      err.status,
      `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${err.code}</Code><Message>${msg}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
      requestId,
    );
  }
  if (family === 's3') {
    const res = xmlResponse(
      err.status,
      isHead
        ? ''
        : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${err.code}</Code><Message>${msg}</Message><RequestId>${requestId}</RequestId><HostId>${requestId}</HostId></Error>`,
      requestId,
      { 'x-amz-request-id': requestId, 'content-type': 'application/xml' },
    );
    return res;
  }
  const ns = XMLNS[service] ?? 'http://elasticloadbalancing.amazonaws.com/doc/2012-06-01/';
  return xmlResponse(
    err.status,
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${ns}"><Error><Type>${err.type}</Type><Code>${err.code}</Code><Message>${msg}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    requestId,
  );
}

/**
 * Access denied as the service words it. `scp` is the wording of an explicit deny in a service control policy
 * (e.g. one that blocks a region); otherwise the caller's policies simply do not allow the action.
 */
export function deniedError(
  service: string,
  caller: Caller,
  action: string,
  resource?: string,
  cause: 'identity' | 'scp' = 'identity',
): SimError {
  const why =
    cause === 'scp'
      ? 'with an explicit deny in a service control policy'
      : `because no identity-based policy allows the ${action} action`;
  const base = `User: ${caller.arn} is not authorized to perform: ${action}${resource ? ` on resource: ${resource}` : ''} ${why}`;
  if (familyOf(service) === 'ec2')
    return simError(service, 'denied', `You are not authorized to perform this operation. ${base}`);
  return simError(service, 'denied', base);
}
