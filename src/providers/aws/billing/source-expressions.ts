/**
 * Typed SQL expressions over a CUR relation `src` with canonical column names (column-names.ts), whatever subset of
 * columns it has and whatever DuckDB types they arrived with: a missing optional column is NULL, text is cast,
 * maps are read from Parquet MAPs or CSV JSON alike.
 */
import {
  COST_CATEGORY_COLUMN_PREFIX,
  TAG_COLUMN_PREFIX,
  canonicalTagKeySql,
  ident,
  literal,
} from './column-names.js';

/** Canonical column name → DuckDB type name as DESCRIBE reports it (`VARCHAR`, `DOUBLE`, `MAP(...)`, …). */
export type SourceColumns = ReadonlyMap<string, string>;

/** A SQL list of text literals. */
export const inList = (values: readonly string[]) => values.map(literal).join(', ');

const isText = (type: string) => type === 'VARCHAR' || type.startsWith('JSON');
const isMap = (type: string) => type.startsWith('MAP(');

/** Typed SQL expressions over the source relation `src`, whatever subset of columns and types it has. */
export class Exprs {
  constructor(private readonly cols: SourceColumns) {}

  has(name: string): boolean {
    return this.cols.has(name);
  }

  private ref(name: string): string {
    return `src.${ident(name)}`;
  }

  /** Text value; empty text counts as missing, as in CUR CSV files. */
  text(name: string): string {
    const type = this.cols.get(name);
    if (type === undefined) return 'CAST(NULL AS VARCHAR)';
    if (isText(type)) return `NULLIF(${this.ref(name)}, '')`;
    return `CAST(${this.ref(name)} AS VARCHAR)`;
  }

  /** Numeric value as DOUBLE: Parquet gives doubles, CSV gives text (empty = missing); wrong text fails the load. */
  num(name: string): string {
    const type = this.cols.get(name);
    if (type === undefined) return 'CAST(NULL AS DOUBLE)';
    if (isText(type)) return `CAST(NULLIF(trim(${this.ref(name)}), '') AS DOUBLE)`;
    return `CAST(${this.ref(name)} AS DOUBLE)`;
  }

  /** A UTC instant as a naive TIMESTAMP. CUR writes UTC with or without `T`/`Z`; an explicit offset is honoured. */
  ts(name: string): string {
    const type = this.cols.get(name);
    if (type === undefined) return 'CAST(NULL AS TIMESTAMP)';
    const r = this.ref(name);
    if (type === 'TIMESTAMP WITH TIME ZONE') return `timezone('UTC', ${r})`;
    if (type.startsWith('TIMESTAMP') || type === 'DATE') return `CAST(${r} AS TIMESTAMP)`;
    const t = `NULLIF(trim(CAST(${r} AS VARCHAR)), '')`;
    return (
      `CASE WHEN length(${t}) > 19 AND NOT ends_with(${t}, 'Z') AND regexp_matches(${t}, '[+-][0-9]{2}:?[0-9]{2}$') ` +
      `THEN timezone('UTC', CAST(${t} AS TIMESTAMPTZ)) ELSE CAST(${t} AS TIMESTAMP) END`
    );
  }

  /** Text value of `key` in a map column (a MAP in Parquet, JSON text in CSV). */
  mapText(name: string, key: string): string {
    const type = this.cols.get(name);
    if (type === undefined) return 'CAST(NULL AS VARCHAR)';
    if (isMap(type))
      return `NULLIF(CAST(map_extract_value(${this.ref(name)}, ${literal(key)}) AS VARCHAR), '')`;
    return `NULLIF(json_extract_string(NULLIF(${this.ref(name)}, ''), ${literal(`$."${key}"`)}), '')`;
  }

  /** A map column as a list of `{key, value}` text entries (empty list when absent). */
  mapEntries(name: string): string {
    const type = this.cols.get(name);
    const empty = 'CAST([] AS STRUCT("key" VARCHAR, "value" VARCHAR)[])';
    if (type === undefined) return empty;
    const asMap = isMap(type)
      ? `CAST(${this.ref(name)} AS MAP(VARCHAR, VARCHAR))`
      : `CAST(json(NULLIF(trim(${this.ref(name)}), '')) AS MAP(VARCHAR, VARCHAR))`;
    return `coalesce(map_entries(${asMap}), ${empty})`;
  }

  /** Sum of the numeric values of a map column (the CUR 2.0 `discount` map). */
  mapSum(name: string, key?: string): string {
    const type = this.cols.get(name);
    if (type === undefined) return 'CAST(NULL AS DOUBLE)';
    const asMap = isMap(type)
      ? `CAST(${this.ref(name)} AS MAP(VARCHAR, DOUBLE))`
      : `CAST(json(NULLIF(trim(${this.ref(name)}), '')) AS MAP(VARCHAR, DOUBLE))`;
    if (key) return `map_extract_value(${asMap}, ${literal(key)})`;
    return `list_sum(map_values(${asMap}))`;
  }
}

/** The tags as a sorted list of `{key, value}` with canonical keys and no empty values (inner projection). */
export function tagListExpr(e: Exprs, cols: SourceColumns): string | undefined {
  const parts: string[] = [];
  if (e.has('resource_tags')) {
    parts.push(
      `list_transform(${e.mapEntries('resource_tags')}, x -> {'key': ${canonicalTagKeySql('x.key')}, 'value': x.value})`,
    );
  }
  const tagColumns = [...cols.keys()].filter((c) => c.startsWith(TAG_COLUMN_PREFIX)).sort();
  if (tagColumns.length > 0) {
    const structs = tagColumns.map(
      (c) => `{'key': ${literal(c.slice(TAG_COLUMN_PREFIX.length))}, 'value': ${e.text(c)}}`,
    );
    parts.push(`[${structs.join(', ')}]`);
  }
  if (parts.length === 0) return undefined;
  const all = parts.length === 1 ? parts[0] : `list_concat(${parts.join(', ')})`;
  return `list_sort(list_filter(${all}, x -> x.value IS NOT NULL AND x.value <> ''))`;
}

/**
 * The cost categories as a sorted list of `{key, value}` (inner projection): CUR 2.0's `cost_category` map, or
 * legacy CUR's one column per category; a line outside a category (empty value) has no entry for it.
 */
export function costCategoryListExpr(e: Exprs, cols: SourceColumns): string | undefined {
  const parts: string[] = [];
  if (e.has('cost_category')) parts.push(e.mapEntries('cost_category'));
  const columns = [...cols.keys()].filter((c) => c.startsWith(COST_CATEGORY_COLUMN_PREFIX)).sort();
  if (columns.length > 0) {
    const structs = columns.map(
      (c) => `{'key': ${literal(c.slice(COST_CATEGORY_COLUMN_PREFIX.length))}, 'value': ${e.text(c)}}`,
    );
    parts.push(`[${structs.join(', ')}]`);
  }
  if (parts.length === 0) return undefined;
  const all = parts.length === 1 ? parts[0] : `list_concat(${parts.join(', ')})`;
  return `list_sort(list_filter(${all}, x -> x.value IS NOT NULL AND x.value <> ''))`;
}

/** JSON object text of a `{key, value}` list (outer projection); NULL when the list is empty. */
export const listJson = (list: string) =>
  `CASE WHEN len(${list}) = 0 THEN NULL ELSE ` +
  `'{' || array_to_string(list_transform(${list}, x -> to_json(x.key) || ':' || to_json(x.value)), ',') || '}' END`;

/** JSON text of the tag list (outer projection); NULL when a line has no tags. */
export const TAGS_JSON = listJson('tag_list');
