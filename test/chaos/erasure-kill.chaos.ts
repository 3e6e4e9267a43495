// Chaos: erasures (CONTRACT §10) with the worker SIGKILLed (split deployment: src/api.ts +
// src/worker.ts, ERASURE_LEASE_SECONDS=2).
// 1. Killed mid-erasure (its chunk held on a row a writer keeps locked): the erasure stays
//    'running'; once the dead runner's lease ran out, a new worker's start takes it over and
//    completes it; its per-table counts are exact across the crash.
// 2. Under load: inline and queued uploads of the same user keep arriving while the erasure runs,
//    and the worker is killed in the middle; afterwards nothing of the user is left in any table
//    (but the audit record and the one health.user.erased event) once every job has run.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Sql } from '../../src/db/client.ts';
import { batch, heartRate, upload } from '../support/batches.ts';
import { until } from '../support/poll.ts';
import type { ServiceChild } from '../support/processes.ts';
import { seedSamples } from '../support/seed-samples.ts';
import { outboxEventTypes, userFootprint } from '../support/user-footprint.ts';
import { ADMIN_KEY, startStack, type Stack } from './lib/stack.ts';

let stack: Stack;
let api: ServiceChild;
const db = () => stack.sql as unknown as Sql;

beforeAll(async () => {
  stack = await startStack({ ERASURE_LEASE_SECONDS: '2', INGEST_QUEUE_THRESHOLD: '30', WORKER_CONCURRENCY: '2' });
  api = await stack.start('src/api.ts');
});
afterAll(() => stack?.destroy());

const eraseOf = async (token: string) => {
  const response = await fetch(`${api.baseUrl}/api/v1/health/data`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(202);
  return ((await response.json()) as { erasureId: string }).erasureId;
};
const erasureRow = async (erasureId: string) =>
  (await stack.sql`SELECT status, attempts, deleted, lease_until < now() AS lease_run_out FROM user_erasures WHERE id = ${erasureId}`)[0]!;
/** a runner has taken the erasure and one of its chunks waits for a row lock (not the uploads' advisory lock) */
const erasureWaitsOnRow = async (erasureId: string) =>
  (await erasureRow(erasureId)).attempts >= 1 &&
  ((await stack.sql`SELECT count(*)::int AS n FROM pg_stat_activity
                    WHERE application_name = 'health-ingest' AND wait_event_type = 'Lock' AND wait_event <> 'advisory'`)[0]!.n as number) >= 1;
const queueIdle = async () => {
  const response = await fetch(`${api.baseUrl}/admin/queues`, { headers: { 'x-api-key': ADMIN_KEY } });
  const body = (await response.json()) as { queues: { counts: { waiting: number; active: number; delayed: number } }[] };
  return body.queues.every((q) => q.counts.waiting + q.counts.active + q.counts.delayed === 0);
};

let counter = 0;
const samples = (n: number) =>
  Array.from({ length: n }, () => heartRate({ sourceRecordId: `c-${++counter}`, startAt: new Date(Date.UTC(2026, 3, 1) + counter * 60_000).toISOString() }));

test('worker SIGKILLed mid-erasure: the erasure resumes in a new worker once the lease ran out, and completes with exact counts', async () => {
  const userId = crypto.randomUUID();
  const token = await stack.token(userId);
  expect((await upload(api.baseUrl, token, batch(samples(10)))).status).toBe(200);
  await seedSamples(db(), userId, 150_000);
  let worker = await stack.start('src/worker.ts');

  const holder = await stack.sql.reserve();
  await holder`BEGIN`;
  await holder`SELECT 1 FROM health_samples WHERE user_id = ${userId} AND source_record_id = 'seed-99' FOR UPDATE`;
  const erasureId = await eraseOf(token);
  await until(() => erasureWaitsOnRow(erasureId), (waits) => waits, 20_000, 'the erasure waits on the held row');
  await worker.kill('SIGKILL');
  await holder`ROLLBACK`;
  holder.release();

  const left = await erasureRow(erasureId);
  expect(left.status).toBe('running');
  const before = Number(left.deleted.health_samples ?? 0);
  console.log(`erasure kill: killed after ${before} samples; attempt ${left.attempts}`);
  await until(() => erasureRow(erasureId), (row) => row.lease_run_out === true, 10_000, 'the dead runner\'s lease runs out');

  worker = await stack.start('src/worker.ts');
  const done = await until(() => erasureRow(erasureId), (row) => row.status === 'completed', 60_000, 'the erasure completes in the new worker');
  expect(done.attempts).toBeGreaterThanOrEqual(2);
  expect(Number(done.deleted.health_samples)).toBe(150_010);
  expect(Number(done.deleted.health_ingest_requests)).toBe(1);
  await until(() => stack.sql`SELECT count(*)::int AS n FROM outbox_events WHERE user_id = ${userId} AND status = 'pending'`.then((r) => r[0]!.n), (n) => n === 0, 20_000, 'the outbox is idle');
  expect(await userFootprint(db(), userId)).toEqual({ user_erasures: 1, outbox_events: 1, user_health_watermarks: 1, projection_checkpoints: 2 });
  expect(await outboxEventTypes(db(), userId)).toEqual(['health.user.erased']);
  await worker.kill('SIGTERM');
}, 180_000);

test('under inline and queued uploads of the user, with the worker SIGKILLed mid-way: nothing of the user is left anywhere', async () => {
  const userId = crypto.randomUUID();
  const token = await stack.token(userId);
  await seedSamples(db(), userId, 100_000);
  let worker = await stack.start('src/worker.ts');
  let erasing = false;
  let stop = false;
  const answers: Record<string, number> = {};
  const loop = async (size: number) => {
    while (!stop) {
      const during = erasing;
      const answer = await upload(api.baseUrl, token, batch(samples(size))).catch(() => ({ status: 0, body: null }));
      const key = `${size < 30 ? 'inline' : 'queued'} ${during ? 'during' : 'before'} ${answer.status}`;
      answers[key] = (answers[key] ?? 0) + 1;
    }
  };
  const loops = [loop(5), loop(5), loop(40), loop(40)];
  await until(() => answers, (a) => (a['inline before 200'] ?? 0) >= 3 && (a['queued before 202'] ?? 0) >= 3, 20_000, 'uploads of both kinds');

  const holder = await stack.sql.reserve();
  await holder`BEGIN`;
  await holder`SELECT 1 FROM health_samples WHERE user_id = ${userId} AND source_record_id = 'seed-99' FOR UPDATE`;
  erasing = true;
  const erasureId = await eraseOf(token);
  await until(() => erasureWaitsOnRow(erasureId), (waits) => waits, 20_000, 'the erasure waits on the held row');
  await worker.kill('SIGKILL');
  await holder`ROLLBACK`;
  holder.release();
  // the uploads go on while no worker runs and the erasure waits for its lease to run out
  await until(() => erasureRow(erasureId), (row) => row.lease_run_out === true, 10_000, 'the lease runs out');
  stop = true;
  await Promise.all(loops);
  worker = await stack.start('src/worker.ts');
  await until(() => erasureRow(erasureId), (row) => row.status === 'completed', 60_000, 'the erasure completes');
  // the dead worker's active jobs come back once BullMQ finds them stalled (its lock ran out)
  await until(queueIdle, (idle) => idle, 150_000, 'every queued job has run');
  await until(() => stack.sql`SELECT count(*)::int AS n FROM outbox_events WHERE user_id = ${userId} AND status = 'pending'`.then((r) => r[0]!.n), (n) => n === 0, 20_000, 'the outbox is idle');
  console.log(`erasure under load with a worker kill: answers ${JSON.stringify(answers)}`);

  expect(Object.keys(answers).filter((key) => !/ (200|202|409)$/.test(key))).toEqual([]);
  expect(answers['inline during 409'] ?? 0).toBeGreaterThan(0);
  expect(await userFootprint(db(), userId)).toEqual({ user_erasures: 1, outbox_events: 1, user_health_watermarks: 1, projection_checkpoints: 2 });
  await worker.kill('SIGTERM');
}, 240_000);
