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
import { builtInJobs } from './jobs/built-in-jobs.ts';
import { shortLivedQueueProbe } from './jobs/queue-probe.ts';
import { createJobRunner, type JobRunner } from './jobs/runner.ts';
import { startJobSchedule, type JobSchedule } from './jobs/schedule.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { createIngestRateReader, createIngestRateRecorder } from './ingest-rates.ts';
import { outboxBacklog } from './ops/outbox-backlog.ts';
import { queueCounts } from './ops/queue-counts.ts';
import { countDeadEvents } from './outbox/queries.ts';
import { oldestWaitingJob } from './queue/oldest-waiting.ts';
import { createOutboxService, type OutboxService } from './outbox/outbox-service.ts';
import { outboxThread, type OutboxThread } from './outbox/outbox-thread.ts';
import { INGEST_QUEUE_NAME, type IngestJobData } from './queue/ingest-batch-job.ts';
import { createQueuedSubmit } from './queue/queued-submit.ts';
import { startIngestWorker } from './queue/ingest-worker.ts';
import { producerConnection, workerConnection } from './queue/redis.ts';
import type { Runtime } from './startup.ts';

const PING = statement('health/ping');
const SERVICE_VERSION = '0.1.0';

export interface ApiParts {
  app: ReturnType<typeof createApp>;
  queue: Queue<IngestJobData>;
  redis: Redis;
  metrics: Metrics;
  /** the built-in jobs (run from /admin; scheduled by `start` / `start:worker` via buildJobSchedule) */
  jobs: JobRunner;
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
  const listQueues = async () => {
    const [counts, oldestWaiting] = await Promise.all([queueCounts(queue), oldestWaitingJob(queue)]);
    return [{ name: INGEST_QUEUE_NAME, counts, oldestWaiting }];
  };
  // the console's rates live in the queue's Redis, under the queue prefix (tests get their own)
  const ratesPrefix = `${options.queuePrefix ?? 'bull'}:health-ingest`;
  const rates = createIngestRateRecorder({ redis, prefix: ratesPrefix, log });
  const ratesReader = createIngestRateReader({ redis, prefix: ratesPrefix });
  const outboxSummary = async () => {
    const [backlog, dead] = await Promise.all([outboxBacklog(db), countDeadEvents(db)]);
    return { pending: backlog.pending, lagSeconds: backlog.oldestAgeSeconds, dead };
  };
  let jobs: JobRunner;
  const metrics = createMetrics({
    log,
    rates,
    sources: {
      queueCounts: listQueues,
      outboxBacklog: () => outboxBacklog(db),
      outboxDead: () => countDeadEvents(db),
      jobLastSuccess: () => jobs.lastSuccesses(),
    },
  });
  jobs = buildJobRunner(runtime, { ...options, metrics });
  const ingest: IngestDeps = {
    db,
    config,
    catalog: defaultCatalog,
    now: Date.now,
    observeSamples: metrics.observeSamples,
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
    limits: { maxBatchItems: config.maxBatchItems, maxBodyBytes: config.maxJobPayloadBytes, maxInflightUploads: config.maxInflightUploads },
    adminApiKeys: config.adminApiKeys,
    readiness: {
      postgres: async () => (await run(db, PING), 'ok'),
      redis: async () => ((await redis.ping()) === 'PONG' ? 'ok' : 'unexpected reply'),
      migrations: async () => describeMismatch(await migrationStatus(db)) ?? 'ok',
    },
    operations: {
      metrics,
      jobs,
      queueCounts: listQueues,
      ingestRates: () => ratesReader.read(),
      outboxSummary,
      boardQueues: [queue],
      // the import pipeline and webhooks bring their admin endpoints with them
      consoleFeatures: { imports: false, webhooks: false },
      enableDocs: config.enableDocs,
      version: SERVICE_VERSION,
    },
  });
  return {
    app,
    queue,
    redis,
    metrics,
    jobs,
    async close() {
      await Promise.race([rates.close(), Bun.sleep(2000)]);
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

/** The outbox processor with every projection registered, on this event loop (tests, tools). */
export function buildOutboxProcessor(runtime: Runtime, options: Parameters<typeof createOutboxService>[2] = {}): OutboxService {
  return createOutboxService(runtime.config.databaseUrl, runtime.log, options);
}

/** The outbox processor in a thread of its own (`start`, `start:worker`); start(), close(). */
export function buildOutboxThread(runtime: Runtime): OutboxThread {
  return outboxThread({ databaseUrl: runtime.config.databaseUrl, logLevel: runtime.config.logLevel, log: runtime.log });
}

/** The built-in jobs (reaper, soft-delete purger, retention) over this runtime. */
export function buildJobRunner(runtime: Runtime, options: { queuePrefix?: string; metrics?: Metrics } = {}): JobRunner {
  const { config, db, log } = runtime;
  const openQueue = shortLivedQueueProbe({ redisUrl: config.redisUrl, ...(options.queuePrefix ? { prefix: options.queuePrefix } : {}) });
  return createJobRunner({
    db,
    log,
    jobs: builtInJobs(config, openQueue),
    ...(options.metrics ? { observe: options.metrics.observeJobRun } : {}),
  });
}

/** Cron for the built-in jobs (`start`, `start:worker`); stop() ends the schedule and running ticks. */
export function buildJobSchedule(runtime: Runtime, jobs: JobRunner): { schedule: JobSchedule; close(): Promise<void> } {
  const schedule = startJobSchedule(jobs, runtime.log);
  return {
    schedule,
    async close() {
      schedule.stop();
      await jobs.stop();
    },
  };
}

/**
 * `start:worker` with METRICS_PORT: GET /metrics (job runs, process) and GET /healthz (so the
 * image's HEALTHCHECK works for worker containers too) on a port of their own.
 */
export function serveWorkerMetrics(port: number, metrics: Metrics) {
  return Bun.serve({
    port,
    // no port sharing: a second worker on this port must fail to start (startup.ts listenOrExit)
    reusePort: false,
    async fetch(request) {
      const path = new URL(request.url).pathname;
      if (path === '/healthz') return Response.json({ status: 'ok' });
      if (path !== '/metrics') return new Response('not found', { status: 404 });
      const { contentType, body } = await metrics.scrape();
      return new Response(body, { headers: { 'content-type': contentType } });
    },
  });
}
