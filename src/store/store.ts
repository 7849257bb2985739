/** The database port: one SQL dialect (the PostgreSQL-compatible subset DuckDB also runs). */

export type SqlParam = string | number | boolean | null | Date | bigint;
export type Row = Record<string, unknown>;

export interface Queryable {
  /** Runs a statement and returns its rows as plain JS values (numbers, strings, Date, booleans). */
  query<T extends Row = Row>(sql: string, params?: readonly SqlParam[]): Promise<T[]>;
  /** Runs a statement and returns the number of rows it changed (0 for DDL). */
  execute(sql: string, params?: readonly SqlParam[]): Promise<number>;
}

export type Engine = 'duckdb' | 'postgres';

export interface Dialect {
  /**
   * SQL for the text value of the member named `key` of a JSON-text object column (null when absent). The key is
   * data, matched as the exact string whatever it holds (`$`, `*`, quotes, dots, slashes): the dialect passes it
   * to `bind`, which adds a query parameter and returns its placeholder, never into the SQL or a JSON path.
   */
  jsonText(column: string, key: string, bind: (value: SqlParam) => string): string;
  /** SQL that lists the keys of a JSON-text object column as rows of one text column named `key`. */
  jsonKeys(column: string): string;
}

export interface Store extends Queryable {
  readonly engine: Engine;
  readonly dialect: Dialect;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Bulk-loads a CSV file (header row, RFC 4180 quoting, empty = NULL) into `table` with the given columns,
   * inside the transaction `tx`. DuckDB reads it with read_csv; PostgreSQL streams it with COPY.
   */
  copyCsvInto(tx: Queryable, table: string, columns: readonly string[], csvPath: string): Promise<number>;
  close(): Promise<void>;
}
