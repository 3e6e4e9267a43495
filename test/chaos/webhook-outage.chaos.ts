// Chaos: webhook receivers that fail under sustained ingest (`bun run src/main.ts`).
// 1. The receiver is down (connection refused) for a minute while 4 users keep uploading: once it
//    is back, every change of every user arrives at least once, in seq order per user, none lost
//    (seq sets per user = 1..watermark).
// 2. A slow receiver (10 s per request) beside a fast one: the fast endpoint keeps its lag within
//    seconds, uploads are not slowed, and the slow one still gets its events in order.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { ServiceChild } from '../support/processes.ts';
import { startStack, type Stack } from './lib/stack.ts';
import { CHAOS_RETRY_SCHEDULE, downableReceiver, expectEveryChangeDelivered, registerEndpoint, sustainedIngest } from './lib/webhooks.ts';

let stack: Stack;
let service: ServiceChild;

beforeAll(async () => {
  stack = await startStack({ WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_SCHEDULE_SECONDS: CHAOS_RETRY_SCHEDULE });
  service = await stack.start('src/main.ts');
});
afterAll(() => stack?.destroy());

const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))] ?? 0;

test('receiver down for a minute under sustained ingest: afterwards every change arrived, in order per user', async () => {
  const receiver = downableReceiver();
  const endpoint = await registerEndpoint(service.baseUrl, receiver.url);
  const users = Array.from({ length: 4 }, () => crypto.randomUUID());
  const started = Date.now();
  const phases: string[] = [];
  const outage = (async () => {
    await Bun.sleep(5_000);
    await receiver.down();
    phases.push(`down at ${Date.now() - started} ms with ${receiver.received.length} received`);
    await Bun.sleep(60_000);
    receiver.up();
    phases.push(`up at ${Date.now() - started} ms`);
  })();
  const ingest = await sustainedIngest(stack, () => service.baseUrl, users, () => Date.now() - started > 75_000);
  await outage;
  const report = await expectEveryChangeDelivered(stack.sql, receiver, users);
  const drainedAfterMs = Date.now() - started - 65_000;
  console.log(
    `receiver ${phases.join(', ')}; uploads ${[...ingest.uploads.values()].join('+')}; per user ${JSON.stringify(report)}; all delivered ${drainedAfterMs} ms after it came back; client answers ${JSON.stringify(ingest.log.answers)}`,
  );
  expect(ingest.log.violations).toEqual([]);
  const [undelivered] = await stack.sql<{ failed: number }[]>`SELECT count(*)::int AS failed FROM webhook_deliveries WHERE endpoint_id = ${endpoint.id} AND status <> 'delivered'`;
  expect(undelivered!.failed).toBe(0);
  await receiver.stop();
}, 240_000);

test('a slow receiver (10 s per request) does not slow another endpoint or ingest', async () => {
  const slow = downableReceiver();
  slow.respond = async () => (await Bun.sleep(10_000), new Response('late'));
  const fast = downableReceiver();
  await registerEndpoint(service.baseUrl, slow.url);
  await registerEndpoint(service.baseUrl, fast.url);
  const users = Array.from({ length: 4 }, () => crypto.randomUUID());
  const started = Date.now();
  const ingest = await sustainedIngest(stack, () => service.baseUrl, users, () => Date.now() - started > 30_000);
  const report = await expectEveryChangeDelivered(stack.sql, fast, users, 30_000);
  // lag of the fast endpoint: receipt − the event's time (its body timestamp: when the change was written)
  const lags = fast.received.map((w) => w.receivedAt - Date.parse(w.json.timestamp));
  const slowSeen = slow.received.length;
  console.log(
    `fast endpoint: ${fast.received.length} webhooks, lag p50 ${quantile(lags, 0.5)} ms, p99 ${quantile(lags, 0.99)} ms, max ${Math.max(...lags)} ms; slow endpoint: ${slowSeen} requests in ${Math.round((Date.now() - started) / 1000)} s; upload p99 ${Math.round(quantile(ingest.latenciesMs, 0.99))} ms; per user ${JSON.stringify(report)}`,
  );
  expect(ingest.log.violations).toEqual([]);
  expect(quantile(lags, 0.99)).toBeLessThan(2_000);
  expect(quantile(ingest.latenciesMs, 0.99)).toBeLessThan(1_000);
  // the slow endpoint gets one request per lane at a time, in order
  expect(slowSeen).toBeGreaterThanOrEqual(users.length);
  for (const userId of users) {
    const seqs = slow.received.filter((w) => w.json.data.userId === userId).map((w) => w.json.data.minRequiredSeq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
  }
  await slow.stop();
  await fast.stop();
}, 120_000);
