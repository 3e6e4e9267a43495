// bun run start:api — the HTTP API only (scaled deployments run workers separately).
import { buildApi } from './services.ts';
import { onShutdown, startRuntime } from './startup.ts';

const runtime = await startRuntime(16);
const api = buildApi(runtime);
const server = api.app.listen({ port: runtime.config.port, maxRequestBodySize: runtime.config.maxJobPayloadBytes * 2 });
runtime.log.info({ port: server.server?.port }, 'api listening');

onShutdown(runtime.log, [
  { name: 'http', run: async () => server.stop() },
  { name: 'queue', run: () => api.close() },
  { name: 'postgres', run: () => runtime.db.end({ timeout: 5 }) },
]);
