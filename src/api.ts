// bun run start:api — the HTTP API only (scaled deployments run workers separately).
import { lastResortErrorHandler } from './http/plugins/problems.ts';
import { buildApi } from './start/parts.ts';
import { listenOrExit, maxRequestBodyBytes, onShutdown, POOL_SIZES, startRuntime } from './start/runtime.ts';

const runtime = await startRuntime(POOL_SIZES.api);
const { config, log } = runtime;
const api = buildApi(runtime);
const server = listenOrExit('PORT', config.port, () =>
  api.app.listen({ port: config.port, reusePort: false, maxRequestBodySize: maxRequestBodyBytes(config), error: lastResortErrorHandler(log) }),
);
log.info({ port: server.server?.port }, 'api listening');

onShutdown(log, [
  { name: 'http', run: async () => server.stop() },
  { name: 'queue', run: () => api.close() },
  { name: 'postgres', run: () => runtime.db.end({ timeout: 5 }) },
]);
