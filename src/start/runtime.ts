// Start-up shared by every entry point: config, database (created and migrated when allowed),
// Redis reachability, listening, and the bounded shutdown. Each failure is one actionable line on
// stderr and exit code 1.
import Redis from 'ioredis';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { createDb, type Sql } from '../db/client.ts';
import { describeMismatch, ensureDatabase, migrate, migrationStatus } from '../db/migrator.ts';
import { bounded } from '../bounded.ts';
import { SHUTDOWN_STEP_MS } from '../limits.ts';
import { createLogger, type Logger } from '../log.ts';

export interface Runtime {
  config: Readonly<Config>;
  db: Sql;
  log: Logger;
}

export function fail(message: string): never {
  process.stderr.write(`health-ingest: ${message}\n`);
  process.exit(1);
}

export function loadConfigOrExit(): Readonly<Config> {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}

const redactUrl = (url: string) => url.replace(/\/\/[^@/]*@/, '//***@');

export async function connectDatabase(config: Config, log: Logger, poolSize: number): Promise<Sql> {
  try {
    if (config.migrateOnStart) {
      if (await ensureDatabase(config.databaseUrl)) log.info('created database');
    }
    const db = createDb(config.databaseUrl, { max: poolSize });
    if (config.migrateOnStart) {
      const applied = await migrate(db);
      if (applied.length > 0) log.info({ applied }, 'applied migrations');
    } else {
      const mismatch = describeMismatch(await migrationStatus(db));
      if (mismatch) fail(`schema does not match this build (MIGRATE_ON_START=false): ${mismatch}`);
    }
    return db;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    fail(`cannot use PostgreSQL at ${redactUrl(config.databaseUrl)}: ${reason}`);
  }
}

export async function checkRedis(config: Config): Promise<void> {
  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // without a listener ioredis prints "Unhandled error event" and a stack trace; and the socket's
  // error (ECONNREFUSED, ENOTFOUND, NOAUTH) says more than connect()'s "Connection is closed."
  let socketError: unknown;
  redis.on('error', (error) => {
    socketError ??= error;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    const cause = socketError ?? error;
    const reason = cause instanceof Error ? cause.message : String(cause);
    fail(`cannot reach Redis at ${redactUrl(config.redisUrl)}: ${reason}`);
  } finally {
    redis.disconnect();
  }
}

/**
 * Starts a listener (`listen` must not share ports: Elysia's default `reusePort: true` let a
 * second process bind the same port and take half its traffic). A port in use is one line on
 * stderr and exit 1, before anything else starts (CONTRACT §8).
 */
export function listenOrExit<T>(variable: 'PORT' | 'METRICS_PORT', port: number, listen: () => T): T {
  try {
    return listen();
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'EADDRINUSE') throw error;
    fail(`port ${port} is already in use (another health-ingest, or another program, listens on it): stop that process or set ${variable}`);
  }
}

/**
 * Connections of the main pool per entry point. The API's serve uploads (an inline upload holds
 * one for its transaction) and reads; the worker's serve its group writes and the jobs (leases,
 * heartbeats and the outbox have pools of their own); `start` does both.
 */
export const POOL_SIZES = { all: 20, api: 16, worker: 8 } as const;

export async function startRuntime(poolSize: number): Promise<Runtime> {
  const config = loadConfigOrExit();
  const log = createLogger(config.logLevel);
  const db = await connectDatabase(config, log, poolSize);
  await checkRedis(config);
  return { config, db, log };
}

export interface ShutdownStep {
  name: string;
  run: () => Promise<unknown>;
  /** how long this step may take (default SHUTDOWN_STEP_MS) */
  timeoutMs?: number;
}

/**
 * Runs `steps` in order on SIGTERM/SIGINT (stop taking work first, close pools last), each
 * bounded, then exits. A second signal exits at once.
 */
export function onShutdown(log: Logger, steps: ShutdownStep[]) {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info({ signal }, 'shutting down');
    for (const step of steps) {
      try {
        await bounded(step.run(), step.timeoutMs ?? SHUTDOWN_STEP_MS, () => new Error('timed out'));
      } catch (error) {
        log.warn({ step: step.name, err: error }, 'shutdown step failed');
      }
    }
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/**
 * Bun's server-wide body limit (its own 413 has an empty body): a backstop above every cap the app
 * enforces itself — an upload's MAX_JOB_PAYLOAD_BYTES and an import's MAX_IMPORT_BYTES (whose
 * compressed body is at most about its decoded size).
 */
export function maxRequestBodyBytes(config: Pick<Config, 'maxJobPayloadBytes' | 'maxImportBytes'>): number {
  return Math.max(config.maxJobPayloadBytes * 2, config.maxImportBytes + 1024 * 1024);
}
