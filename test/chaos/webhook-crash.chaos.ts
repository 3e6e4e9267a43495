// Chaos: the delivery side crashes under sustained ingest.
// 1. The delivery worker (in `src/worker.ts`, beside `src/api.ts`) SIGKILLed while its requests
//    are in flight (the receiver holds them): a new worker takes the lanes over when their lease
//    runs out and sends those heads again with the same webhook-id; every change arrives at least
//    once, in order per user.
// 2. PostgreSQL restarted (fast, then immediate) while `src/main.ts` delivers: nothing lost,
//    order kept, clients see only the answers the contract allows.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { ServiceChild } from '../support/processes.ts';
import { startStack, type Stack } from './lib/stack.ts';
import { CHAOS_RETRY_SCHEDULE, downableReceiver, expectEveryChangeDelivered, registerEndpoint, sustainedIngest } from './lib/webhooks.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_SCHEDULE_SECONDS: CHAOS_RETRY_SCHEDULE, REAPER_STALE_AFTER_SECONDS: '3' });
});
afterAll(() => stack?.destroy());

test('delivery worker SIGKILLed mid-send: the heads are sent again after the lease, nothing lost, order kept', async () => {
  const api = await stack.start('src/api.ts');
  let worker: ServiceChild = await stack.start('src/worker.ts');
  const receiver = downableReceiver();
  let holding = false;
  receiver.respond = async () => {
    while (holding) await Bun.sleep(50);
    return new Response('ok');
  };
  await registerEndpoint(api.baseUrl, receiver.url);
  const users = Array.from({ length: 4 }, () => crypto.randomUUID());
  const started = Date.now();
  let killedWith = 0;
  const crash = (async () => {
    await Bun.sleep(4_000);
    holding = true; // requests now hang at the receiver: the worker is mid-send on every lane
    const before = receiver.received.length;
    while (receiver.received.length < before + users.length) await Bun.sleep(20);
    await worker.kill('SIGKILL');
    killedWith = receiver.received.length - before;
    holding = false;
    worker = await stack.start('src/worker.ts');
  })();
  const ingest = await sustainedIngest(stack, () => api.baseUrl, users, () => Date.now() - started > 15_000);
  await crash;
  const report = await expectEveryChangeDelivered(stack.sql, receiver, users, 90_000);
  const ids = receiver.received.map((w) => w.id);
  const repeated = ids.length - new Set(ids).size;
  console.log(`killed with ${killedWith} requests in flight; ${repeated} sent again; per user ${JSON.stringify(report)}; client answers ${JSON.stringify(ingest.log.answers)}`);
  expect(ingest.log.violations).toEqual([]);
  expect(killedWith).toBeGreaterThanOrEqual(users.length);
  expect(repeated).toBeGreaterThanOrEqual(users.length);
  await worker.kill('SIGTERM');
  await api.kill('SIGTERM');
  await receiver.stop();
}, 180_000);

test('PostgreSQL restarted twice mid-delivery: every change delivered, in order', async () => {
  const service = await stack.start('src/main.ts');
  const receiver = downableReceiver();
  await registerEndpoint(service.baseUrl, receiver.url);
  const users = Array.from({ length: 4 }, () => crypto.randomUUID());
  let faultsOver = false;
  const restarts: string[] = [];
  const restarter = (async () => {
    for (const mode of ['fast', 'immediate'] as const) {
      await Bun.sleep(3_000);
      const started = Date.now();
      stack.pg.stop(mode);
      await Bun.sleep(1_500);
      stack.pg.start();
      restarts.push(`${mode}: down ${Date.now() - started} ms`);
    }
    await Bun.sleep(3_000);
    faultsOver = true;
  })();
  const ingest = await sustainedIngest(stack, () => service.baseUrl, users, () => faultsOver);
  await restarter;
  const report = await expectEveryChangeDelivered(stack.sql, receiver, users, 90_000);
  const ids = receiver.received.map((w) => w.id);
  console.log(`PostgreSQL ${restarts.join('; ')}; ${ids.length - new Set(ids).size} sent again; per user ${JSON.stringify(report)}; client answers ${JSON.stringify(ingest.log.answers)}`);
  expect(restarts).toHaveLength(2);
  expect(ingest.log.violations).toEqual([]);
  expect(service.process.exitCode).toBeNull();
  await service.kill('SIGTERM');
  await receiver.stop();
}, 180_000);
