/** SQL text helpers shared by every billing source (both engines, and the scratch DuckDB). */

/** Double-quoted SQL identifier (both engines). */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Single-quoted SQL string literal. */
export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
