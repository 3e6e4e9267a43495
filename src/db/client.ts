// The postgres.js pool. Timeouts are short on purpose (src/limits.ts): a request must answer
// 503 + Retry-After long before Bun's 10 s idle cut, never hang (DESIGN "known traps").
import postgres from 'postgres';
import { statement } from './sql-files.ts';
import { daysFromCivil } from '../domain/time/local-days.ts';
import { digitsAt } from '../domain/time/timestamps.ts';
import { CONNECT_TIMEOUT_MS, IDLE_IN_TRANSACTION_TIMEOUT_MS, SECOND, STATEMENT_TIMEOUT_MS } from '../limits.ts';

export type Sql = postgres.Sql<Record<string, never>>;
export type Tx = postgres.TransactionSql<Record<string, never>>;
/** Anything a query wrapper can run on: the pool or an open transaction. */
export type Queryable = Sql | Tx;

export interface DbOptions {
  max?: number;
  applicationName?: string;
  statementTimeoutMs?: number;
  /** idle_in_transaction_session_timeout (default IDLE_IN_TRANSACTION_TIMEOUT_MS): longer for export cursors a slow client drains */
  idleInTransactionTimeoutMs?: number;
  /** more run-time parameters of every session of the pool (a pool that runs one kind of statement) */
  sessionSettings?: Record<string, string>;
  /**
   * 'off' only for writes whose loss in a crash is harmless (worker leases and heartbeats: a lost
   * 'processing' mark reads as 'queued' again); it spares them the WAL flush wait.
   */
  synchronousCommit?: 'on' | 'off';
}

// PostgreSQL's timestamptz text: 'YYYY-MM-DD HH:MM:SS[.ffffff]±HH[:MM[:SS]]' (seconds in historical
// offsets of zones like Europe/Amsterdam before 1900)
const PG_TIMESTAMPTZ = /^(\d{4,})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?([+-])(\d{2})(?::(\d{2}))?(?::(\d{2}))?$/;

/**
 * timestamptz text → Date, year for year. postgres.js parses it with `new Date(text)`, and
 * JavaScriptCore reads the years 0000..0099 of that text as 19xx/20xx: a sample at 0050-… came back
 * from the upsert as 1950-…, its key then matched nothing of the batch, and the upload was a 500.
 * Anything else (BC, infinity, timestamp without time zone) is parsed as postgres.js would.
 */
export function parseTimestamptz(text: string): Date {
  const utc = utcTimestamptzMs(text);
  if (utc !== undefined) return new Date(utc);
  const m = PG_TIMESTAMPTZ.exec(text);
  if (!m) return new Date(text);
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, keeps the years 0..99 as written
  date.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  date.setUTCHours(Number(m[4]), Number(m[5]), Number(m[6]), Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3)));
  const offsetSeconds = (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 3600 + Number(m[10] ?? 0) * 60 + Number(m[11] ?? 0));
  return new Date(date.getTime() - offsetSeconds * 1000);
}

/**
 * The common case read by hand: 'YYYY-MM-DD HH:MM:SS[.f…]+00' (a UTC session, four-digit year),
 * else undefined. An upsert returns one per written row: the regex and two Dates cost as much as
 * the rest of reading the row.
 */
function utcTimestamptzMs(text: string): number | undefined {
  const length = text.length;
  if (length < 22 || text.charCodeAt(length - 3) !== PLUS || text.charCodeAt(length - 2) !== ZERO || text.charCodeAt(length - 1) !== ZERO) return undefined;
  if (text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH || text.charCodeAt(10) !== SPACE || text.charCodeAt(13) !== COLON || text.charCodeAt(16) !== COLON) return undefined;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hours = digitsAt(text, 11, 2);
  const minutes = digitsAt(text, 14, 2);
  const seconds = digitsAt(text, 17, 2);
  let millis = 0;
  if (length > 22) {
    // '.' and one to six digits before the offset; the first three are the milliseconds
    if (text.charCodeAt(19) !== DOT || length > 29) return undefined;
    const fraction = digitsAt(text, 20, length - 23);
    if (fraction < 0) return undefined;
    const places = length - 23;
    millis = places <= 3 ? fraction * 10 ** (3 - places) : Math.floor(fraction / 10 ** (places - 3));
  }
  if ((year | month | day | hours | minutes | seconds) < 0) return undefined;
  return daysFromCivil(year, month, day) * 86_400_000 + ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis;
}

const [ZERO, PLUS, DASH, SPACE, COLON, DOT] = ['0', '+', '-', ' ', ':', '.'].map((c) => c.charCodeAt(0)) as [number, number, number, number, number, number];

export function createDb(url: string, options: DbOptions = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    types: { timestamptz: { to: 1184, from: [1184], serialize: (x: Date | string) => (x instanceof Date ? x : new Date(x)).toISOString(), parse: parseTimestamptz } },
    connect_timeout: CONNECT_TIMEOUT_MS / SECOND,
    idle_timeout: 60,
    max_lifetime: 60 * 30,
    prepare: true,
    onnotice: () => {},
    connection: {
      application_name: options.applicationName ?? 'health-ingest',
      statement_timeout: options.statementTimeoutMs ?? STATEMENT_TIMEOUT_MS,
      idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? IDLE_IN_TRANSACTION_TIMEOUT_MS,
      ...(options.synchronousCommit === 'off' ? { synchronous_commit: 'off' } : {}),
      ...options.sessionSettings,
    },
  }) as unknown as Sql;
}

const PING = statement('health/ping');

/** Readiness: the database answers ('ok'), or this rejects. */
export async function pingDatabase(db: Queryable): Promise<'ok'> {
  await run(db, PING);
  return 'ok';
}

/** Runs a loaded statement with positional parameters as a prepared statement. */
export function run<T extends object = Record<string, unknown>>(
  db: Queryable,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  return db.unsafe(text, params as never[], { prepare: true }) as unknown as Promise<T[]>;
}
