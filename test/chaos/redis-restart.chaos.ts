// Chaos: Redis (no persistence) is SIGKILLed and restarted during a backfill of queued batches
// through `bun run src/main.ts`. While it is down, uploads answer 503 QUEUE_UNAVAILABLE with
// Retry-After and the client retries the same requestId. Jobs that were waiting in Redis are
// gone with it: their requests stay 'queued' (a re-send answers 409) until the reaper fails
// them — after its grace of 120 s — and the next re-send processes them from scratch. The
// client triggers the reaper through POST /admin/jobs/reaper/run while it waits, as an operator
// (or the 15-minute cron) would.
// Ends with: rows stored = unique valid keys sent; no duplicates; every request completed.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { batch, heartRate } from '../support/batches.ts';
import type { ServiceChild } from '../support/processes.ts';
import { newLog, sendUntilCompleted } from './lib/client.ts';
import { ADMIN_KEY, keyOfSample, requestStatuses, startStack, storedKeys, type Stack } from './lib/stack.ts';

let stack: Stack;
let service: ServiceChild;

beforeAll(async () => {
  // one worker slot, so that jobs are still waiting in Redis when it dies
  stack = await startStack({ WORKER_CONCURRENCY: '1' });
  service = await stack.start('src/main.ts');
});
afterAll(() => stack?.destroy());

const MINUTE = 60_000;

test('Redis killed and restarted mid-backfill: 503s with Retry-After, lost jobs recovered, every batch stored once', async () => {
  const userId = crypto.randomUUID();
  const token = await stack.token(userId);
  const log = newLog();
  const bodies = Array.from({ length: 24 }, (_, i) =>
    batch(Array.from({ length: 400 }, (_, j) => {
      const k = i * 350 + j; // consecutive batches overlap by 50 keys
      return heartRate({ sourceRecordId: `b-${k}`, value: 40 + (k % 200), startAt: new Date(Date.UTC(2026, 6, 1) + k * MINUTE).toISOString() });
    })),
  );
  const expected = new Set(bodies.flatMap((b) => b.samples.map(keyOfSample)));
  const reaperRuns: string[] = [];
  let lastReaperRun = 0;
  const runReaper = async () => {
    if (Date.now() - lastReaperRun < 10_000) return;
    lastReaperRun = Date.now();
    const response = await fetch(`${service.baseUrl}/admin/jobs/reaper/run`, { method: 'POST', headers: { 'x-api-key': ADMIN_KEY } });
    const run = await response.text();
    reaperRuns.push(`${response.status} ${run.slice(0, 160)}`);
  };
  let outage = '';
  const started = Date.now();
  // the backfill arrives at once (a phone back online): 24 uploads accepted, most jobs still waiting
  const first = await Promise.all(
    bodies.map((body) =>
      fetch(`${service.baseUrl}/api/v1/health/samples/batch-upsert`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      }).then((r) => r.status),
    ),
  );
  const fault = (async () => {
    const killedAt = Date.now();
    await stack.redis.kill();
    await Bun.sleep(1500);
    await stack.redis.start();
    outage = `Redis down ${Date.now() - killedAt} ms`;
  })();
  // then each client re-sends its batches until completed
  const results = await Promise.all(
    [0, 1, 2, 3].map(async (lane) => {
      const out = [];
      for (const body of bodies.filter((_, i) => i % 4 === lane)) {
        out.push(
          await sendUntilCompleted(body, {
            baseUrl: () => service.baseUrl,
            token,
            log,
            deadlineMs: 240_000,
            // a request still 'queued' after many 409s has lost its job: ask for the reaper
            onStuck: async (_, attempts) => (attempts > 5 ? runReaper() : undefined),
          }),
        );
      }
      return out;
    }),
  );
  await fault;
  const statuses = await stack.sql<{ attempts: number; n: number }[]>`
    SELECT attempts, count(*)::int AS n FROM health_ingest_requests WHERE user_id = ${userId} GROUP BY attempts ORDER BY attempts`;
  console.log(
    `Redis restart: first answers ${JSON.stringify(first.reduce<Record<number, number>>((m, s) => ((m[s] = (m[s] ?? 0) + 1), m), {}))}; ${outage}; all ${bodies.length} batches completed after ${Date.now() - started} ms; answers ${JSON.stringify(log.answers)}; ` +
      `requests by attempts ${JSON.stringify(statuses.map((r) => [r.attempts, r.n]))}; reaper runs: ${reaperRuns.length ? reaperRuns.join(' | ') : 'none needed'}`,
  );
  expect(log.violations).toEqual([]);
  expect(results.flat().every((r) => r.status === 200 && r.body.accepted === 400)).toBe(true);
  const stored = await storedKeys(stack.sql, userId);
  expect(stored.rows).toBe(expected.size);
  expect(stored.keys).toEqual(expected);
  expect(await requestStatuses(stack.sql, userId)).toEqual({ completed: bodies.length });
}, 300_000);
