// Chaos: the API process is SIGKILLed mid-transaction on the inline path. Its write transaction
// is held mid-way on the user's lock, then the process dies: PostgreSQL rolls everything back
// (no request row, no samples), the client sees a dropped connection, retries the same body
// with the same requestId against a restarted API and gets it processed exactly once.
// Ends with: rows stored = unique valid keys sent; no duplicates; every request completed.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { batch, heartRate } from '../support/batches.ts';
import type { ServiceChild } from '../support/processes.ts';
import { newLog, sendUntilCompleted } from './lib/client.ts';
import { keyOfSample, requestStatuses, startStack, storedKeys, type Stack } from './lib/stack.ts';
import { until } from '../support/poll.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.destroy());

const MINUTE = 60_000;

test('API SIGKILLed while its inline transaction waits mid-way; the same requestId is retried and processed once', async () => {
  let api: ServiceChild = await stack.start('src/api.ts');
  const userId = crypto.randomUUID();
  const token = await stack.token(userId);
  const samples = Array.from({ length: 120 }, (_, i) =>
    heartRate({ sourceRecordId: `a-${i % 100}`, value: 50 + i, startAt: new Date(Date.UTC(2026, 9, 1) + (i % 100) * MINUTE).toISOString() }),
  );
  samples.push(heartRate({ value: 5000 })); // one invalid sample: 207
  const body = batch(samples);
  const expected = new Set(samples.slice(0, 120).map(keyOfSample));

  const reserved = await stack.sql.reserve();
  await reserved`BEGIN`;
  await reserved`SELECT pg_advisory_xact_lock(hashtextextended(${userId}::text, 0))`;
  const first = fetch(`${api.baseUrl}/api/v1/health/samples/batch-upsert`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  }).then(
    (response) => `answered ${response.status}`,
    (error: Error) => `failed: ${error.name}`,
  );
  await until(
    async () =>
      (await stack.sql<{ n: number }[]>`
        SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'health-ingest' AND wait_event_type = 'Lock'`)[0]!.n,
    (n) => n >= 1,
    4_000, // statement_timeout is 5 s: kill well before it
    'the API transaction waits on the user lock',
  );
  await api.kill('SIGKILL');
  expect(await first).toMatch(/^failed/);
  await reserved`ROLLBACK`;
  reserved.release();

  // the killed transaction left nothing: no samples, no request, no watermark bump
  await until(
    async () => (await stack.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'health-ingest'`)[0]!.n,
    (n) => n === 0,
    10_000,
    'the dead backend is gone',
  );
  expect((await storedKeys(stack.sql, userId)).rows).toBe(0);
  expect(await requestStatuses(stack.sql, userId)).toEqual({});

  api = await stack.start('src/api.ts');
  const log = newLog();
  const result = await sendUntilCompleted(body, { baseUrl: () => api.baseUrl, token, log, deadlineMs: 30_000 });
  console.log(`API kill: retry answered ${result.status} after ${result.attempts} attempt(s); answers ${JSON.stringify(log.answers)}`);
  expect(log.violations).toEqual([]);
  expect(result.status).toBe(207);
  expect(result.body).toMatchObject({ accepted: 120, unchanged: 0, watermarkSeq: 1 });
  const stored = await storedKeys(stack.sql, userId);
  expect(stored.rows).toBe(expected.size);
  expect(stored.keys).toEqual(expected);
  // and a further re-send is a replay
  const replay = await fetch(`${api.baseUrl}/api/v1/health/samples/batch-upsert`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(replay.status).toBe(207);
  expect(replay.headers.get('idempotent-replayed')).toBe('true');
  expect(await requestStatuses(stack.sql, userId)).toEqual({ completed: 1 });
}, 120_000);

test('API SIGKILLed at random moments under 4 clients of inline uploads (5 kills): each request completed once', async () => {
  let api: ServiceChild = await stack.start('src/api.ts');
  let down = false;
  const userIds = Array.from({ length: 4 }, () => crypto.randomUUID());
  const log = newLog();
  const expected = new Map<string, Set<string>>();
  let running = true;
  const killer = (async () => {
    for (let kill = 0; kill < 5 && running; kill++) {
      await Bun.sleep(200 + Math.random() * 600);
      down = true;
      await api.kill('SIGKILL');
      api = await stack.start('src/api.ts');
      down = false;
    }
  })();
  await Promise.all(
    userIds.map(async (userId, lane) => {
      const token = await stack.token(userId);
      const keys = new Set<string>();
      expected.set(userId, keys);
      for (let i = 0; i < 25; i++) {
        const samples = Array.from({ length: 60 }, (_, j) =>
          heartRate({ sourceRecordId: `k-${(i * 40 + j) % 400}`, value: 40 + ((i + j + lane) % 200), startAt: new Date(Date.UTC(2026, 9, 1) + ((i * 40 + j) % 400) * MINUTE).toISOString() }),
        );
        for (const s of samples) keys.add(keyOfSample(s));
        const result = await sendUntilCompleted(batch(samples), { baseUrl: () => api.baseUrl, token, log, apiMayBeDown: () => true, deadlineMs: 60_000 });
        if (result.status !== 200 || result.body.accepted !== 60) log.violations.push(`unexpected result ${result.status} ${JSON.stringify(result.body).slice(0, 200)}`);
      }
    }),
  );
  running = false;
  await killer;
  console.log(`random API kills: answers ${JSON.stringify(log.answers)} (down at the end: ${down})`);
  expect(log.violations).toEqual([]);
  for (const userId of userIds) {
    const stored = await storedKeys(stack.sql, userId);
    expect(stored.rows).toBe(expected.get(userId)!.size);
    expect(stored.keys).toEqual(expected.get(userId)!);
    expect(await requestStatuses(stack.sql, userId)).toEqual({ completed: 25 });
  }
}, 180_000);
