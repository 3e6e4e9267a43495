// Chaos: the queue worker is SIGKILLed mid-job (split deployment: src/api.ts + src/worker.ts).
// The jobs' requests are 'processing' with a heartbeat that stops; the client's re-send under the
// same requestId takes them over once REAPER_STALE_AFTER_SECONDS (2 here) have passed, a new
// worker processes the new attempts, and the dead worker's jobs — re-delivered by BullMQ as
// stalled — find their attempt superseded and write nothing.
// Ends with: rows stored = unique valid keys sent; no duplicates; every request completed.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { batch, heartRate } from '../support/batches.ts';
import type { ServiceChild } from '../support/processes.ts';
import { newLog, sendUntilCompleted } from './lib/client.ts';
import { keyOfSample, requestStatuses, startStack, storedKeys, type Stack } from './lib/stack.ts';
import { until } from '../support/poll.ts';

let stack: Stack;
let api: ServiceChild;

beforeAll(async () => {
  stack = await startStack({ REAPER_STALE_AFTER_SECONDS: '2', WORKER_CONCURRENCY: '4' });
  api = await stack.start('src/api.ts');
});
afterAll(() => stack?.destroy());

const MINUTE = 60_000;
const samplesFrom = (first: number, n: number) =>
  Array.from({ length: n }, (_, i) => heartRate({ sourceRecordId: `r-${first + i}`, value: 60 + ((first + i) % 100), startAt: new Date(Date.UTC(2026, 9, 1) + (first + i) * MINUTE).toISOString() }));

test('worker SIGKILLed while it holds jobs mid-write; the client re-sends; nothing lost, nothing doubled', async () => {
  const userId = crypto.randomUUID();
  const token = await stack.token(userId);
  // three queued batches (≥ 400 items) with overlapping keys: 0..399, 200..599, 400..849
  const bodies = [batch(samplesFrom(0, 400)), batch(samplesFrom(200, 400)), batch(samplesFrom(400, 450))];
  const expected = new Set(bodies.flatMap((b) => b.samples.map(keyOfSample)));

  // Hold the user's write lock (the advisory lock every write transaction takes first), so the
  // worker's transactions stop mid-job, after their requests turned 'processing'.
  const reserved = await stack.sql.reserve();
  await reserved`BEGIN`;
  await reserved`SELECT pg_advisory_xact_lock(hashtextextended(${userId}::text, 0))`;
  let worker = await stack.start('src/worker.ts');
  const log = newLog();
  for (const body of bodies) {
    const response = await fetch(`${api.baseUrl}/api/v1/health/samples/batch-upsert`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(202);
  }
  await until(() => requestStatuses(stack.sql, userId), (s) => s.processing === 3, 20_000, 'every request processing');
  const [{ waiting }] = await stack.sql<[{ waiting: number }]>`
    SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE application_name = 'health-ingest' AND wait_event_type = 'Lock'`;
  expect(waiting).toBeGreaterThanOrEqual(1);

  await worker.kill('SIGKILL');
  await reserved`ROLLBACK`;
  reserved.release();
  worker = await stack.start('src/worker.ts');

  const started = Date.now();
  const results = await Promise.all(bodies.map((body) => sendUntilCompleted(body, { baseUrl: () => api.baseUrl, token, log, deadlineMs: 90_000 })));
  console.log(`worker kill: all ${bodies.length} requests completed ${Date.now() - started} ms after the kill; answers ${JSON.stringify(log.answers)}`);

  expect(log.violations).toEqual([]);
  expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
  expect(results.reduce((n, r) => n + r.body.accepted, 0)).toBe(400 + 400 + 450);
  const stored = await storedKeys(stack.sql, userId);
  expect(stored.rows).toBe(expected.size);
  expect(stored.keys).toEqual(expected);
  expect(await requestStatuses(stack.sql, userId)).toEqual({ completed: 3 });
  // the takeover is visible: each request needed a second attempt
  const attempts = await stack.sql<{ attempts: number }[]>`SELECT attempts FROM health_ingest_requests WHERE user_id = ${userId}`;
  expect(attempts.every((r) => r.attempts >= 2)).toBe(true);
  // nothing left hanging in the database
  const [{ idle }] = await stack.sql<[{ idle: number }]>`
    SELECT count(*)::int AS idle FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()`;
  expect(idle).toBe(0);
}, 180_000);

test('a worker SIGKILLed at random moments of a 20-batch backfill (3 kills): every batch completes exactly once', async () => {
  const userId = crypto.randomUUID();
  const token = await stack.token(userId);
  const bodies = Array.from({ length: 20 }, (_, i) => batch(samplesFrom(i * 300, 400))); // overlapping by 100
  const expected = new Set(bodies.flatMap((b) => b.samples.map(keyOfSample)));
  let worker = await stack.start('src/worker.ts');
  const log = newLog();
  let sending = true;
  const killer = (async () => {
    for (let kill = 0; kill < 3 && sending; kill++) {
      await Bun.sleep(100 + Math.random() * 400);
      await worker.kill('SIGKILL');
      await Bun.sleep(Math.random() * 300);
      worker = await stack.start('src/worker.ts');
    }
  })();
  const results = await Promise.all(
    [0, 1, 2, 3].map(async (lane) => {
      const mine = bodies.filter((_, i) => i % 4 === lane);
      const out = [];
      for (const body of mine) out.push(await sendUntilCompleted(body, { baseUrl: () => api.baseUrl, token, log, deadlineMs: 120_000 }));
      return out;
    }),
  );
  sending = false;
  await killer;
  const attempts = await stack.sql<{ attempts: number; n: number }[]>`
    SELECT attempts, count(*)::int AS n FROM health_ingest_requests WHERE user_id = ${userId} GROUP BY attempts ORDER BY attempts`;
  console.log(`random worker kills: answers ${JSON.stringify(log.answers)}; requests by attempts ${JSON.stringify(attempts.map((r) => [r.attempts, r.n]))}`);
  expect(log.violations).toEqual([]);
  expect(results.flat().every((r) => r.status === 200 && r.body.accepted === 400)).toBe(true);
  const stored = await storedKeys(stack.sql, userId);
  expect(stored.rows).toBe(expected.size);
  expect(stored.keys).toEqual(expected);
  expect(await requestStatuses(stack.sql, userId)).toEqual({ completed: 20 });
}, 240_000);
