import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The parts of an `Authorization: AWS4-HMAC-SHA256 …` header. */
export interface ParsedAuth {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

export function parseAuthorization(header: string | undefined): ParsedAuth | undefined {
  if (!header?.startsWith('AWS4-HMAC-SHA256 ')) return undefined;
  const fields = new Map<string, string>();
  for (const part of header.slice('AWS4-HMAC-SHA256 '.length).split(',')) {
    const i = part.indexOf('=');
    if (i > 0) fields.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  const cred = fields.get('Credential')?.split('/');
  const signed = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!cred || cred.length !== 5 || cred[4] !== 'aws4_request' || !signed || !signature) return undefined;
  return {
    accessKeyId: cred[0],
    date: cred[1],
    region: cred[2],
    service: cred[3],
    signedHeaders: signed.split(';'),
    signature,
  };
}

export const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** RFC 3986 encoding as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
function escapeUri(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQuery(rawQuery: string): string {
  if (!rawQuery) return '';
  const pairs: Array<[string, string]> = [];
  for (const part of rawQuery.split('&')) {
    if (!part) continue;
    const i = part.indexOf('=');
    const k = i < 0 ? part : part.slice(0, i);
    const v = i < 0 ? '' : part.slice(i + 1);
    if (k === 'X-Amz-Signature') continue;
    // `+` stays a literal plus: the SDK signs query values with RFC 3986 encoding, not form encoding.
    pairs.push([escapeUri(decodeURIComponent(k)), escapeUri(decodeURIComponent(v))]);
  }
  pairs.sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) : a[0] < b[0] ? -1 : 1));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function canonicalPath(rawPath: string, service: string): string {
  if (service === 's3') return rawPath || '/';
  // Every service but S3 signs the path URI-encoded a second time.
  return (rawPath || '/')
    .split('/')
    .map((seg) => escapeUri(seg))
    .join('/');
}

export interface SignableRequest {
  method: string;
  rawPath: string;
  rawQuery: string;
  headers: Record<string, string | string[] | undefined>;
  payloadHash: string;
}

function headerValue(v: string | string[] | undefined): string {
  const s = Array.isArray(v) ? v.join(',') : (v ?? '');
  return s.trim().replace(/\s+/g, ' ');
}

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const kDate = createHmac('sha256', `AWS4${secret}`).update(date).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update(service).digest();
  return createHmac('sha256', kService).update('aws4_request').digest();
}

/** Recomputes the signature the client should have sent with this secret. */
export function expectedSignature(req: SignableRequest, auth: ParsedAuth, secret: string): string {
  const amzDate = headerValue(req.headers['x-amz-date']);
  const canonicalHeaders = auth.signedHeaders.map((h) => `${h}:${headerValue(req.headers[h])}\n`).join('');
  const canonical = [
    req.method,
    canonicalPath(req.rawPath, auth.service),
    canonicalQuery(req.rawQuery),
    canonicalHeaders,
    auth.signedHeaders.join(';'),
    req.payloadHash,
  ].join('\n');
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  return createHmac('sha256', signingKey(secret, auth.date, auth.region, auth.service))
    .update(toSign)
    .digest('hex');
}

export function signaturesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Parses `20240101T000000Z`. */
export function parseAmzDate(s: string | undefined): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s ?? '');
  if (!m) return undefined;
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
}
