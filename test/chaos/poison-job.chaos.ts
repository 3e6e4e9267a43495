// Chaos: poison jobs beside healthy ones (issue 11, item 2). `bun run src/main.ts` (API + worker,
// group commit over 8 jobs at once) takes 60 queued batches from six clients at once; one in five
// batches of two of the clients holds a sample the database refuses (a trigger installed in this stack's own
// database, as a constraint the write path does not know about). Each poison request must end
// failed at once (one attempt, its error kept); no healthy job may fail even one attempt.
// Ends with: rows stored = unique keys of the healthy batches; healthy requests completed on their
// first attempt; poison requests failed and wrote nothing.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { batch, heartRate } from '../support/batches.ts';
import { until } from '../support/poll.ts';
import type { ServiceChild } from '../support/processes.ts';
import { newLog, sendUntilCompleted } from './lib/client.ts';
import { keyOfSample, startStack, storedKeys, type Stack } from './lib/stack.ts';

let stack: Stack;
let service: ServiceChild;

beforeAll(async () => {
  stack = await startStack({ WORKER_CONCURRENCY: '8' });
  service = await stack.start('src/main.ts');
  // the service created and migrated its database on start-up; now make it refuse the poison
  await stack.sql.unsafe(`
    CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.source_id = 'poison' THEN RAISE EXCEPTION 'poison sample refused'; END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER refuse_poison BEFORE INSERT OR UPDATE ON health_samples FOR EACH ROW EXECUTE FUNCTION refuse_poison();
  `).simple();
});
afterAll(() => stack?.destroy());

const MINUTE = 60_000;
const BATCHES = 10;

test('a poison job fails alone, at once; the healthy jobs of its groups lose nothing, not even an attempt', async () => {
  const log = newLog();
  const users = Array.from({ length: 6 }, () => crypto.randomUUID());
  const expected = new Map(users.map((user) => [user, new Set<string>()]));
  const poisonRequests: { userId: string; requestId: string }[] = [];
  const healthyRequests: { userId: string; requestId: string }[] = [];
  // every client posts all its batches first, so the queue holds jobs of every user and the
  // worker writes them in groups; then each waits for its requests to finish
  await Promise.all(
    users.map(async (userId, lane) => {
      const token = await stack.token(userId);
      const mine: { body: ReturnType<typeof batch>; poisoned: boolean }[] = [];
      for (let b = 0; b < BATCHES; b++) {
        const samples = Array.from({ length: 400 }, (_, i) =>
          heartRate({ sourceRecordId: `c-${b}-${i}`, startAt: new Date(Date.UTC(2026, 9, 1) + (b * 400 + i) * MINUTE).toISOString() }),
        );
        const poisoned = lane < 2 && b % 5 === 2;
        if (poisoned) samples[123] = { ...samples[123]!, sourceId: 'poison' };
        else for (const s of samples) expected.get(userId)!.add(keyOfSample(s));
        const body = batch(samples);
        const response = await fetch(`${service.baseUrl}/api/v1/health/samples/batch-upsert`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        expect(response.status).toBe(202);
        mine.push({ body, poisoned });
        (poisoned ? poisonRequests : healthyRequests).push({ userId, requestId: body.requestId });
      }
      for (const { body, poisoned } of mine) {
        if (!poisoned) {
          const result = await sendUntilCompleted(body, { baseUrl: () => service.baseUrl, token, log, deadlineMs: 60_000 });
          if (result.status !== 200 || result.body.accepted !== 400) log.violations.push(`healthy batch answered ${result.status}`);
          continue;
        }
        // a poison batch is watched until it has failed (a re-send would only fail again)
        await until(
          async () => (await fetch(`${service.baseUrl}/api/v1/health/ingest-requests/${body.requestId}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json())) as { status: string },
          (state) => state.status === 'failed',
          20_000,
          `poison request ${body.requestId} failed`,
        );
      }
    }),
  );

  const lines = service.output().split('\n');
  const jobFailures = lines.filter((line) => line.includes('"msg":"ingest job failed"'));
  const groupFailures = lines.filter((line) => line.includes('group write failed')).length;
  const collateral = jobFailures.filter((line) => healthyRequests.some(({ requestId }) => line.includes(requestId))).length;
  console.log(
    `poison jobs: ${poisonRequests.length} poison, ${healthyRequests.length} healthy requests; ${groupFailures} groups failed and were written one by one; ` +
      `${jobFailures.length} failed job attempts, ${collateral} of healthy jobs; answers ${JSON.stringify(log.answers)}`,
  );
  expect(log.violations).toEqual([]);
  expect(collateral).toBe(0);
  // the scenario happened: poison jobs were written in groups with healthy ones
  expect(groupFailures).toBeGreaterThanOrEqual(1);
  // each poison job failed once, finally (not retried)
  expect(jobFailures.length).toBe(poisonRequests.length);
  expect(jobFailures.every((line) => line.includes('"final":true') && line.includes('"attemptsMade":1'))).toBe(true);
  for (const { userId, requestId } of poisonRequests) {
    const [row] = await stack.sql<{ status: string; last_error: string }[]>`SELECT status, last_error FROM health_ingest_requests WHERE user_id = ${userId} AND request_id = ${requestId}`;
    expect(row).toMatchObject({ status: 'failed', last_error: expect.stringContaining('poison sample refused') });
  }
  for (const userId of users) {
    const stored = await storedKeys(stack.sql, userId);
    expect(stored.rows).toBe(expected.get(userId)!.size);
    expect(stored.keys).toEqual(expected.get(userId)!);
  }
  // healthy requests needed no second attempt
  const [{ retried }] = await stack.sql<[{ retried: number }]>`
    SELECT count(*)::int AS retried FROM health_ingest_requests WHERE request_id = ANY(${healthyRequests.map((r) => r.requestId)}::uuid[]) AND (status <> 'completed' OR attempts <> 1)`;
  expect(retried).toBe(0);
}, 240_000);
