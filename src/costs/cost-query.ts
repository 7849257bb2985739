/**
 * The cost query model: what can be grouped and filtered, the cost bases, and the parsing of the text forms
 * that the REST API, the CLI and the MCP tools share (`service`, `tag:team`, `service=Amazon EC2`).
 */
import { checkDateRange } from '../lib/date-rules.js';
import type { IsoDate } from '../lib/dates.js';
import { InputError } from '../lib/errors.js';

export const FIXED_DIMENSIONS = [
  'account',
  'service',
  'region',
  'resource',
  'chargeCategory',
  'usageType',
  'provider',
] as const;
export type FixedDimension = (typeof FIXED_DIMENSIONS)[number];
export type Dimension =
  | { kind: FixedDimension }
  | { kind: 'tag'; key: string }
  /** A dimension of the organization's allocation rules (src/allocation), e.g. allocation:team. */
  | { kind: 'allocation'; name: string }
  /** A cost category of the provider's (AWS cost categories), e.g. costCategory:CostCenter. */
  | { kind: 'costCategory'; name: string };

/** billed = unblended (the invoice), net = after negotiated discounts, amortized = commitments spread over use. */
export const COST_BASES = ['billed', 'net', 'amortized', 'net_amortized'] as const;
export type CostBasis = (typeof COST_BASES)[number];

export const GRANULARITIES = ['day', 'month'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

export interface CostFilter {
  dimension: Dimension;
  /** `null` stands for "no value" (untagged, no region, …). */
  values: (string | null)[];
  exclude: boolean;
}

export interface CostQuery {
  /** First day, included. */
  from: string;
  /** Last day, included. */
  to: string;
  granularity: Granularity;
  groupBy: Dimension[];
  filters: CostFilter[];
  basis: CostBasis;
  /** Answer in this currency only; by default the currency with the largest total. */
  currency?: string;
  /** Groups shown; the rest are folded into one "other" group so that totals still add up. */
  limit: number;
}

export const MAX_GROUP_LIMIT = 1000;

const ALIASES: Record<string, FixedDimension> = {
  account: 'account',
  accounts: 'account',
  sub_account: 'account',
  linked_account: 'account',
  service: 'service',
  services: 'service',
  region: 'region',
  resource: 'resource',
  resources: 'resource',
  resource_id: 'resource',
  chargecategory: 'chargeCategory',
  charge_category: 'chargeCategory',
  'charge-category': 'chargeCategory',
  charge_type: 'chargeCategory',
  provider: 'provider',
  providers: 'provider',
  provider_name: 'provider',
  cloud: 'provider',
  usagetype: 'usageType',
  usage_type: 'usageType',
  'usage-type': 'usageType',
};

export const DIMENSION_HELP =
  'account, service, region, resource, chargeCategory, usageType, provider (the cloud: aws, azure, gcp, …), tag:KEY (for example tag:user:team; write tag:"KEY" as a JSON string when the key holds = or ,), allocation:NAME (a dimension of the allocation rules, e.g. allocation:team), or costCategory:NAME (an AWS cost category, e.g. costCategory:CostCenter)';

/**
 * The key of `tag:KEY`, or of `tag:"KEY"`: a JSON string, for keys that hold `=` or `,` or begin or end with a
 * space. Either way the key is matched as this exact string.
 */
function tagKey(rest: string, field: string): string {
  if (!rest.startsWith('"')) return rest;
  let key: unknown;
  try {
    key = JSON.parse(rest);
  } catch {
    key = undefined;
  }
  if (typeof key !== 'string')
    throw new InputError(field, `${field}: tag:"…" must hold one JSON string, for example tag:"cost=center"`);
  return key;
}

/** `service`, `charge_category`, `tag:user:team`, `tag:"a=b"` → a dimension. */
export function parseDimension(text: string, field: string): Dimension {
  const t = text.trim();
  if (/^tag:/i.test(t)) {
    const key = tagKey(t.slice(4), field);
    if (!key) throw new InputError(field, `${field}: "tag:" needs a tag key, for example tag:user:team`);
    return { kind: 'tag', key };
  }
  if (/^allocation:/i.test(t)) {
    const name = t.slice('allocation:'.length).trim();
    if (!name)
      throw new InputError(
        field,
        `${field}: "allocation:" needs a dimension name, for example allocation:team`,
      );
    return { kind: 'allocation', name };
  }
  const category = /^cost[_-]?category:/i.exec(t);
  if (category) {
    const name = t.slice(category[0].length).trim();
    if (!name)
      throw new InputError(
        field,
        `${field}: "costCategory:" needs a cost category name, for example costCategory:CostCenter`,
      );
    return { kind: 'costCategory', name };
  }
  const kind = ALIASES[t.toLowerCase()];
  if (!kind) throw new InputError(field, `${field}: unknown dimension "${t}"; use ${DIMENSION_HELP}`);
  return { kind };
}

export function dimensionName(d: Dimension): string {
  if (d.kind === 'tag') return `tag:${d.key}`;
  if (d.kind === 'costCategory') return `costCategory:${d.name}`;
  return d.kind === 'allocation' ? `allocation:${d.name}` : d.kind;
}

export function sameDimension(a: Dimension, b: Dimension): boolean {
  return dimensionName(a) === dimensionName(b);
}

/** `service,account` → dimensions (at most two, no repeats). */
export function parseGroupBy(text: string | readonly string[] | undefined, field = 'groupBy'): Dimension[] {
  if (text === undefined) return [];
  const parts = (typeof text === 'string' ? [text] : text)
    .flatMap((t) => splitGroupBy(t))
    .filter((p) => p.length > 0);
  const dims = parts.map((p) => parseDimension(p, field));
  if (dims.length > 2) throw new InputError(field, `${field}: group by at most two dimensions`);
  if (dims.length === 2 && sameDimension(dims[0], dims[1]))
    throw new InputError(field, `${field}: the two dimensions must differ`);
  return dims;
}

/** `service,account,tag:team` → distinct dimensions (any number, at least one), e.g. the movers' `by`. */
export function parseDimensionList(text: string, field: string): Dimension[] {
  const dims: Dimension[] = [];
  for (const part of splitGroupBy(text).filter((x) => x.length > 0)) {
    const d = parseDimension(part, field);
    if (!dims.some((x) => sameDimension(x, d))) dims.push(d);
  }
  if (dims.length === 0)
    throw new InputError(field, `${field}: name at least one dimension: ${DIMENSION_HELP}`);
  if (dims.length > 6) throw new InputError(field, `${field}: at most 6 dimensions`);
  return dims;
}

/** Commas separate dimensions, except inside a tag key: `tag:a,b` is not split after `tag:`. */
function splitGroupBy(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(',')) {
    const last = out.length - 1;
    // Joined as typed: a tag key keeps the spaces around its commas.
    if (last >= 0 && /^\s*tag:/i.test(out[last]) && !isDimensionStart(raw.trim())) out[last] += `,${raw}`;
    else out.push(raw);
  }
  return out.map((p) => p.trim());
}

function isDimensionStart(piece: string): boolean {
  return /^(tag|allocation|cost[_-]?category):/i.test(piece) || piece.toLowerCase() in ALIASES;
}

/** Where DIMENSION=VALUE splits: the first `=`, or the first after a quoted tag key (`tag:"a=b"=x`). */
function filterEquals(text: string): number {
  const quoted = /^\s*tag:"/i.exec(text);
  if (!quoted) return text.indexOf('=');
  for (let i = quoted[0].length; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return text.indexOf('=', i + 1);
  }
  return -1;
}

/**
 * Filters in the text form `DIMENSION=VALUE` (repeat the parameter for more values; an empty value matches
 * rows without one, e.g. `tag:user:team=` for untagged). Values of one dimension are alternatives; filters
 * on different dimensions all apply.
 */
export function parseFilters(
  include: readonly string[],
  exclude: readonly string[],
  field = 'filter',
): CostFilter[] {
  const filters: CostFilter[] = [];
  const add = (text: string, isExclude: boolean, name: string) => {
    const eq = filterEquals(text);
    if (eq <= 0)
      throw new InputError(
        name,
        `${name}: "${text}" must be DIMENSION=VALUE, for example service=Amazon EC2`,
      );
    const dimension = parseDimension(text.slice(0, eq), name);
    const value = text.slice(eq + 1);
    const existing = filters.find((f) => f.exclude === isExclude && sameDimension(f.dimension, dimension));
    const v = value === '' ? null : value;
    if (existing) existing.values.push(v);
    else filters.push({ dimension, values: [v], exclude: isExclude });
  };
  for (const t of include) add(t, false, field);
  for (const t of exclude) add(t, true, 'exclude');
  return filters;
}

export interface CostQueryInput {
  from: string;
  to: string;
  granularity?: Granularity;
  groupBy?: string | readonly string[];
  filter?: readonly string[];
  exclude?: readonly string[];
  basis?: CostBasis;
  currency?: string;
  limit?: number;
}

/** The text form (REST query string, CLI flags, MCP arguments) → a checked query; `today` bounds the dates. */
export function parseCostQuery(input: CostQueryInput, today: IsoDate): CostQuery {
  const granularity = input.granularity ?? 'month';
  if (!(GRANULARITIES as readonly string[]).includes(granularity))
    throw new InputError('granularity', `granularity: must be ${GRANULARITIES.join(' or ')}`);
  const { from, to } = checkDateRange({ from: input.from, to: input.to, granularity }, today);
  const limit = input.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_GROUP_LIMIT)
    throw new InputError('limit', `limit: must be a whole number from 1 to ${MAX_GROUP_LIMIT}`);
  const currency = input.currency?.trim().toUpperCase();
  if (currency !== undefined && !/^[A-Z]{3}$/.test(currency))
    throw new InputError('currency', 'currency: must be a three-letter ISO 4217 code such as USD');
  return {
    from,
    to,
    granularity,
    groupBy: parseGroupBy(input.groupBy),
    filters: parseFilters(input.filter ?? [], input.exclude ?? []),
    basis: input.basis ?? 'billed',
    currency,
    limit,
  };
}
