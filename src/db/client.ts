// The postgres.js pool. Timeouts are short on purpose: a request must answer 503 + Retry-After
// long before Bun's 10 s idle cut, never hang (DESIGN "known traps").
import postgres from 'postgres';

export type Sql = postgres.Sql<Record<string, never>>;
export type Tx = postgres.TransactionSql<Record<string, never>>;
/** Anything a query wrapper can run on: the pool or an open transaction. */
export type Queryable = Sql | Tx;

export interface DbOptions {
  max?: number;
  applicationName?: string;
  statementTimeoutMs?: number;
  /**
   * 'off' only for writes whose loss in a crash is harmless (worker leases and heartbeats: a lost
   * 'processing' mark reads as 'queued' again); it spares them the WAL flush wait.
   */
  synchronousCommit?: 'on' | 'off';
}

export function createDb(url: string, options: DbOptions = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    connect_timeout: 3,
    idle_timeout: 60,
    max_lifetime: 60 * 30,
    prepare: true,
    onnotice: () => {},
    connection: {
      application_name: options.applicationName ?? 'health-ingest',
      statement_timeout: options.statementTimeoutMs ?? 5_000,
      idle_in_transaction_session_timeout: 15_000,
      ...(options.synchronousCommit === 'off' ? { synchronous_commit: 'off' } : {}),
    },
  }) as unknown as Sql;
}

/** Runs a loaded statement with positional parameters as a prepared statement. */
export function run<T extends object = Record<string, unknown>>(
  db: Queryable,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  return db.unsafe(text, params as never[], { prepare: true }) as unknown as Promise<T[]>;
}
