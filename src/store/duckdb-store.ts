import { DuckDBInstance, DuckDBTypeId, type DuckDBConnection } from '@duckdb/node-api';
import { QueryTimeoutError, UnavailableError } from '../lib/errors.js';
import { currentQueryBudget } from './query-budget.js';
import { exportInEngine } from './query-export.js';
import type {
  Dialect,
  Queryable,
  QueryExport,
  Row,
  SqlParam,
  Store,
  StoreDescription,
  StoreTraits,
} from './store.js';
import { dateText, normalizeParams } from './sql-values.js';

/**
 * The JSON pointer (RFC 6901) of one object member: `~` and `/` are the only characters a pointer escapes, so any
 * key names exactly itself. (A JSONPath such as `$."key"` does not: DuckDB reads `$."*"` as a wildcard.)
 */
export function jsonPointer(key: string): string {
  return `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

const duckDialect: Dialect = {
  // json_extract_string reads the text without first casting (and validating) the whole document as JSON,
  // which is most of the cost of tag queries over millions of line items.
  jsonText: (column, key, bind) => `json_extract_string(${column}, ${bind(jsonPointer(key))})`,
  jsonKeys: (column) => `(SELECT unnest(json_keys(${column}::JSON)) AS key)`,
  // One process holds the file and serializes its own claims.
  claimLock: '',
};

const duckTraits: StoreTraits = { soleProcess: true, filesInEngine: true };

/** A connection with a promise chain so that statements on it never overlap. */
class Lane {
  private tail: Promise<unknown> = Promise.resolve();
  busy = 0;
  constructor(readonly conn: DuckDBConnection) {}

  run<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    this.busy++;
    const next = this.tail.then(() => fn(this.conn));
    this.tail = next.then(
      () => undefined,
      () => undefined,
    );
    return next.finally(() => {
      this.busy--;
    });
  }
}

function toJs(value: unknown, typeId: DuckDBTypeId): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeId === DuckDBTypeId.DATE && value instanceof Date) return dateText(value);
  return value;
}

async function queryOn<T extends Row>(
  conn: DuckDBConnection,
  sql: string,
  params?: readonly SqlParam[],
): Promise<T[]> {
  const reader = await conn.runAndReadAll(sql, normalizeParams(params));
  const types = reader.columnTypes().map((t) => t.typeId);
  const names = reader.columnNames();
  return reader.getRowObjectsJS().map((raw) => {
    const row: Row = {};
    names.forEach((name, i) => {
      row[name] = toJs((raw as Row)[name], types[i]);
    });
    return row as T;
  });
}

async function executeOn(conn: DuckDBConnection, sql: string, params?: readonly SqlParam[]): Promise<number> {
  const result = await conn.run(sql, normalizeParams(params));
  return Number(result.rowsChanged);
}

/**
 * Runs one statement on `conn`, interrupted once it has run for `budgetMs` (the query budget of the scope that
 * issued it); the connection stays usable for the next statement.
 */
async function bounded<T>(
  conn: DuckDBConnection,
  budgetMs: number | undefined,
  run: () => Promise<T>,
): Promise<T> {
  if (budgetMs === undefined) return run();
  let interrupted = false;
  const timer = setTimeout(() => {
    interrupted = true;
    conn.interrupt();
  }, budgetMs);
  try {
    return await run();
  } catch (err) {
    if (interrupted) throw new QueryTimeoutError(budgetMs);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

// A key two open transactions both inserted surfaces as a duplicate-key error even under ON CONFLICT DO NOTHING
// (the other row is not visible yet): a retry sees the committed row and does nothing, as PostgreSQL would.
function isConflict(err: unknown): boolean {
  return (
    err instanceof Error &&
    /Conflict|conflict on tuple|Duplicate key .* violates (primary key|unique) constraint|Failed to commit: PRIMARY KEY or UNIQUE constraint violation/i.test(
      err.message,
    )
  );
}

export interface DuckDbStoreOptions {
  /** Path of the database file, or ':memory:'. */
  path: string;
  /** Connections kept open; transactions take one exclusively. */
  connections?: number;
  threads?: number;
  memoryLimit?: string;
  /** Open without the write lock (other read-only openers may share the file); writes fail. */
  readOnly?: boolean;
}

/** The embedded engine: one DuckDB file, opened by one process. */
export class DuckDbStore implements Store {
  readonly engine = 'duckdb' as const;
  readonly dialect = duckDialect;
  readonly traits = duckTraits;
  private waiting: ((lane: Lane) => void)[] = [];
  private reserved = new Set<Lane>();

  private constructor(
    readonly instance: DuckDBInstance,
    private readonly lanes: Lane[],
  ) {}

  static async open(options: DuckDbStoreOptions): Promise<DuckDbStore> {
    const config: Record<string, string> = {};
    if (options.threads) config.threads = String(options.threads);
    if (options.memoryLimit) config.memory_limit = options.memoryLimit;
    if (options.readOnly) config.access_mode = 'READ_ONLY';
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(options.path, config);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (/lock/i.test(message)) {
        throw new UnavailableError(
          `The database ${options.path} is held by another Cloudtally process (a running server?). ` +
            'Stop it, or run this command through the server API with CLOUDTALLY_URL and CLOUDTALLY_TOKEN.',
        );
      }
      throw err;
    }
    const lanes: Lane[] = [];
    for (let i = 0; i < (options.connections ?? 4); i++) lanes.push(new Lane(await instance.connect()));
    return new DuckDbStore(instance, lanes);
  }

  private pickFree(): Lane | undefined {
    const free = this.lanes.filter((l) => !this.reserved.has(l));
    if (free.length === 0) return undefined;
    return free.reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  private async shared<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const lane = this.pickFree() ?? (await new Promise<Lane>((resolve) => this.waiting.push(resolve)));
    return lane.run(fn);
  }

  private async reserve(): Promise<Lane> {
    const idle = this.lanes.find((l) => !this.reserved.has(l) && l.busy === 0) ?? this.pickFree();
    if (idle && this.reserved.size < this.lanes.length - 1) {
      this.reserved.add(idle);
      return idle;
    }
    return new Promise<Lane>((resolve) =>
      this.waiting.push((lane) => {
        this.reserved.add(lane);
        resolve(lane);
      }),
    );
  }

  private release(lane: Lane): void {
    this.reserved.delete(lane);
    const next = this.waiting.shift();
    if (next) next(lane);
  }

  query<T extends Row = Row>(sql: string, params?: readonly SqlParam[]): Promise<T[]> {
    const budget = currentQueryBudget();
    return this.shared((conn) => bounded(conn, budget, () => queryOn<T>(conn, sql, params)));
  }

  execute(sql: string, params?: readonly SqlParam[]): Promise<number> {
    const budget = currentQueryBudget();
    return this.shared((conn) => bounded(conn, budget, () => executeOn(conn, sql, params)));
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const lane = await this.reserve();
      const budget = currentQueryBudget();
      const tx: Queryable = {
        query: <R extends Row = Row>(sql: string, params?: readonly SqlParam[]) =>
          lane.run((conn) => bounded(conn, budget, () => queryOn<R>(conn, sql, params))),
        execute: (sql, params) =>
          lane.run((conn) => bounded(conn, budget, () => executeOn(conn, sql, params))),
      };
      try {
        await tx.execute('BEGIN TRANSACTION');
        const result = await fn(tx);
        await tx.execute('COMMIT');
        return result;
      } catch (err) {
        await tx.execute('ROLLBACK').catch(() => undefined);
        // DuckDB's optimistic concurrency aborts one of two writers to the same rows: try that one again.
        if (isConflict(err) && attempt < 5) continue;
        throw err;
      } finally {
        this.release(lane);
      }
    }
  }

  async copyCsvInto(
    tx: Queryable,
    table: string,
    columns: readonly string[],
    csvPath: string,
  ): Promise<number> {
    const cols = columns.join(', ');
    return tx.execute(
      `INSERT INTO ${table} (${cols}) SELECT ${cols} FROM read_csv($1, header = true, all_varchar = true, nullstr = '')`,
      [csvPath],
    );
  }

  describe(): StoreDescription {
    return { engine: this.engine };
  }

  /** The file is locked to this process: there is no other process to exclude. */
  exclusive<T>(_space: number, _key: string, fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  exportQuery(q: QueryExport): Promise<void> {
    return exportInEngine(this, q);
  }

  async close(): Promise<void> {
    for (const lane of this.lanes) await lane.run(async (conn) => conn.closeSync());
    this.instance.closeSync();
  }
}
