/**
 * Column naming across the three export flavours. Every reader renames source columns to the CUR 2.0
 * snake_case names (the "canonical" names the FOCUS mapping is written against), and tag columns to a
 * canonical tag key, so that one mapping serves every source.
 */

/** Prefix given to the canonical name of a tag that arrives as its own column (legacy CUR). */
export const TAG_COLUMN_PREFIX = '__tag__';

/**
 * Prefix given to the canonical name of a cost category that arrives as its own column (legacy CUR
 * `costCategory/CostCenter` → `__costcat__CostCenter`): the category's name is kept as AWS spells it, as CUR 2.0's
 * `cost_category` map keys do, so that both flavours store the same name.
 */
export const COST_CATEGORY_COLUMN_PREFIX = '__costcat__';

/**
 * `lineItem/UnblendedCost` → `line_item_unblended_cost`, `reservation/ReservationARN` →
 * `reservation_reservation_a_r_n`: the conversion AWS's Athena integration applies, so that legacy CSV,
 * legacy Parquet and CUR 2.0 meet on the same names.
 */
export function snakeName(part: string): string {
  let out = '';
  for (let i = 0; i < part.length; i++) {
    const ch = part[i];
    const lower = ch.toLowerCase();
    if (ch !== lower && i > 0) out += '_';
    out += /[a-z0-9_]/.test(lower) ? lower : '_';
  }
  return out;
}

/**
 * Canonical tag key: `user:<name>` / `aws:<name>` with the name lower-cased and every character other than
 * a letter or digit turned into `_` — the spelling CUR 2.0 gives tag keys in its `resource_tags` map
 * (`user_cost_center`). Legacy CSV headers (`resourceTags/user:Cost-Center`), CUR 2.0 map keys and Athena
 * column names (`resource_tags_user_cost_center`) thereby all meet on `user:cost_center`.
 */
export function canonicalTagKey(key: string): string {
  const m = /^(user|aws)[:_]([\s\S]*)$/.exec(key);
  if (!m) return key;
  return `${m[1]}:${m[2].toLowerCase().replace(/[^a-z0-9]/g, '_')}`;
}

/** The same rule as {@link canonicalTagKey}, as SQL over the text expression `k` (for map keys). */
export function canonicalTagKeySql(k: string): string {
  const name = (skip: number) => `lower(regexp_replace(${k}[${skip + 1}:], '[^A-Za-z0-9]', '_', 'g'))`;
  return (
    `CASE WHEN starts_with(${k}, 'user_') OR starts_with(${k}, 'user:') THEN 'user:' || ${name(5)} ` +
    `WHEN starts_with(${k}, 'aws_') OR starts_with(${k}, 'aws:') THEN 'aws:' || ${name(4)} ELSE ${k} END`
  );
}

/**
 * The canonical name of a source column header. Legacy CSV headers are `category/Name`; tag headers
 * (`resourceTags/user:team`) become `__tag__user:team`. Snake_case headers (CUR 2.0, legacy Parquet)
 * stay as they are, except legacy Parquet tag columns (`resource_tags_user_team`).
 */
export function canonicalColumnName(header: string, costCategoryNames: readonly string[] = []): string {
  const slash = header.indexOf('/');
  if (slash > 0) {
    const category = header.slice(0, slash);
    const name = header.slice(slash + 1);
    if (category === 'resourceTags') return TAG_COLUMN_PREFIX + canonicalTagKey(name);
    if (category === 'costCategory') return COST_CATEGORY_COLUMN_PREFIX + name;
    return `${snakeName(category)}_${snakeName(name)}`;
  }
  if (header.startsWith('resource_tags_')) {
    return TAG_COLUMN_PREFIX + canonicalTagKey(header.slice('resource_tags_'.length));
  }
  // Legacy Parquet (Athena) writes `cost_category_<snake name>`: the original spelling is lost there, and comes
  // back from the manifest's column list when there is one (`{category: 'costCategory', name: 'CostCenter'}`).
  if (header.startsWith('cost_category_')) {
    const snake = header.slice('cost_category_'.length);
    const named = costCategoryNames.find((n) => snakeName(n) === snake);
    return COST_CATEGORY_COLUMN_PREFIX + (named ?? snake);
  }
  return header;
}

export { ident, literal } from '../../../billing/sql-text.js';

/**
 * FOCUS column names (FOCUS writes them in PascalCase; compared without case or underscores) that no CUR has.
 * Two of them in a header mark a FOCUS export, the usual mix-up: AWS Data Exports writes FOCUS and CUR 2.0 to the
 * same folder layout, so the manifest alone cannot tell them apart.
 */
const FOCUS_MARKERS = [
  'billedcost',
  'effectivecost',
  'chargeperiodstart',
  'billingaccountid',
  'chargecategory',
];

export type HeaderKind =
  { kind: 'cur' } | { kind: 'focus'; seen: string[] } | { kind: 'other'; missing: string[] };

/** What a data file's header is: a CUR (it has every `required` canonical column), a FOCUS export, or neither. */
export function classifyHeader(headers: readonly string[], required: readonly string[]): HeaderKind {
  const names = new Set(headers.map((h) => canonicalColumnName(h.trim())));
  const missing = required.filter((c) => !names.has(c));
  if (missing.length === 0) return { kind: 'cur' };
  const seen = headers.filter((h) => FOCUS_MARKERS.includes(h.trim().toLowerCase().replace(/_/g, '')));
  return seen.length >= 2 ? { kind: 'focus', seen: seen.map((h) => h.trim()) } : { kind: 'other', missing };
}
