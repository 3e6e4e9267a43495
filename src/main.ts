// bun run start — everything in one process: HTTP API, queue worker, outbox processor, cron.
import { buildApi, buildJobSchedule, buildOutboxThread, buildWorker } from './services.ts';
import { onShutdown, startRuntime } from './startup.ts';

const runtime = await startRuntime(20);
const api = buildApi(runtime);
const worker = buildWorker(runtime);
const outbox = buildOutboxThread(runtime);
await outbox.start();
const cron = buildJobSchedule(runtime, api.jobs);
const server = api.app.listen({ port: runtime.config.port, maxRequestBodySize: runtime.config.maxJobPayloadBytes * 2 });
runtime.log.info({ port: server.server?.port, concurrency: runtime.config.workerConcurrency }, 'health-ingest started');

onShutdown(runtime.log, [
  { name: 'http', run: async () => server.stop() },
  { name: 'cron', run: () => cron.close() },
  { name: 'worker', run: () => worker.close() },
  { name: 'outbox', run: () => outbox.close() },
  { name: 'queue', run: () => api.close() },
  { name: 'postgres', run: () => runtime.db.end({ timeout: 5 }) },
]);
