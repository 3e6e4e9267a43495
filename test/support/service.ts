// The service as a black box for e2e tests: the real HTTP server on a spare port, over a
// database of its own and a Redis queue prefix of its own, optionally with the queue worker.
import { createUserTokens } from '../../src/auth/user-tokens.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { buildApi, buildDeliveryWorker, buildOutboxProcessor, buildWorker } from '../../src/start/parts.ts';
import { maxRequestBodyBytes } from '../../src/start/runtime.ts';
import type { DeliveryWorkerOptions } from '../../src/webhooks/delivery-worker.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestService {
  baseUrl: string;
  config: Readonly<Config>;
  db: TestDatabase;
  queuePrefix: string;
  token(userId: string, ttlSeconds?: number): Promise<string>;
  /** requests the server is handling right now (Bun's count): a test waits on it, never on time */
  pendingRequests(): number;
  close(): Promise<void>;
}

export async function startTestService(
  options: {
    env?: Record<string, string>;
    worker?: boolean;
    outbox?: boolean;
    /** the webhook delivery worker, on this event loop (options: a fast retry schedule, a clock, …) */
    webhooks?: boolean | Partial<DeliveryWorkerOptions>;
    database?: TestDatabase;
    /** share another service's queue (and Redis keys): a second replica of it */
    queuePrefix?: string;
  } = {},
): Promise<TestService> {
  const db = options.database ?? (await createTestDatabase({ poolSize: 20 }));
  const config = loadConfig({
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...options.env,
  });
  const log = createLogger(config.logLevel);
  const runtime = { config, db: db.sql, log };
  const queuePrefix = options.queuePrefix ?? `hi-test-${crypto.randomUUID().slice(0, 8)}`;
  const api = buildApi(runtime, { queuePrefix });
  // as src/main.ts: the worker counts into the API's metrics (one process)
  const worker = options.worker ? buildWorker(runtime, { queuePrefix, metrics: api.metrics }) : undefined;
  const outbox = options.outbox ? buildOutboxProcessor(runtime) : undefined;
  await outbox?.start();
  const webhooks = options.webhooks
    ? buildDeliveryWorker(runtime, { pollIntervalMs: 100, ...(options.webhooks === true ? {} : options.webhooks) })
    : undefined;
  await webhooks?.start();
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    maxRequestBodySize: maxRequestBodyBytes(config),
    fetch: (request) => api.app.handle(request),
  });
  const tokens = createUserTokens(config.jwtSecret);
  return {
    baseUrl: `http://127.0.0.1:${server.port}`,
    config,
    db,
    queuePrefix,
    token: (userId, ttlSeconds = 3600) => tokens.sign(userId, ttlSeconds),
    pendingRequests: () => server.pendingRequests,
    async close() {
      await server.stop(true);
      await worker?.close();
      await outbox?.close();
      await webhooks?.close();
      await api.close();
      if (!options.database) await db.drop();
    },
  };
}
