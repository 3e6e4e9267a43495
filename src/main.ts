// bun run start — everything in one process: HTTP API, queue worker, outbox processor, webhook delivery, cron.
import { lastResortErrorHandler } from './http/plugins/problems.ts';
import { buildApi, buildDeliveryThread, buildJobSchedule, buildOutboxThread, buildWorker } from './start/parts.ts';
import { OUTBOX_SHUTDOWN_STEP_MS, WEBHOOK_SHUTDOWN_STEP_MS } from './limits.ts';
import { listenOrExit, maxRequestBodyBytes, onShutdown, POOL_SIZES, startRuntime } from './start/runtime.ts';

const runtime = await startRuntime(POOL_SIZES.all);
const { config, log } = runtime;
const api = buildApi(runtime);
// listen first: a port in use stops the process before its worker takes any job
const server = listenOrExit('PORT', config.port, () =>
  api.app.listen({ port: config.port, reusePort: false, maxRequestBodySize: maxRequestBodyBytes(config), error: lastResortErrorHandler(log) }),
);
const worker = buildWorker(runtime, { metrics: api.metrics });
const outbox = buildOutboxThread(runtime);
const webhooks = buildDeliveryThread(runtime, api.metrics);
await Promise.all([outbox.start(), webhooks.start()]);
const cron = buildJobSchedule(runtime, api.jobs);
log.info({ port: server.server?.port, concurrency: config.workerConcurrency }, 'health-ingest started');

onShutdown(log, [
  { name: 'http', run: async () => server.stop() },
  { name: 'cron', run: () => cron.close() },
  { name: 'worker', run: () => worker.close() },
  { name: 'outbox', run: () => outbox.close(), timeoutMs: OUTBOX_SHUTDOWN_STEP_MS },
  { name: 'webhooks', run: () => webhooks.close(), timeoutMs: WEBHOOK_SHUTDOWN_STEP_MS },
  { name: 'queue', run: () => api.close() },
  { name: 'postgres', run: () => runtime.db.end({ timeout: 5 }) },
]);
