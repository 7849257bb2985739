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
  /**
   * The clause after `LIMIT n` in a subquery that picks a row to claim: `FOR UPDATE SKIP LOCKED` where several
   * processes claim at once (PostgreSQL), empty where one process serializes its own claims (DuckDB).
   */
  readonly claimLock: string;
}

/** What differs between engines beyond SQL text, as facts domain code may act on (never the engine's name). */
export interface StoreTraits {
  /**
   * This process alone opens the database (the embedded file is locked to one process): work found running
   * at start was left by a process that died, and a command may work a queue itself instead of a server.
   */
  readonly soleProcess: boolean;
  /**
   * The store's own engine reads and writes files (read_csv, read_parquet, COPY … TO): bulk loads run in it
   * directly. Otherwise a scratch engine prepares files that are streamed in with copyCsvInto.
   */
  readonly filesInEngine: boolean;
}

/** What the health check and the start-up log show of the store. */
export interface StoreDescription {
  engine: Engine;
}

/** One query exported to a file: the whole range at once, or the same rows as consecutive parts. */
export interface QueryExport {
  file: string;
  format: 'csv' | 'parquet';
  /** Output columns in order, with the DuckDB type each has in Parquet. */
  columns: readonly { name: string; type: string }[];
  /** The rows of the whole export, in order. */
  whole: { sql: string; params: readonly SqlParam[] };
  /** The same rows as consecutive smaller queries, for engines that stream the result through this process. */
  parts: () => Iterable<{ sql: string; params: readonly SqlParam[] }>;
}

export interface Store extends Queryable {
  /** The engine's name, for src/store and tests; domain code uses `traits`, `dialect` and the methods below. */
  readonly engine: Engine;
  readonly dialect: Dialect;
  readonly traits: StoreTraits;
  describe(): StoreDescription;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Bulk-loads a CSV file (header row, RFC 4180 quoting, empty = NULL) into `table` with the given columns,
   * inside the transaction `tx`. DuckDB reads it with read_csv; PostgreSQL streams it with COPY.
   */
  copyCsvInto(tx: Queryable, table: string, columns: readonly string[], csvPath: string): Promise<number>;
  /**
   * Runs `fn` while no other process sharing the database runs `exclusive` with the same `space` and `key`
   * (PostgreSQL: a transaction-scoped advisory lock, released by the server if this process dies, with at most
   * MAX_LOCK_HOLDERS holders at once so that lock holders alone never exhaust the pool). With one process
   * (DuckDB) it runs `fn` at once: callers serialize within the process themselves.
   */
  exclusive<T>(space: number, key: string, fn: () => Promise<T>): Promise<T>;
  /** Writes the rows of `q` to `q.file` as CSV (with a header row) or Parquet (zstd). */
  exportQuery(q: QueryExport): Promise<void>;
  close(): Promise<void>;
}
