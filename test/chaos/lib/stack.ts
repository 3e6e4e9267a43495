// A whole service stack of a chaos test's own: PostgreSQL (initdb, spare port), Redis (spare
// port, no persistence) and the service entry points as child processes — so a test may SIGKILL
// or restart any of them without touching the shared PostgreSQL (5432) and Redis (6379).
import postgres from 'postgres';
import { createUserTokens } from '../../../src/auth/user-tokens.ts';
import { DEVELOPMENT_JWT_SECRET } from '../../../src/config.ts';
import { startPostgres, startRedis, startService, type OwnPostgres, type OwnRedis, type ServiceChild } from '../../support/processes.ts';

export const ADMIN_KEY = 'chaos-admin-key-0123456789';

export interface Stack {
  pg: OwnPostgres;
  redis: OwnRedis;
  env: Record<string, string>;
  /** a direct connection to the service's database, for checks (not used by the service) */
  sql: postgres.Sql;
  token(userId: string): Promise<string>;
  /** start an entry point against this stack (a new port each time) */
  start(entry: 'src/main.ts' | 'src/api.ts' | 'src/worker.ts', env?: Record<string, string>): Promise<ServiceChild>;
  destroy(): Promise<void>;
}

export async function startStack(env: Record<string, string> = {}): Promise<Stack> {
  const pg = startPostgres();
  const redis = await startRedis();
  const children: ServiceChild[] = [];
  const stackEnv = {
    DATABASE_URL: pg.url(),
    REDIS_URL: redis.url,
    LOG_LEVEL: 'info', // the worker's readiness is its 'worker started' line
    ADMIN_API_KEYS: ADMIN_KEY,
    // on, as deployed, but out of reach: the chaos clients are load (and retry storms), not users
    USER_RATE_LIMIT_PER_MINUTE: '10000000',
    ...env,
  };
  let sql: postgres.Sql | undefined;
  const tokens = createUserTokens(DEVELOPMENT_JWT_SECRET);
  const stack: Stack = {
    pg,
    redis,
    env: stackEnv,
    get sql() {
      sql ??= postgres(pg.url(), { max: 4, onnotice: () => {}, idle_timeout: 5 });
      return sql;
    },
    token: (userId) => tokens.sign(userId, 24 * 3600),
    async start(entry, extra = {}) {
      const child = await startService(entry, { ...stackEnv, ...extra });
      children.push(child);
      return child;
    },
    async destroy() {
      for (const child of children) await child.kill('SIGKILL');
      await sql?.end({ timeout: 2 }).catch(() => {});
      await redis.destroy();
      pg.destroy();
    },
  };
  return stack;
}

/** The user's live rows as "sourceId|sourceRecordId|startAtMs" keys, with duplicates counted. */
export async function storedKeys(sql: postgres.Sql, userId: string): Promise<{ keys: Set<string>; rows: number }> {
  const rows = await sql<{ source_id: string; source_record_id: string; start_at: Date }[]>`
    SELECT source_id, source_record_id, start_at FROM health_samples WHERE user_id = ${userId} AND deleted_at IS NULL`;
  return { keys: new Set(rows.map((r) => `${r.source_id}|${r.source_record_id}|${r.start_at.getTime()}`)), rows: rows.length };
}

export const keyOfSample = (s: Record<string, unknown>) => `${s.sourceId}|${s.sourceRecordId}|${Date.parse(String(s.startAt))}`;

/** Requests of the user by status, e.g. { completed: 12 }. */
export async function requestStatuses(sql: postgres.Sql, userId: string): Promise<Record<string, number>> {
  const rows = await sql<{ status: string; n: number }[]>`
    SELECT status, count(*)::int AS n FROM health_ingest_requests WHERE user_id = ${userId} GROUP BY status`;
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
