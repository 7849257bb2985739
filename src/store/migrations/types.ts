/** One step of the schema. Statements run in order inside one transaction. */
export interface Migration {
  id: number;
  name: string;
  /** Run on both engines. */
  statements: readonly string[];
  /**
   * Run on PostgreSQL only, after `statements`: for what only that engine needs (DuckDB keeps min/max
   * zone maps of every column by itself, so it needs no block-range index).
   */
  postgres?: readonly string[];
}
