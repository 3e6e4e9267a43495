// bun run start:worker — queue worker (+ outbox processor and cron jobs), no HTTP.
import { createMetrics } from './metrics.ts';
import { buildJobRunner, buildJobSchedule, buildOutboxThread, buildWorker, serveWorkerMetrics } from './services.ts';
import { onShutdown, startRuntime } from './startup.ts';

const runtime = await startRuntime(8);
const worker = buildWorker(runtime);
const outbox = buildOutboxThread(runtime);
await outbox.start();
const metrics = createMetrics({ log: runtime.log });
const cron = buildJobSchedule(runtime, buildJobRunner(runtime, { metrics }));
const metricsServer = runtime.config.metricsPort === null ? null : serveWorkerMetrics(runtime.config.metricsPort, metrics);
runtime.log.info({ concurrency: runtime.config.workerConcurrency }, 'worker started');

onShutdown(runtime.log, [
  { name: 'cron', run: () => cron.close() },
  { name: 'metrics', run: async () => metricsServer?.stop() },
  { name: 'worker', run: () => worker.close() },
  { name: 'outbox', run: () => outbox.close() },
  { name: 'postgres', run: () => runtime.db.end({ timeout: 5 }) },
]);
