/**
 * A dimension's rules as one SQL CASE over `cost_line_items`: the first rule whose conditions all hold gives the
 * value (first match wins), else the default. Share rules give a marker (`__share:N`) that the materialization
 * splits afterwards. Every value the rules name is bound as a parameter, never written into the SQL.
 */
import type { Dialect, SqlParam } from '../store/store.js';
import { SHARE_MARKER, type Condition, type Definition } from './allocation-schemas.js';

type Bind = (v: SqlParam) => string;

const COLUMNS: Record<Exclude<Condition['field'], 'tag' | 'costCategory'>, string> = {
  account: 'sub_account_id',
  service: 'service_name',
  region: 'region_id',
  usageType: 'x_usage_type',
  chargeCategory: 'charge_category',
  resource: 'resource_id',
};

/** `*` any text, `?` one character; everything else literal (LIKE's own wildcards escaped with `\`). */
export function globToLike(pattern: string): string {
  return pattern
    .replace(/[\\%_]/g, (c) => `\\${c}`)
    .replace(/\*/g, '%')
    .replace(/\?/g, '_');
}

/** A tag's value read through its key aliases and mapped through the value aliases; NULL when absent or empty. */
export function tagValueSql(def: Definition, key: string, dialect: Dialect, bind: Bind): string {
  const keys = [key, ...(def.tagAliases[key] ?? [])];
  const reads = keys.map((k) => `NULLIF(${dialect.jsonText("NULLIF(tags, '')", k, bind)}, '')`);
  const raw = reads.length === 1 ? reads[0] : `COALESCE(${reads.join(', ')})`;
  const mapped = Object.entries(def.valueAliases).filter(([, spellings]) => spellings.length > 0);
  if (mapped.length === 0) return raw;
  const whens = mapped
    .map(
      ([canonical, spellings]) =>
        `WHEN lower(${raw}) IN (${spellings.map((s) => bind(s.toLowerCase())).join(', ')}) THEN ${bind(canonical)}`,
    )
    .join(' ');
  return `(CASE ${whens} ELSE ${raw} END)`;
}

function conditionSql(def: Definition, c: Condition, dialect: Dialect, bind: Bind): string {
  const col =
    c.field === 'tag'
      ? tagValueSql(def, c.key ?? '', dialect, bind)
      : c.field === 'costCategory'
        ? `NULLIF(${dialect.jsonText("NULLIF(x_cost_categories, '')", c.key ?? '', bind)}, '')`
        : COLUMNS[c.field];
  const values = c.values ?? [];
  switch (c.operator) {
    case 'in':
      return `${col} IN (${values.map(bind).join(', ')})`;
    case 'notIn':
      return `(${col} IS NULL OR ${col} NOT IN (${values.map(bind).join(', ')}))`;
    case 'matches':
      return `(${values.map((v) => `${col} LIKE ${bind(globToLike(v))} ESCAPE '\\'`).join(' OR ')})`;
    case 'missing':
      return `(${col} IS NULL OR ${col} = '')`;
    case 'present':
      return `(${col} IS NOT NULL AND ${col} <> '')`;
  }
}

/** The value of each line item under the dimension's rules. */
export function assignmentSql(def: Definition, dialect: Dialect, bind: Bind): string {
  const whens = def.rules.map((rule, i) => {
    const conditions = rule.conditions.map((c) => conditionSql(def, c, dialect, bind));
    let then: string;
    if (rule.share) then = bind(`${SHARE_MARKER}${i}`);
    else if (rule.valueFromTag !== undefined) {
      const tag = tagValueSql(def, rule.valueFromTag, dialect, bind);
      conditions.push(`${tag} IS NOT NULL`);
      then = tag;
    } else then = bind(rule.value ?? def.defaultValue);
    return `WHEN ${conditions.length ? conditions.join(' AND ') : 'TRUE'} THEN ${then}`;
  });
  const fallback = bind(def.defaultValue);
  return whens.length ? `(CASE ${whens.join(' ')} ELSE ${fallback} END)` : fallback;
}
