// Prometheus metrics (GET /metrics). One registry per process part (tests run several services in
// one process), created at start-up. Hot-path cost is one histogram observe per request and a
// counter increment per upload; everything that needs I/O (queue depth, outbox backlog and lag) is
// read on scrape, each source bounded so a dead dependency makes the scrape lose a gauge, not hang.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { JobRunStatus, QueueCountsBodyT } from './domain/operations/operations-schema.ts';
import type { SampleFailure } from './domain/types.ts';
import type { Logger } from './log.ts';
import { bounded } from './bounded.ts';
import type { OutboxBacklog } from './outbox/backlog.ts';

export type IngestPath = 'inline' | 'queued';

export interface ScrapeSources {
  /** per queue name */
  queueCounts?: () => Promise<{ name: string; counts: QueueCountsBodyT }[]>;
  outboxBacklog?: () => Promise<OutboxBacklog>;
}

export interface Metrics {
  registry: Registry;
  observeHttp(method: string, route: string, status: number, seconds: number): void;
  /** a batch's valid samples and per-sample failures, once it is committed (inline) or queued */
  observeSamples(path: IngestPath, accepted: number, failures: readonly SampleFailure[]): void;
  observeJobRun(job: string, status: JobRunStatus, seconds: number): void;
  /** the Prometheus text exposition, scrape sources included */
  scrape(): Promise<{ contentType: string; body: string }>;
}

const SCRAPE_SOURCE_TIMEOUT_MS = 1000;

export function createMetrics(options: { sources?: ScrapeSources; log?: Logger; processMetrics?: boolean } = {}): Metrics {
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

  const warn = (what: string, error: unknown) => options.log?.warn({ err: error, source: what }, 'metrics source unavailable');

  if (sources.queueCounts) {
    const read = sources.queueCounts;
    new Gauge({
      name: 'health_ingest_queue_jobs',
      help: 'BullMQ jobs by queue and state (read on scrape; absent when Redis is unreachable)',
      labelNames: ['queue', 'state'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        try {
          for (const { name, counts } of await bounded(read(), SCRAPE_SOURCE_TIMEOUT_MS, 'queue counts')) {
            for (const [state, count] of Object.entries(counts)) this.set({ queue: name, state }, count);
          }
        } catch (error) {
          warn('queue', error);
        }
      },
    });
  }
  if (sources.outboxBacklog) {
    const read = sources.outboxBacklog;
    // one read per scrape feeds both gauges
    let pending: Promise<OutboxBacklog | null> | null = null;
    const backlog = () =>
      (pending ??= bounded(read(), SCRAPE_SOURCE_TIMEOUT_MS, 'outbox backlog')
        .catch((error: unknown) => (warn('outbox', error), null))
        .finally(() => setTimeout(() => (pending = null), 0)));
    new Gauge({
      name: 'health_ingest_outbox_pending_events',
      help: 'Outbox events not yet processed (read on scrape)',
      registers: [registry],
      async collect() {
        const value = await backlog();
        if (value) this.set(value.pending);
        else this.reset();
      },
    });
    new Gauge({
      name: 'health_ingest_outbox_lag_seconds',
      help: 'Age of the oldest pending outbox event, 0 when none (read on scrape)',
      registers: [registry],
      async collect() {
        const value = await backlog();
        if (value) this.set(value.oldestAgeSeconds);
        else this.reset();
      },
    });
  }

  return {
    registry,
    observeHttp(method, route, status, seconds) {
      http.observe({ method, route, status }, seconds);
    },
    observeSamples(path, count, failures) {
      if (count > 0) accepted.inc({ path }, count);
      for (const failure of failures) failed.inc({ path, code: failure.code });
    },
    observeJobRun(job, status, seconds) {
      jobRuns.inc({ job, status });
      jobDuration.observe({ job, status }, seconds);
    },
    async scrape() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
