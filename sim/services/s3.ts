import {
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  statSync,
  writeFileSync,
  readFileSync,
  renameSync,
} from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { SimError, deniedError } from '../server/errors.js';
import { canAccessBucket } from '../server/auth.js';
import {
  decodeToken,
  encodeToken,
  toXml,
  xmlResponse,
  type SimResponse,
  type XmlNode,
} from '../server/protocol.js';
import type { HandlerContext, ServiceModule, SimRequest } from '../server/types.js';

const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** Splits a path-style (or `bucket.localhost` virtual-host) request into bucket and key. */
export function bucketAndKey(rawPath: string, host?: string): { bucket: string; key: string } {
  const segs = rawPath
    .split('/')
    .slice(1)
    .map((s) => decodeURIComponent(s));
  const vhost = /^([a-z0-9][a-z0-9.-]+)\.(localhost|127\.0\.0\.1)(:\d+)?$/.exec(host ?? '');
  if (vhost) return { bucket: vhost[1], key: segs.join('/') };
  return { bucket: segs[0] ?? '', key: segs.slice(1).join('/') };
}

export function s3OperationOf(
  method: string,
  rawPath: string,
  query: URLSearchParams,
  host?: string,
): string {
  const { bucket, key } = bucketAndKey(rawPath, host);
  if (!bucket) return 'ListBuckets';
  if (!key) {
    if (query.has('location')) return 'GetBucketLocation';
    if (method === 'HEAD') return 'HeadBucket';
    return query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
  }
  if (method === 'HEAD') return 'HeadObject';
  if (method === 'PUT') return 'PutObject';
  return 'GetObject';
}

const ACTIONS: Record<string, string> = {
  ListBuckets: 's3:ListAllMyBuckets',
  GetBucketLocation: 's3:GetBucketLocation',
  HeadBucket: 's3:ListBucket',
  ListObjectsV2: 's3:ListBucket',
  ListObjects: 's3:ListBucket',
  HeadObject: 's3:GetObject',
  GetObject: 's3:GetObject',
  PutObject: 's3:PutObject',
};

function objectPath(bucketsDir: string, bucket: string, key: string): string {
  const p = path.join(bucketsDir, bucket, ...key.split('/'));
  if (!p.startsWith(path.join(bucketsDir, bucket) + path.sep))
    throw new SimError('InvalidArgument', 'Invalid key', 400);
  return p;
}

/** Every key in a bucket, in S3's lexicographic order. */
function listKeys(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.sim-')) continue;
      if (e.isDirectory()) walk(path.join(dir, e.name), `${prefix}${e.name}/`);
      else out.push(`${prefix}${e.name}`);
    }
  };
  walk(root, '');
  return out.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

function etagOf(file: string, size: number, mtimeMs: number): string {
  return `"${createHash('md5').update(`${file}|${size}|${mtimeMs}`).digest('hex')}"`;
}

const crcCache = new Map<string, string>();
function crc32Of(file: string, size: number, mtimeMs: number): string | undefined {
  if (size > 256 * 1024 * 1024) return undefined;
  const k = `${file}|${size}|${mtimeMs}`;
  let v = crcCache.get(k);
  if (!v) {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(crc32(readFileSync(file)) >>> 0);
    v = b.toString('base64');
    crcCache.set(k, v);
  }
  return v;
}

function contentTypeOf(key: string): string {
  return key.endsWith('.json')
    ? 'application/json'
    : key.endsWith('.csv')
      ? 'text/csv'
      : 'application/octet-stream';
}

function listObjects(ctx: HandlerContext, bucket: string): SimResponse {
  const q = ctx.req.query;
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const maxKeys = Math.min(1000, Math.max(0, Number(q.get('max-keys') ?? 1000)));
  const startAfter = q.get('start-after') ?? '';
  const urlEncode = q.get('encoding-type') === 'url';
  const enc = (s: string): string => (urlEncode ? encodeURIComponent(s).replace(/%2F/g, '/') : s);
  const token = q.get('continuation-token') ?? undefined;
  const offset = decodeToken(token, `${bucket}|${prefix}|${delimiter}`);
  if (offset === undefined)
    throw new SimError('InvalidArgument', 'The continuation token provided is incorrect', 400);
  const root = path.join(ctx.state.bucketsDir, bucket);
  // Entries are keys and, with a delimiter, common prefixes, in one sorted sequence that pages together.
  const entries: Array<{ key?: string; prefix?: string }> = [];
  const seen = new Set<string>();
  for (const key of listKeys(root)) {
    if (!key.startsWith(prefix) || (startAfter && key <= startAfter)) continue;
    if (delimiter) {
      const i = key.indexOf(delimiter, prefix.length);
      if (i >= 0) {
        const cp = key.slice(0, i + delimiter.length);
        if (!seen.has(cp)) {
          seen.add(cp);
          entries.push({ prefix: cp });
        }
        continue;
      }
    }
    entries.push({ key });
  }
  const page = entries.slice(offset, offset + maxKeys);
  const truncated = offset + maxKeys < entries.length;
  const contents: XmlNode[] = page
    .filter((e) => e.key)
    .map((e) => {
      const file = objectPath(ctx.state.bucketsDir, bucket, e.key!);
      const st = statSync(file);
      return {
        Key: enc(e.key!),
        LastModified: st.mtime,
        ETag: etagOf(file, st.size, st.mtimeMs),
        Size: st.size,
        StorageClass: 'STANDARD',
      };
    });
  const body: XmlNode = {
    Name: bucket,
    Prefix: enc(prefix),
    Delimiter: delimiter ? enc(delimiter) : undefined,
    MaxKeys: maxKeys,
    KeyCount: page.length,
    IsTruncated: truncated,
    EncodingType: urlEncode ? 'url' : undefined,
    ContinuationToken: token,
    NextContinuationToken: truncated
      ? encodeToken(offset + maxKeys, `${bucket}|${prefix}|${delimiter}`)
      : undefined,
    StartAfter: startAfter ? enc(startAfter) : undefined,
    Contents: contents,
    CommonPrefixes: page.filter((e) => e.prefix).map((e) => ({ Prefix: enc(e.prefix!) })),
  };
  return xmlResponse(
    200,
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="${XMLNS}">${toXml(body)}</ListBucketResult>`,
    ctx.req.requestId,
    { 'x-amz-request-id': ctx.req.requestId, 'content-type': 'application/xml' },
  );
}

function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | undefined | 'invalid' {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'invalid';
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'invalid';
  return { start, end };
}

function getObject(ctx: HandlerContext, bucket: string, key: string, head: boolean): SimResponse {
  const file = objectPath(ctx.state.bucketsDir, bucket, key);
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new SimError('NoSuchKey', 'The specified key does not exist.', 404);
  }
  const st = statSync(file);
  const headers: Record<string, string> = {
    'x-amz-request-id': ctx.req.requestId,
    'content-type': contentTypeOf(key),
    'last-modified': st.mtime.toUTCString(),
    etag: etagOf(file, st.size, st.mtimeMs),
    'accept-ranges': 'bytes',
  };
  const range = parseRange(ctx.req.headers.range, st.size);
  if (range === 'invalid') throw new SimError('InvalidRange', 'The requested range is not satisfiable', 416);
  if (!range && ctx.req.headers['x-amz-checksum-mode'] === 'ENABLED') {
    const crc = crc32Of(file, st.size, st.mtimeMs);
    if (crc) {
      headers['x-amz-checksum-crc32'] = crc;
      headers['x-amz-checksum-type'] = 'FULL_OBJECT';
    }
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? st.size - 1;
  headers['content-length'] = String(Math.max(0, end - start + 1));
  if (range) headers['content-range'] = `bytes ${start}-${end}/${st.size}`;
  const status = range ? 206 : 200;
  if (head || st.size === 0) return { status, headers, body: Buffer.alloc(0) };
  return { status, headers, stream: createReadStream(file, { start, end }) };
}

/** Decodes an `aws-chunked` body: `<hex size>[;chunk-signature=…]\r\n<data>\r\n … 0\r\n<trailers>\r\n\r\n`. */
export function decodeAwsChunked(body: Buffer): { data: Buffer; trailers: Map<string, string> } {
  const parts: Buffer[] = [];
  const trailers = new Map<string, string>();
  let pos = 0;
  for (;;) {
    const eol = body.indexOf('\r\n', pos);
    if (eol < 0) throw new SimError('IncompleteBody', 'The aws-chunked body is truncated', 400);
    const size = parseInt(body.subarray(pos, eol).toString('latin1').split(';')[0], 16);
    if (!Number.isFinite(size)) throw new SimError('InvalidRequest', 'Malformed aws-chunked body', 400);
    pos = eol + 2;
    if (size === 0) break;
    parts.push(body.subarray(pos, pos + size));
    pos += size + 2;
  }
  for (const line of body.subarray(pos).toString('latin1').split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) trailers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return { data: Buffer.concat(parts), trailers };
}

function putObject(ctx: HandlerContext, bucket: string, key: string): SimResponse {
  const h = ctx.req.headers;
  const chunked =
    String(h['content-encoding'] ?? '').includes('aws-chunked') ||
    String(h['x-amz-content-sha256'] ?? '').startsWith('STREAMING-');
  let data = ctx.req.body;
  let checksum = typeof h['x-amz-checksum-crc32'] === 'string' ? h['x-amz-checksum-crc32'] : undefined;
  if (chunked) {
    const decoded = decodeAwsChunked(ctx.req.body);
    data = decoded.data;
    checksum = decoded.trailers.get('x-amz-checksum-crc32') ?? checksum;
    const declared = Number(h['x-amz-decoded-content-length'] ?? data.length);
    if (declared !== data.length)
      throw new SimError('IncompleteBody', 'The decoded content length does not match', 400);
  }
  const b = Buffer.alloc(4);
  b.writeUInt32BE(crc32(data) >>> 0);
  const actual = b.toString('base64');
  if (checksum && checksum !== actual) {
    throw new SimError('BadDigest', 'The CRC32 you specified did not match the calculated checksum.', 400);
  }
  const file = objectPath(ctx.state.bucketsDir, bucket, key);
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.sim-upload`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
  const st = statSync(file);
  const headers: Record<string, string> = {
    'x-amz-request-id': ctx.req.requestId,
    etag: etagOf(file, st.size, st.mtimeMs),
  };
  if (checksum) headers['x-amz-checksum-crc32'] = actual;
  return { status: 200, headers, body: Buffer.alloc(0) };
}

function bucketOf(ctx: HandlerContext, req: SimRequest): { bucket: string; key: string } {
  return bucketAndKey(req.rawPath, typeof req.headers.host === 'string' ? req.headers.host : undefined);
}

export const s3: ServiceModule = {
  actionOf(req) {
    return ACTIONS[req.operation] ?? `s3:${req.operation}`;
  },
  handle(ctx) {
    const { req, state, caller } = ctx;
    const { bucket, key } = bucketOf(ctx, req);
    if (req.operation === 'ListBuckets') {
      const mine = state.scenario.buckets.filter((b) => b.accountId === caller.accountId);
      const body = toXml({
        Owner: { ID: caller.accountId },
        Buckets: {
          Bucket: mine.map((b) => ({
            Name: b.name,
            CreationDate: new Date(state.world.clock.historyStart * 1000),
          })),
        },
      });
      return xmlResponse(
        200,
        `<?xml version="1.0" encoding="UTF-8"?>\n<ListAllMyBucketsResult xmlns="${XMLNS}">${body}</ListAllMyBucketsResult>`,
        req.requestId,
      );
    }
    const def = state.scenario.buckets.find((b) => b.name === bucket);
    if (!def) throw new SimError('NoSuchBucket', 'The specified bucket does not exist', 404);
    const resource = key ? `arn:aws:s3:::${bucket}/${key}` : `arn:aws:s3:::${bucket}`;
    if (!canAccessBucket(caller.principal, bucket))
      throw deniedError('s3', caller, ACTIONS[req.operation] ?? 's3:*', resource);
    switch (req.operation) {
      case 'GetBucketLocation':
        return xmlResponse(
          200,
          `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${XMLNS}">${def.region === 'us-east-1' ? '' : def.region}</LocationConstraint>`,
          req.requestId,
        );
      case 'HeadBucket':
        return { status: 200, headers: { 'x-amz-bucket-region': def.region }, body: Buffer.alloc(0) };
      case 'ListObjectsV2':
      case 'ListObjects':
        return listObjects(ctx, bucket);
      case 'GetObject':
        return getObject(ctx, bucket, key, false);
      case 'HeadObject':
        return getObject(ctx, bucket, key, true);
      case 'PutObject':
        return putObject(ctx, bucket, key);
      default:
        throw new SimError('NotImplemented', `${req.operation} is not implemented by the simulator`, 501);
    }
  },
};
