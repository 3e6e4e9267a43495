// Prometheus metrics (GET /metrics). One registry per process part (tests run several services in
// one process), created at start-up. Hot-path cost is one histogram observe per request and a
// counter increment per upload; everything that needs I/O (queue depth, outbox backlog and lag) is
// read on scrape, each source bounded so a dead dependency makes the scrape lose a gauge, not hang.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { JobRunStatus, QueueListBodyT } from './domain/operations/operations-schema.ts';
import type { SampleFailure } from './domain/types.ts';
import type { IngestRateRecorder } from './ingest-rates.ts';
import type { Logger } from './log.ts';
import { bounded } from './bounded.ts';
import type { OutboxBacklog } from './outbox/backlog.ts';
import type { DeliveryObservation } from './webhooks/delivery-attempt.ts';
import type { EndpointBacklog } from './webhooks/queries.ts';

export type IngestPath = 'inline' | 'queued';

export interface ScrapeSources {
  /** per queue name: counts and the oldest waiting job */
  queueCounts?: () => Promise<QueueListBodyT['queues']>;
  outboxBacklog?: () => Promise<OutboxBacklog>;
  /** per webhook endpoint: pending deliveries and the age of the oldest */
  webhookBacklog?: () => Promise<EndpointBacklog[]>;
  /** dead letters waiting for a replay */
  outboxDead?: () => Promise<number>;
  /** when each built-in job last succeeded, on any replica (from job_runs) */
  jobLastSuccess?: () => Promise<Map<string, Date>>;
  /** imports per status, every replica's (from the imports table) */
  importCounts?: () => Promise<Map<string, number>>;
}

export interface Metrics {
  registry: Registry;
  observeHttp(method: string, route: string, status: number, seconds: number): void;
  /** a batch's valid samples and per-sample failures, once it is committed (inline) or queued */
  observeSamples(path: IngestPath, accepted: number, failures: readonly SampleFailure[]): void;
  observeJobRun(job: string, status: JobRunStatus, seconds: number): void;
  /** webhook attempts and finished deliveries (counted by the delivery worker, in batches) */
  observeWebhook(observation: DeliveryObservation, count?: number): void;
  /** an upload answered 503 SERVER_BUSY (load shedding) */
  observeShed(): void;
  /** one committed group of an import: its records by outcome and the file's bytes it read */
  observeImportGroup(records: { accepted: number; unchanged: number; failed: number }, bytesRead: number): void;
  /** the Prometheus text exposition, scrape sources included */
  scrape(): Promise<{ contentType: string; body: string }>;
}

const SCRAPE_SOURCE_TIMEOUT_MS = 1000;

export function createMetrics(
  options: {
    sources?: ScrapeSources;
    log?: Logger;
    processMetrics?: boolean;
    /** the console's rate series (src/ingest-rates.ts): fed the same observations */
    rates?: IngestRateRecorder;
  } = {},
): Metrics {
  const rates = options.rates;
  const registry = new Registry();
  const sources = options.sources ?? {};
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });

  const http = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const accepted = new Counter({
    name: 'health_ingest_samples_accepted_total',
    help: 'Valid samples of uploads, by path (inline: committed; queued: handed to the queue)',
    labelNames: ['path'] as const,
    registers: [registry],
  });
  const failed = new Counter({
    name: 'health_ingest_samples_failed_total',
    help: 'Samples rejected individually (207 failed[]), by failure code and path',
    labelNames: ['path', 'code'] as const,
    registers: [registry],
  });
  const jobRuns = new Counter({
    name: 'health_ingest_job_runs_total',
    help: 'Built-in job ticks in this process, by job and outcome (succeeded, failed, skipped)',
    labelNames: ['job', 'status'] as const,
    registers: [registry],
  });
  const jobDuration = new Histogram({
    name: 'health_ingest_job_run_duration_seconds',
    help: 'Duration of built-in job ticks, by job and outcome',
    labelNames: ['job', 'status'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1200],
    registers: [registry],
  });

  const webhookAttempts = new Counter({
    name: 'health_ingest_webhook_attempts_total',
    help: 'Webhook requests sent by this process, by result (success, http_error, redirect, timeout, refused, network_error)',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const webhookDeliveries = new Counter({
    name: 'health_ingest_webhook_deliveries_total',
    help: 'Webhook deliveries finished by this process, by outcome (delivered; failed: retries exhausted)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const webhookDisabled = new Counter({
    name: 'health_ingest_webhook_endpoints_disabled_total',
    help: 'Webhook endpoints this process disabled after they failed for 5 days',
    registers: [registry],
  });
  const shed = new Counter({
    name: 'health_ingest_uploads_shed_total',
    help: 'Uploads answered 503 SERVER_BUSY by this process (load shedding: MAX_INFLIGHT_UPLOADS reached)',
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: 'health_ingest_rate_limited_total',
    help: 'Requests answered 429 RATE_LIMITED by this process (USER_RATE_LIMIT_PER_MINUTE reached)',
    registers: [registry],
  });

  const importRecords = new Counter({
    name: 'health_ingest_import_records_total',
    help: 'Records of imported files processed by this process, by outcome (accepted, unchanged, failed)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const importBytes = new Counter({
    name: 'health_ingest_import_bytes_read_total',
    help: 'Bytes of stored import files read by this process (compressed bytes for a zip)',
    registers: [registry],
  });

  const warn = (what: string, error: unknown) => options.log?.warn({ err: error, source: what }, 'metrics source unavailable');

  /** one read per scrape shared by the gauges that need it; null when the source failed */
  const oncePerScrape = <T>(read: () => Promise<T>, what: string) => {
    let inFlight: Promise<T | null> | null = null;
    return () =>
      (inFlight ??= bounded(read(), SCRAPE_SOURCE_TIMEOUT_MS, what)
        .catch((error: unknown) => (warn(what, error), null))
        .finally(() => setTimeout(() => (inFlight = null), 0)));
  };

  if (sources.queueCounts) {
    const queues = oncePerScrape(sources.queueCounts, 'queue counts');
    new Gauge({
      name: 'health_ingest_queue_jobs',
      help: 'BullMQ jobs by queue and state (read on scrape; absent when Redis is unreachable)',
      labelNames: ['queue', 'state'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const { name, counts } of (await queues()) ?? []) {
          for (const [state, count] of Object.entries(counts)) this.set({ queue: name, state }, count);
        }
      },
    });
    new Gauge({
      name: 'health_ingest_queue_oldest_waiting_seconds',
      help: 'Age of the job that has waited longest per queue, 0 when none waits (read on scrape)',
      labelNames: ['queue'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const { name, oldestWaiting } of (await queues()) ?? []) this.set({ queue: name }, oldestWaiting?.ageSeconds ?? 0);
      },
    });
  }
  if (sources.outboxDead) {
    const dead = oncePerScrape(sources.outboxDead, 'outbox dead letters');
    new Gauge({
      name: 'health_ingest_outbox_dead_events',
      help: 'Outbox events that exhausted their attempts and wait for a replay (read on scrape)',
      registers: [registry],
      async collect() {
        // NaN, not 0, when unreadable: an unlabelled gauge cannot be absent, and 0 would say "none"
        this.set((await dead()) ?? Number.NaN);
      },
    });
  }
  if (sources.jobLastSuccess) {
    const last = oncePerScrape(sources.jobLastSuccess, 'job runs');
    new Gauge({
      name: 'health_ingest_job_last_success_timestamp_seconds',
      help: 'When each built-in job last succeeded on any replica, Unix seconds (read on scrape; absent for a job that never did)',
      labelNames: ['job'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const [job, at] of (await last()) ?? new Map<string, Date>()) this.set({ job }, at.getTime() / 1000);
      },
    });
  }
  if (sources.outboxBacklog) {
    const backlog = oncePerScrape<OutboxBacklog>(sources.outboxBacklog, 'outbox backlog');
    new Gauge({
      name: 'health_ingest_outbox_pending_events',
      help: 'Outbox events not yet processed (read on scrape)',
      registers: [registry],
      async collect() {
        this.set((await backlog())?.pending ?? Number.NaN);
      },
    });
    new Gauge({
      name: 'health_ingest_outbox_lag_seconds',
      help: 'Age of the oldest pending outbox event, 0 when none (read on scrape)',
      registers: [registry],
      async collect() {
        this.set((await backlog())?.oldestAgeSeconds ?? Number.NaN);
      },
    });
  }

  if (sources.importCounts) {
    const counts = oncePerScrape(sources.importCounts, 'import counts');
    new Gauge({
      name: 'health_ingest_imports',
      help: 'Imports by status: queued, running, completed, failed, cancelled (read on scrape)',
      labelNames: ['status'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        const found = await counts();
        if (found === null) return;
        for (const status of ['queued', 'running', 'completed', 'failed', 'cancelled']) this.set({ status }, found.get(status) ?? 0);
      },
    });
  }

  if (sources.webhookBacklog) {
    const backlog = oncePerScrape(sources.webhookBacklog, 'webhook backlog');
    const perEndpoint = (name: string, help: string, value: (row: EndpointBacklog) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['endpoint'] as const,
        registers: [registry],
        async collect() {
          this.reset();
          for (const row of (await backlog()) ?? []) this.set({ endpoint: row.endpointId }, value(row));
        },
      });
    perEndpoint('health_ingest_webhook_pending_deliveries', 'Webhook deliveries not yet delivered nor given up, per endpoint (read on scrape)', (row) => row.pending);
    perEndpoint(
      'health_ingest_webhook_oldest_undelivered_seconds',
      'Age of the oldest event with an undelivered webhook, per endpoint; 0 when none (read on scrape)',
      (row) => row.oldestAgeSeconds,
    );
    perEndpoint('health_ingest_webhook_endpoint_disabled', '1 when the webhook endpoint is disabled (read on scrape)', (row) => (row.disabled ? 1 : 0));
  }

  return {
    registry,
    observeHttp(method, route, status, seconds) {
      http.observe({ method, route, status }, seconds);
      // 429 is RATE_LIMITED's status alone (CONTRACT §2): counted wherever the limit is enforced
      if (status === 429) {
        rateLimited.inc();
        rates?.rateLimited();
      }
    },
    observeSamples(path, count, failures) {
      if (count > 0) accepted.inc({ path }, count);
      for (const failure of failures) failed.inc({ path, code: failure.code });
      rates?.samples(count, failures.map((failure) => failure.code));
    },
    observeShed() {
      shed.inc();
      rates?.shed();
    },
    observeImportGroup(records, bytesRead) {
      for (const outcome of ['accepted', 'unchanged', 'failed'] as const) {
        if (records[outcome] > 0) importRecords.inc({ outcome }, records[outcome]);
      }
      if (bytesRead > 0) importBytes.inc(bytesRead);
    },
    observeJobRun(job, status, seconds) {
      jobRuns.inc({ job, status });
      jobDuration.observe({ job, status }, seconds);
    },
    observeWebhook(observation, count = 1) {
      if (observation.kind === 'attempt') webhookAttempts.inc({ result: observation.result }, count);
      else if (observation.kind === 'finished') webhookDeliveries.inc({ outcome: observation.outcome }, count);
      else webhookDisabled.inc(count);
    },
    async scrape() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
