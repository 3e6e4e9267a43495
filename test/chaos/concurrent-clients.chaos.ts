// Chaos: 50 concurrent clients of ONE user upload inline batches with overlapping keys through
// `bun run src/main.ts`. Every write of a user serializes on the user's lock, so no deadlock may
// surface (no 503, no 'deadlock detected' in the PostgreSQL log), and for every key the stored
// value is the one of the request the server received last (CONTRACT §4.4: receipt time wins).
// Ends with: rows stored = unique valid keys sent; no duplicates; every request completed.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { batch, heartRate } from '../support/batches.ts';
import type { ServiceChild } from '../support/processes.ts';
import { newLog, sendUntilCompleted } from './lib/client.ts';
import { keyOfSample, requestStatuses, startStack, storedKeys, type Stack } from './lib/stack.ts';

let stack: Stack;
let service: ServiceChild;

beforeAll(async () => {
  stack = await startStack();
  service = await stack.start('src/main.ts');
});
afterAll(() => stack?.destroy());

const MINUTE = 60_000;
const KEYS = 60;
const CLIENTS = 50;
const BATCHES_PER_CLIENT = 6;
const SAMPLES_PER_BATCH = 20;

test('50 clients of one user, overlapping keys: no deadlock surfaces, the last receipt wins every key', async () => {
  const userId = crypto.randomUUID();
  const token = await stack.token(userId);
  const log = newLog();
  /** request ordinal → its requestId and keys; a request's samples all carry value 100 + ordinal/1000 */
  const requests: { requestId: string; keys: string[] }[] = [];
  const expected = new Set<string>();
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let b = 0; b < BATCHES_PER_CLIENT; b++) {
        const ordinal = requests.length;
        const first = Math.floor(Math.random() * KEYS);
        const samples = Array.from({ length: SAMPLES_PER_BATCH }, (_, j) => {
          const k = (first + j * 7) % KEYS; // distinct keys within the batch (7 is coprime to 60)
          return heartRate({ sourceRecordId: `c-${k}`, value: 100 + ordinal / 1000, startAt: new Date(Date.UTC(2026, 9, 1) + k * MINUTE).toISOString() });
        });
        const body = batch(samples);
        requests.push({ requestId: body.requestId, keys: samples.map(keyOfSample) });
        for (const s of samples) expected.add(keyOfSample(s));
        const result = await sendUntilCompleted(body, { baseUrl: () => service.baseUrl, token, log, timeoutMs: 15_000, deadlineMs: 60_000 });
        if (result.status !== 200 || result.body.accepted !== SAMPLES_PER_BATCH) log.violations.push(`client ${client}: ${result.status} ${JSON.stringify(result.body).slice(0, 200)}`);
      }
    }),
  );
  const elapsed = Date.now() - started;

  // a deadlock or a lock timeout would have surfaced as a 503 (or worse)
  expect(log.violations).toEqual([]);
  expect(Object.keys(log.answers)).toEqual(['200']);
  expect(readFileSync(stack.pg.logFile, 'utf8')).not.toContain('deadlock detected');

  const stored = await storedKeys(stack.sql, userId);
  expect(stored.rows).toBe(expected.size);
  expect(stored.keys).toEqual(expected);
  expect(await requestStatuses(stack.sql, userId)).toEqual({ completed: CLIENTS * BATCHES_PER_CLIENT });

  // last receipt wins: for each key, the stored value belongs to a request received last among
  // those that wrote the key (requests received in the same millisecond tie)
  const receivedAt = new Map(
    (await stack.sql<{ request_id: string; received_at: Date }[]>`
      SELECT request_id::text, received_at FROM health_ingest_requests WHERE user_id = ${userId}`).map((r) => [r.request_id, r.received_at.getTime()]),
  );
  const rows = await stack.sql<{ source_id: string; source_record_id: string; start_at: Date; value: number }[]>`
    SELECT source_id, source_record_id, start_at, value FROM health_samples WHERE user_id = ${userId}`;
  const wrong: string[] = [];
  for (const row of rows) {
    const key = `${row.source_id}|${row.source_record_id}|${row.start_at.getTime()}`;
    const ordinal = Math.round((row.value - 100) * 1000);
    const writers = requests.filter((r) => r.keys.includes(key)).map((r) => receivedAt.get(r.requestId)!);
    const latest = Math.max(...writers);
    const winner = receivedAt.get(requests[ordinal]!.requestId)!;
    if (winner !== latest) wrong.push(`${key}: stored the write received at ${winner}, the last was received at ${latest}`);
  }
  console.log(`50 clients: ${CLIENTS * BATCHES_PER_CLIENT} requests in ${elapsed} ms, ${expected.size} keys; answers ${JSON.stringify(log.answers)}`);
  expect(wrong).toEqual([]);
}, 180_000);
