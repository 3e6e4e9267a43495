// bun run start:worker — queue worker (+ outbox processor, webhook delivery and cron jobs), no HTTP.
import { createMetrics } from './metrics.ts';
import { buildDeliveryThread, buildJobRunner, buildJobSchedule, buildOutboxThread, buildWorker } from './start/parts.ts';
import { serveWorkerMetrics } from './start/worker-metrics.ts';
import { OUTBOX_SHUTDOWN_STEP_MS, WEBHOOK_SHUTDOWN_STEP_MS } from './limits.ts';
import { listenOrExit, onShutdown, POOL_SIZES, startRuntime } from './start/runtime.ts';

const runtime = await startRuntime(POOL_SIZES.worker);
const { config, log } = runtime;
const metrics = createMetrics({ log });
// listen first: a port in use stops the process before it takes any job
const metricsPort = config.metricsPort;
const metricsServer = metricsPort === null ? null : listenOrExit('METRICS_PORT', metricsPort, () => serveWorkerMetrics(metricsPort, metrics));
const worker = buildWorker(runtime, { metrics });
const outbox = buildOutboxThread(runtime);
const webhooks = buildDeliveryThread(runtime, metrics);
await Promise.all([outbox.start(), webhooks.start()]);
const cron = buildJobSchedule(runtime, buildJobRunner(runtime, { metrics }));
log.info({ concurrency: config.workerConcurrency }, 'worker started');

onShutdown(log, [
  { name: 'cron', run: () => cron.close() },
  { name: 'metrics', run: async () => metricsServer?.stop() },
  { name: 'worker', run: () => worker.close() },
  { name: 'outbox', run: () => outbox.close(), timeoutMs: OUTBOX_SHUTDOWN_STEP_MS },
  { name: 'webhooks', run: () => webhooks.close(), timeoutMs: WEBHOOK_SHUTDOWN_STEP_MS },
  { name: 'postgres', run: () => runtime.db.end({ timeout: 5 }) },
]);
