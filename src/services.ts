// Builds the service's parts from a runtime (config, pool, logger). Entry points pick parts:
// `start` takes all of them, `start:api` the HTTP app, `start:worker` the worker.
import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { createUserTokens } from './auth/user-tokens.ts';
import { describeMismatch, migrationStatus } from './db/migrator.ts';
import { createDb, run } from './db/client.ts';
import { statement } from './db/sql-files.ts';
import { defaultCatalog } from './domain/catalog.ts';
import { createApp } from './http/app.ts';
import type { IngestDeps } from './ingest/submit-batch.ts';
import { OutboxProcessor, type OutboxProcessorOptions } from './outbox/outbox-processor.ts';
import { ProjectionCoordinator } from './projections/coordinator.ts';
import { dailySummariesProjection } from './projections/daily-summaries.ts';
import { INGEST_QUEUE_NAME, type IngestJobData } from './queue/ingest-batch-job.ts';
import { createQueuedSubmit } from './queue/queued-submit.ts';
import { startIngestWorker } from './queue/ingest-worker.ts';
import { producerConnection, workerConnection } from './queue/redis.ts';
import type { Runtime } from './startup.ts';

const PING = statement('health/ping');

export interface ApiParts {
  app: ReturnType<typeof createApp>;
  queue: Queue<IngestJobData>;
  redis: Redis;
  close(): Promise<void>;
}

export function buildApi(runtime: Runtime, options: { queuePrefix?: string } = {}): ApiParts {
  const { config, db, log } = runtime;
  const redis = producerConnection(config.redisUrl);
  redis.on('error', () => {}); // reported through /readyz and 503s, not as unhandled events
  const queue = new Queue<IngestJobData>(INGEST_QUEUE_NAME, {
    connection: redis,
    ...(options.queuePrefix ? { prefix: options.queuePrefix } : {}),
  });
  queue.on('error', () => {});
  const ingest: IngestDeps = {
    db,
    config,
    catalog: defaultCatalog,
    now: Date.now,
    queue: createQueuedSubmit({
      db,
      queue,
      log,
      maxJobPayloadBytes: config.maxJobPayloadBytes,
      staleAfterSeconds: config.reaperStaleAfterSeconds,
    }),
  };
  const app = createApp({
    db,
    ingest,
    tokens: createUserTokens(config.jwtSecret),
    log,
    limits: { maxBatchItems: config.maxBatchItems, maxBodyBytes: config.maxJobPayloadBytes },
    adminApiKeys: config.adminApiKeys,
    readiness: {
      postgres: async () => (await run(db, PING), 'ok'),
      redis: async () => ((await redis.ping()) === 'PONG' ? 'ok' : 'unexpected reply'),
      migrations: async () => describeMismatch(await migrationStatus(db)) ?? 'ok',
    },
  });
  return {
    app,
    queue,
    redis,
    async close() {
      await Promise.race([queue.close(), Bun.sleep(2000)]);
      redis.disconnect();
    },
  };
}

export function buildWorker(runtime: Runtime, options: { queuePrefix?: string } = {}) {
  const { config, db, log } = runtime;
  const connection = workerConnection(config.redisUrl);
  connection.on('error', () => {});
  // leases and heartbeats are advisory: losing one in a crash only makes a request look queued
  const leaseDb = createDb(config.databaseUrl, { max: 2, synchronousCommit: 'off', applicationName: 'health-ingest-lease' });
  const worker = startIngestWorker({
    db,
    leaseDb,
    connection,
    log,
    concurrency: config.workerConcurrency,
    staleAfterSeconds: config.reaperStaleAfterSeconds,
    ...(options.queuePrefix ? { prefix: options.queuePrefix } : {}),
  });
  return {
    worker,
    async close() {
      await worker.close();
      connection.disconnect();
      await leaseDb.end({ timeout: 5 });
    },
  };
}

/** The outbox processor with every projection registered; call start(), and close() on shutdown. */
export function buildOutboxProcessor(runtime: Runtime, options: Partial<OutboxProcessorOptions> = {}): OutboxProcessor {
  const { db, log } = runtime;
  const coordinator = new ProjectionCoordinator(db, [dailySummariesProjection(defaultCatalog)]);
  return new OutboxProcessor({ db, log, coordinator, ...options });
}
