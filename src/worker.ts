// bun run start:worker — queue worker (+ outbox processor and cron jobs), no HTTP.
import { buildOutboxProcessor, buildWorker } from './services.ts';
import { onShutdown, startRuntime } from './startup.ts';

const runtime = await startRuntime(8);
const worker = buildWorker(runtime);
const outbox = buildOutboxProcessor(runtime);
await outbox.start();
runtime.log.info({ concurrency: runtime.config.workerConcurrency }, 'worker started');

onShutdown(runtime.log, [
  { name: 'worker', run: () => worker.close() },
  { name: 'outbox', run: () => outbox.close() },
  { name: 'postgres', run: () => runtime.db.end({ timeout: 5 }) },
]);
