import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
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
import { DuckDbStore } from './duckdb-store.js';
import { exportByParts } from './query-export.js';
import { QueryTimeoutError } from '../lib/errors.js';
import { currentQueryBudget } from './query-budget.js';
import { normalizeParams } from './sql-values.js';

// Numbers as JS numbers and DATE as text, the same values the DuckDB driver returns.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

const pgDialect: Dialect = {
  // ->> with a text operand looks the member up by name; the cast keeps a key like '0' from being an array index.
  jsonText: (column, key, bind) => `(${column}::json ->> CAST(${bind(key)} AS TEXT))`,
  jsonKeys: (column) => `(SELECT json_object_keys(${column}::json) AS key)`,
  // Workers of several processes claim at once: each skips the rows another is claiming.
  claimLock: 'FOR UPDATE SKIP LOCKED',
};

const pgTraits: StoreTraits = { soleProcess: false, filesInEngine: false };

/**
 * Holders of an advisory lock at once, per store. Each holds one pooled connection for its lock and usually
 * needs another to work; bounding them keeps the pool from being exhausted by lock holders alone.
 */
export const MAX_LOCK_HOLDERS = 3;

type Client = pg.Pool | pg.PoolClient;

/** PostgreSQL's query_canceled, which statement_timeout raises. */
const QUERY_CANCELED = '57014';

/** A statement stopped by the budget becomes the domain error; anything else passes through. */
function budgetError(err: unknown, budgetMs: number | undefined): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  return budgetMs !== undefined && code === QUERY_CANCELED ? new QueryTimeoutError(budgetMs) : err;
}

/** Runs a statement; under a query budget, on a connection whose statement_timeout is the budget for it alone. */
async function run(client: Client, sql: string, params?: readonly SqlParam[]): Promise<pg.QueryResult> {
  const budget = currentQueryBudget();
  if (budget === undefined) return client.query(sql, normalizeParams(params));
  if (!(client instanceof pg.Pool)) {
    // Inside a transaction: SET LOCAL lasts until it ends.
    await client.query(`SET LOCAL statement_timeout = ${Math.ceil(budget)}`);
    try {
      return await client.query(sql, normalizeParams(params));
    } catch (err) {
      throw budgetError(err, budget);
    }
  }
  const conn = await client.connect();
  let broken: Error | undefined;
  try {
    await conn.query(`SET statement_timeout = ${Math.ceil(budget)}`);
    return await conn.query(sql, normalizeParams(params));
  } catch (err) {
    throw budgetError(err, budget);
  } finally {
    // The connection goes back to the pool without the budget, or not at all.
    await conn.query('RESET statement_timeout').catch((err: Error) => {
      broken = err;
    });
    conn.release(broken);
  }
}

function queryable(client: Client): Queryable {
  return {
    async query<T extends Row = Row>(sql: string, params?: readonly SqlParam[]): Promise<T[]> {
      return (await run(client, sql, params)).rows as T[];
    },
    async execute(sql: string, params?: readonly SqlParam[]): Promise<number> {
      return (await run(client, sql, params)).rowCount ?? 0;
    },
  };
}

/** Server mode: any number of Cloudtally processes share one PostgreSQL database. */
export class PostgresStore implements Store {
  readonly engine = 'postgres' as const;
  readonly dialect = pgDialect;
  readonly traits = pgTraits;
  private readonly q: Queryable;
  private readonly lockSlots = { free: MAX_LOCK_HOLDERS, waiting: [] as (() => void)[] };
  /** Client of the transaction for each Queryable handed out, so that COPY runs on the right connection. */
  private readonly clients = new WeakMap<Queryable, pg.PoolClient>();

  private constructor(readonly pool: pg.Pool) {
    this.q = queryable(pool);
  }

  static async open(url: string, options: { max?: number } = {}): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
    // An idle client that loses its server must not crash the process; the next query reports it.
    pool.on('error', () => undefined);
    const client = await pool.connect();
    client.release();
    return new PostgresStore(pool);
  }

  query<T extends Row = Row>(sql: string, params?: readonly SqlParam[]): Promise<T[]> {
    return this.q.query<T>(sql, params);
  }

  execute(sql: string, params?: readonly SqlParam[]): Promise<number> {
    return this.q.execute(sql, params);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const tx = queryable(client);
    this.clients.set(tx, client);
    try {
      await client.query('BEGIN');
      const result = await fn(tx);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async copyCsvInto(
    tx: Queryable,
    table: string,
    columns: readonly string[],
    csvPath: string,
  ): Promise<number> {
    const client = this.clients.get(tx);
    if (!client) throw new Error('copyCsvInto needs the Queryable of a transaction of this store');
    const stream = client.query(
      copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv, HEADER true, NULL '')`),
    );
    await pipeline(createReadStream(csvPath), stream);
    return Number(stream.rowCount ?? 0);
  }

  describe(): StoreDescription {
    return { engine: this.engine };
  }

  private async takeLockSlot(): Promise<() => void> {
    const state = this.lockSlots;
    if (state.free > 0) state.free--;
    else await new Promise<void>((resolve) => state.waiting.push(resolve));
    return () => {
      const next = state.waiting.shift();
      if (next) next();
      else state.free++;
    };
  }

  async exclusive<T>(space: number, key: string, fn: () => Promise<T>): Promise<T> {
    const release = await this.takeLockSlot();
    try {
      return await this.transaction(async (tx) => {
        await tx.execute('SELECT pg_advisory_xact_lock($1, hashtext($2))', [space, key]);
        return fn();
      });
    } finally {
      release();
    }
  }

  async exportQuery(q: QueryExport): Promise<void> {
    await exportByParts(this, q, async (sql) => {
      const duck = await DuckDbStore.open({ path: ':memory:', connections: 1 });
      try {
        await duck.execute(sql);
      } finally {
        await duck.close();
      }
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
