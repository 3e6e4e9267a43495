// The composition root: builds the service's parts from a runtime (config, pool, logger).
// Entry points pick parts: `start` takes all of them, `start:api` the HTTP app, `start:worker`
// the worker. Only this room wires one capability to another.
import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { configuredUserTokens } from '../auth/configured-tokens.ts';
import { createUserRateLimit } from '../rate-limit/user-rate-limit.ts';
import { describeMismatch, migrationStatus } from '../db/migrator.ts';
import { createDb, pingDatabase } from '../db/client.ts';
import { defaultCatalog } from '../domain/catalog/catalog.ts';
import { createApp } from '../http/app.ts';
import { databaseUnavailable, refusedInput } from '../db/errors.ts';
import { createIngest, type IngestDeps } from '../ingest/submit.ts';
import { deadLetters } from '../outbox/dead-letters.ts';
import { privacySettingsService } from '../privacy/privacy-settings.ts';
import { dailySummaryReader } from '../projections/read-daily-summaries.ts';
import { requestStatusReader } from '../requests/request-status.ts';
import { sampleReader } from '../samples/list-samples.ts';
import { EXPORT_SESSION_SETTINGS, sampleExporter } from '../export/sample-export.ts';
import { userDataErasures } from '../erasure/erasure-requests.ts';
import { ERASURE_QUEUE_NAME, startErasureWorker, type ErasureJobData } from '../erasure/erasure-job.ts';
import { runErasure, type ErasureRunnerDeps } from '../erasure/erasure-runner.ts';
import { erasureResumer } from '../erasure/erasure-resume.ts';
import type { OpenQueueProbe } from '../jobs/queue-probe.ts';
import { builtInJobs } from '../jobs/built-in-jobs.ts';
import { removeQueuedJobsWith, shortLivedQueueProbe } from '../jobs/queue-probe.ts';
import { createJobRunner, type JobRunner } from '../jobs/runner.ts';
import { startJobSchedule, type JobSchedule } from '../jobs/schedule.ts';
import { createMetrics, type Metrics } from '../metrics.ts';
import { outboxBacklog, outboxSummary } from '../outbox/backlog.ts';
import { queueCounts } from '../queue/counts.ts';
import { createOutboxService, type OutboxService } from './outbox-service.ts';
import { outboxThread, type OutboxThread } from '../outbox/thread.ts';
import { INGEST_QUEUE_NAME, type IngestJobData } from '../queue/ingest-batch-job.ts';
import { createBatchQueue } from '../queue/enqueue.ts';
import { startIngestWorker } from '../queue/worker.ts';
import { producerConnection, workerConnection } from '../queue/redis.ts';
import type { Runtime } from './runtime.ts';
import { settleWithin } from '../bounded.ts';
import { EXPORT_CLIENT_STALL_MS, EXPORT_FETCH_TIMEOUT_MS, SECOND } from '../limits.ts';
import { createIngestRateReader, createIngestRateRecorder } from '../ingest-rates.ts';
import { countDeadEvents } from '../outbox/queries.ts';
import { oldestWaitingJob } from '../queue/oldest-waiting.ts';
import { createAddressGuard } from '../webhooks/address-guard.ts';
import { IMPORT_QUEUE_NAME, type ImportJobData } from '../imports/import-job.ts';
import { importJobs } from '../imports/import-queue.ts';
import { createImportService } from '../imports/import-service.ts';
import type { SliceDeps } from '../imports/import-slice.ts';
import { startImportWorker } from '../imports/import-worker.ts';
import { countImportsByStatus } from '../imports/queries.ts';
import { defaultImportRegistry } from '../imports/registry.ts';
import type { ImportRow } from '../imports/queries.ts';
import type { Config } from '../config.ts';
import { createDeliveryService, type DeliveryService } from '../webhooks/delivery-service.ts';
import { deliveryThread, type DeliveryThread } from '../webhooks/delivery-thread.ts';
import { createWebhookAdmin } from '../webhooks/endpoint-admin.ts';
import { undeliveredByEndpoint } from '../webhooks/queries.ts';
import { createSecretBox } from '../webhooks/secret-box.ts';

const SERVICE_VERSION = '0.1.0';

/** exports streaming at once per API process (each holds one connection of its own pool) */
const EXPORTS_AT_ONCE = 4;

export interface ApiParts {
  app: ReturnType<typeof createApp>;
  queue: Queue<IngestJobData>;
  importQueue: Queue<ImportJobData>;
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
  const erasureQueue = new Queue<ErasureJobData>(ERASURE_QUEUE_NAME, {
    connection: redis,
    ...(options.queuePrefix ? { prefix: options.queuePrefix } : {}),
  });
  erasureQueue.on('error', () => {});
  const importQueue = new Queue<ImportJobData>(IMPORT_QUEUE_NAME, {
    connection: redis,
    ...(options.queuePrefix ? { prefix: options.queuePrefix } : {}),
  });
  importQueue.on('error', () => {});
  const listQueues = async () =>
    Promise.all(
      [
        [INGEST_QUEUE_NAME, queue],
        [IMPORT_QUEUE_NAME, importQueue],
      ].map(async ([name, each]) => {
        const [counts, oldestWaiting] = await Promise.all([queueCounts(each as Queue), oldestWaitingJob(each as Queue)]);
        return { name: name as string, counts, oldestWaiting };
      }),
    );
  const jobsOfImports = importJobs(importQueue);
  // the console's rates live in the queue's Redis, under the queue prefix (tests get their own)
  const ratesPrefix = `${options.queuePrefix ?? 'bull'}:health-ingest`;
  const rates = createIngestRateRecorder({ redis, prefix: ratesPrefix, log });
  const ratesReader = createIngestRateReader({ redis, prefix: ratesPrefix });
  let jobs: JobRunner;
  const metrics = createMetrics({
    log,
    rates,
    sources: {
      queueCounts: listQueues,
      outboxBacklog: () => outboxBacklog(db),
      outboxDead: () => countDeadEvents(db),
      jobLastSuccess: () => jobs.lastSuccesses(),
      webhookBacklog: () => undeliveredByEndpoint(db),
      importCounts: () => countImportsByStatus(db),
    },
  });
  jobs = buildJobRunner(runtime, { ...options, metrics });
  // exports hold a connection for as long as their client reads: a small pool of their own caps
  // how many run at once (the next one waits for a connection) and leaves the request path alone
  const exportDb = createDb(config.databaseUrl, {
    max: EXPORTS_AT_ONCE,
    applicationName: 'health-ingest-export',
    statementTimeoutMs: EXPORT_FETCH_TIMEOUT_MS,
    idleInTransactionTimeoutMs: EXPORT_CLIENT_STALL_MS,
    sessionSettings: EXPORT_SESSION_SETTINGS,
  });
  const ingest: IngestDeps = {
    db,
    config,
    catalog: defaultCatalog,
    now: Date.now,
    observeSamples: metrics.observeSamples,
    queue: createBatchQueue({
      db,
      queue,
      log,
      maxJobPayloadBytes: config.maxJobPayloadBytes,
      staleAfterSeconds: config.reaperStaleAfterSeconds,
    }),
  };
  const app = createApp({
    services: {
      ingest: createIngest(ingest),
      requests: requestStatusReader(db),
      samples: sampleReader(db),
      exports: sampleExporter(exportDb),
      erasures: userDataErasures({ db, queue: erasureQueue, log, now: ingest.now }),
      summaries: dailySummaryReader(db),
      privacy: privacySettingsService(db, defaultCatalog),
      deadLetters: deadLetters(db),
      jobs,
      queueCounts: listQueues,
      outboxSummary: () => outboxSummary(db),
      ingestRates: () => ratesReader.read(),
      imports: createImportService({
        db,
        registry: defaultImportRegistry,
        maxImportBytes: config.maxImportBytes,
        newId: () => crypto.randomUUID(),
        // a failed add leaves the import queued in PostgreSQL: the workers' sweep adds its job
        enqueue: (row: ImportRow) =>
          jobsOfImports.add(row.id, 'upload').catch((error: unknown) => log.warn({ err: error, importId: row.id }, 'import job not added; the sweep will')),
      }),
      webhooks: createWebhookAdmin({
        db,
        secrets: createSecretBox(config.webhookSecretKey),
        guard: createAddressGuard({ allowPrivate: config.webhookAllowPrivate }),
      }),
    },
    catalog: defaultCatalog,
    tokens: configuredUserTokens(config, log),
    rateLimit:
      config.userRateLimitPerMinute === 0
        ? null
        : createUserRateLimit({ redis, prefix: ratesPrefix, limit: config.userRateLimitPerMinute, log }),
    log,
    storageErrors: { refusedInput, databaseUnavailable },
    importFormats: defaultImportRegistry.formats,
    now: ingest.now,
    limits: { maxBodyBytes: config.maxJobPayloadBytes, maxInflightUploads: config.maxInflightUploads },
    adminApiKeys: config.adminApiKeys,
    readiness: {
      postgres: () => pingDatabase(db),
      redis: async () => ((await redis.ping()) === 'PONG' ? 'ok' : 'unexpected reply'),
      migrations: async () => describeMismatch(await migrationStatus(db)) ?? 'ok',
    },
    operations: { metrics, enableDocs: config.enableDocs, version: SERVICE_VERSION },
    // the import pipeline and webhooks bring their admin endpoints with them
    console: { boardQueues: [queue, importQueue, erasureQueue], features: { imports: true, webhooks: true } },
  });
  return {
    app,
    queue,
    importQueue,
    redis,
    metrics,
    jobs,
    async close() {
      await settleWithin(rates.close(), 2 * SECOND);
      await settleWithin(queue.close(), 2 * SECOND);
      await settleWithin(importQueue.close(), 2 * SECOND);
      await settleWithin(erasureQueue.close(), 2 * SECOND);
      redis.disconnect();
      await exportDb.end({ timeout: 2 });
    },
  };
}

/** What a slice of an import needs besides the pool (the worker's and the CLI's). */
export function importSliceDeps(config: Readonly<Config>, metrics?: Metrics): Omit<SliceDeps, 'db'> {
  return {
    registry: defaultImportRegistry,
    catalog: defaultCatalog,
    now: Date.now,
    leaseMs: config.importLeaseSeconds * SECOND,
    sliceMs: config.importSliceSeconds * SECOND,
    maxExpandedBytes: 20 * config.maxImportBytes,
    ...(metrics ? { onGroup: (group) => metrics.observeImportGroup(group, group.bytesDelta) } : {}),
  };
}

export function buildWorker(runtime: Runtime, options: { queuePrefix?: string; metrics?: Metrics } = {}) {
  const { config, db, log } = runtime;
  const connection = workerConnection(config.redisUrl);
  connection.on('error', () => {});
  const importConnection = workerConnection(config.redisUrl);
  importConnection.on('error', () => {});
  const importProducer = producerConnection(config.redisUrl);
  importProducer.on('error', () => {});
  const importQueue = new Queue<ImportJobData>(IMPORT_QUEUE_NAME, {
    connection: importProducer,
    ...(options.queuePrefix ? { prefix: options.queuePrefix } : {}),
  });
  importQueue.on('error', () => {});
  const imports = startImportWorker({
    db,
    connection: importConnection,
    jobs: importJobs(importQueue),
    log,
    slice: importSliceDeps(config, options.metrics),
    ...(options.queuePrefix ? { prefix: options.queuePrefix } : {}),
  });
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
  // erasures: their queue jobs, and once at start the ones a dead runner left (the cron sweep
  // goes on every minute). At shutdown a running erasure stops at its next chunk and gives its
  // lease up; the sweep of another worker (or this one's next start) goes on with it.
  const stopping = new AbortController();
  const erasureDeps = { ...erasureRunnerDeps(runtime, options), signal: stopping.signal };
  const erasures = startErasureWorker({
    connection,
    log,
    run: (erasureId) => runErasure(erasureDeps, erasureId),
    ...(options.queuePrefix ? { prefix: options.queuePrefix } : {}),
  });
  const resumed = erasureResumer(erasureDeps)({ deadlineMs: Date.now() + 10 * 60 * SECOND, signal: stopping.signal }).catch((error: unknown) =>
    log.warn({ err: error }, 'erasure resume at start failed'),
  );
  return {
    worker,
    imports,
    async close() {
      stopping.abort();
      await erasures.close();
      await Promise.all([worker.close(), imports.close()]);
      await settleWithin(importQueue.close(), 2 * SECOND);
      await settleWithin(resumed, 5 * SECOND);
      connection.disconnect();
      importConnection.disconnect();
      importProducer.disconnect();
      await leaseDb.end({ timeout: 5 });
    },
  };
}

/** The outbox processor with every projection registered, on this event loop (tests, tools). */
export function buildOutboxProcessor(runtime: Runtime, options: Parameters<typeof createOutboxService>[2] = {}): OutboxService {
  return createOutboxService(runtime.config.databaseUrl, runtime.log, options);
}

/** What the outbox thread runs: the processor with its sinks, composed in start/. */
export const OUTBOX_THREAD_ENTRY = new URL('./outbox-thread-entry.ts', import.meta.url);

/** The outbox processor in a thread of its own (`start`, `start:worker`); start(), close(). */
export function buildOutboxThread(runtime: Runtime): OutboxThread {
  return outboxThread({ entry: OUTBOX_THREAD_ENTRY, databaseUrl: runtime.config.databaseUrl, logLevel: runtime.config.logLevel, log: runtime.log });
}

/** The webhook delivery worker on this event loop (tests, tools); start(), close(). */
export function buildDeliveryWorker(runtime: Runtime, options: Parameters<typeof createDeliveryService>[2] = {}, metrics?: Metrics): DeliveryService {
  return createDeliveryService(runtime.config, runtime.log, options, metrics ? (observation) => metrics.observeWebhook(observation) : undefined);
}

/** The webhook delivery worker in a thread of its own (`start`, `start:worker`), counting into `metrics`. */
export function buildDeliveryThread(runtime: Runtime, metrics: Metrics): DeliveryThread {
  return deliveryThread({
    config: runtime.config,
    logLevel: runtime.config.logLevel,
    log: runtime.log,
    observe: (observation, count) => metrics.observeWebhook(observation, count),
  });
}

/** What an erasure runner needs (erasure/erasure-runner.ts): the ingest queue through a short-lived probe. */
function erasureRunnerDeps(runtime: Runtime, options: { queuePrefix?: string; openQueue?: OpenQueueProbe }): ErasureRunnerDeps {
  const openQueue =
    options.openQueue ?? shortLivedQueueProbe({ redisUrl: runtime.config.redisUrl, ...(options.queuePrefix ? { prefix: options.queuePrefix } : {}) });
  return {
    db: runtime.db,
    log: runtime.log,
    leaseSeconds: runtime.config.erasureLeaseSeconds,
    removeQueuedJobs: (userId) => removeQueuedJobsWith(openQueue, userId),
  };
}

/** The built-in jobs (reaper, soft-delete purger, retention, erasure resume) over this runtime. */
export function buildJobRunner(runtime: Runtime, options: { queuePrefix?: string; metrics?: Metrics } = {}): JobRunner {
  const { config, db, log } = runtime;
  const openQueue = shortLivedQueueProbe({ redisUrl: config.redisUrl, ...(options.queuePrefix ? { prefix: options.queuePrefix } : {}) });
  return createJobRunner({
    db,
    log,
    jobs: builtInJobs(config, openQueue, erasureResumer(erasureRunnerDeps(runtime, { ...options, openQueue }))),
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
