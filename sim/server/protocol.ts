import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';

/** A response before it is written: body as a buffer/string, or a stream (S3 GetObject) with its length. */
export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  body?: string | Buffer;
  stream?: Readable;
}

export interface XmlNode {
  [key: string]: XmlValue;
}
export type XmlValue = string | number | boolean | null | undefined | Date | XmlNode | XmlValue[];

export function escapeXml(s: string): string {
  return s.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c,
  );
}

function render(key: string, v: XmlValue): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.map((x) => render(key, x)).join('');
  if (v instanceof Date) return `<${key}>${v.toISOString()}</${key}>`;
  if (typeof v === 'object') return `<${key}>${toXml(v)}</${key}>`;
  return `<${key}>${escapeXml(String(v))}</${key}>`;
}

/** Object → XML: each key is an element; an array value repeats the element (use `{ member: [...] }` for lists). */
export function toXml(node: XmlNode): string {
  return Object.entries(node)
    .map(([k, v]) => render(k, v))
    .join('');
}

export function xmlDocument(root: string, xmlns: string, body: XmlNode): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${xmlns}">${toXml(body)}</${root}>`;
}

export function newRequestId(): string {
  return randomUUID();
}

/** Parses an `application/x-www-form-urlencoded` body (awsQuery / ec2Query). */
export function parseForm(body: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of body.split('&')) {
    if (!part) continue;
    const i = part.indexOf('=');
    const k = i < 0 ? part : part.slice(0, i);
    const v = i < 0 ? '' : part.slice(i + 1);
    out.set(decodeURIComponent(k.replace(/\+/g, ' ')), decodeURIComponent(v.replace(/\+/g, ' ')));
  }
  return out;
}

/** Reads a flattened query list: `Prefix.1`, `Prefix.2`… (ec2) or `Prefix.member.1`… (awsQuery). */
export function queryList(params: Map<string, string>, prefix: string): string[] {
  const out: string[] = [];
  for (let i = 1; ; i++) {
    const v = params.get(`${prefix}.${i}`) ?? params.get(`${prefix}.member.${i}`);
    if (v === undefined) break;
    out.push(v);
  }
  return out;
}

/** Reads `Filter.N.Name` / `Filter.N.Value.M` style filters. */
export function queryFilters(
  params: Map<string, string>,
  prefix = 'Filter',
): Array<{ name: string; values: string[] }> {
  const out: Array<{ name: string; values: string[] }> = [];
  for (let i = 1; ; i++) {
    const name = params.get(`${prefix}.${i}.Name`);
    if (name === undefined) break;
    out.push({ name, values: queryList(params, `${prefix}.${i}.Value`) });
  }
  return out;
}

export function xmlResponse(
  status: number,
  body: string,
  requestId: string,
  extra: Record<string, string> = {},
): SimResponse {
  return {
    status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId, ...extra },
    body,
  };
}

/** awsQuery success: `<OpResponse><OpResult>…</OpResult><ResponseMetadata/></OpResponse>`. */
export function queryResponse(
  op: string,
  xmlns: string,
  result: XmlNode | undefined,
  requestId: string,
): SimResponse {
  const body: XmlNode = {};
  if (result) body[`${op}Result`] = result;
  body.ResponseMetadata = { RequestId: requestId };
  return xmlResponse(200, xmlDocument(`${op}Response`, xmlns, body), requestId);
}

export function jsonResponse(
  status: number,
  body: unknown,
  requestId: string,
  contentType: string,
): SimResponse {
  return {
    status,
    headers: { 'content-type': contentType, 'x-amzn-requestid': requestId },
    body: JSON.stringify(body),
  };
}

/** Opaque, stateless page tokens: the offset into a deterministic listing. */
export function encodeToken(offset: number, salt: string): string {
  return Buffer.from(JSON.stringify({ o: offset, s: salt })).toString('base64url');
}

export function decodeToken(token: string | undefined, salt: string): number | undefined {
  if (!token) return 0;
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; s?: unknown };
    return typeof v.o === 'number' && v.s === salt ? v.o : undefined;
  } catch {
    return undefined;
  }
}
