// An erasure while the same user uploads, inline and queued (CONTRACT §10). The uploads go on
// while the erasure runs (held mid-way by a row a writer keeps locked, so it cannot end under
// them) and stop before it may complete: every upload was received before the erasure ended.
// Once it has completed and every queued job has run, nothing of the user is left anywhere (table
// by table), and nothing lands later.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { adminCall } from '../support/admin.ts';
import { batch, getJson, heartRate, upload } from '../support/batches.ts';
import { until } from '../support/poll.ts';
import { seedSamples } from '../support/seed-samples.ts';
import { startTestService, type TestService } from '../support/service.ts';
import { userFootprint } from '../support/user-footprint.ts';

const KEY = 'erasure-load-admin-key';
let service: TestService;

beforeAll(async () => {
  service = await startTestService({ worker: true, outbox: true, env: { ADMIN_API_KEYS: KEY, INGEST_QUEUE_THRESHOLD: '30', WORKER_CONCURRENCY: '2' } });
});
afterAll(() => service.close());

let counter = 0;
const samples = (n: number) =>
  Array.from({ length: n }, () => heartRate({ sourceRecordId: `load-${++counter}`, startAt: new Date(Date.UTC(2026, 5, 1) + counter * 60_000).toISOString() }));

test('inline and queued uploads of the user race the erasure; afterwards nothing of the user is anywhere, and nothing lands later', async () => {
  const userId = crypto.randomUUID();
  const token = await service.token(userId);
  // enough stored rows that the erasure takes a while, with the uploads still arriving
  await seedSamples(service.db.sql, userId, 40_000);
  let erasing = false;
  let stop = false;
  const statuses: { path: 'inline' | 'queued'; during: boolean; status: number; code?: string }[] = [];
  const loop = async (path: 'inline' | 'queued') => {
    while (!stop) {
      const during = erasing;
      const answer = await upload(service.baseUrl, token, batch(samples(path === 'inline' ? 5 : 40)));
      statuses.push({ path, during, status: answer.status, code: answer.body?.code });
    }
  };
  const loops = [loop('inline'), loop('inline'), loop('queued'), loop('queued')];
  await until(() => statuses, (s) => s.filter((x) => x.status === 200).length >= 4 && s.filter((x) => x.status === 202).length >= 4, 15_000, 'uploads of both kinds landed');

  // a writer holds one of the user's rows: the erasure's chunk waits for it (within its 5 s)
  const holder = await service.db.sql.reserve();
  await holder`BEGIN`;
  await holder`SELECT 1 FROM health_samples WHERE user_id = ${userId} AND source_record_id = 'seed-99' FOR UPDATE`;
  const response = await fetch(`${service.baseUrl}/api/v1/health/data`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(202);
  // from the 202 on the erasure runs: every upload sent from now is fenced off (one sent between the
  // DELETE and its answer may still land; it is erased with the rest)
  erasing = true;
  const location = response.headers.get('location')!;
  await until(() => statuses.filter((s) => s.during), (d) => d.some((s) => s.path === 'inline') && d.filter((s) => s.path === 'queued').length >= 3, 3_000, 'uploads while the erasure runs');
  stop = true;
  await Promise.all(loops);
  expect((await getJson(service.baseUrl, location, token)).body.status).toBe('running');
  await holder`ROLLBACK`;
  holder.release();

  await until(() => getJson(service.baseUrl, location, token), (a) => a.body.status === 'completed', 30_000, 'the erasure completes');
  // every queued job has run (or was removed by the erasure), and the outbox is idle
  await until(
    () => adminCall(service.baseUrl, KEY, 'GET', '/admin/queues'),
    (a) => a.body.queues.every((q: { counts: { waiting: number; active: number; delayed: number } }) => q.counts.waiting + q.counts.active + q.counts.delayed === 0),
    30_000,
    'the ingest queue is drained',
  );
  await until(() => service.db.sql`SELECT count(*)::int AS n FROM outbox_events WHERE user_id = ${userId} AND status = 'pending'`.then((r) => r[0]!.n), (n) => n === 0, 10_000, 'the outbox is idle');

  expect(await userFootprint(service.db.sql, userId)).toEqual({ user_erasures: 1, outbox_events: 1, user_health_watermarks: 1, projection_checkpoints: 2 });
  const [erased] = await service.db.sql`SELECT deleted FROM user_erasures WHERE user_id = ${userId}`;
  const landedBefore = statuses.filter((s) => s.status === 200).length * 5;
  expect(Number(erased!.deleted.health_samples)).toBeGreaterThanOrEqual(40_000 + landedBefore);
  // every answer was a success or the fence's refusal, never an error; after the erasure started,
  // only refusals (an upload answered 200 then was one already in flight, erased with the rest)
  expect(statuses.filter((s) => ![200, 202].includes(s.status) && s.code !== 'DATA_ERASED')).toEqual([]);
  expect(statuses.filter((s) => s.during && s.status === 409).length).toBeGreaterThanOrEqual(3);
  console.log(`erasure under load: ${JSON.stringify(Object.entries(Object.groupBy(statuses, (s) => `${s.path} ${s.status}`)).map(([k, v]) => [k, v!.length]))}`);

  // nothing lands later: every request the uploads left is gone, so a late job finds none to write
  const [left] = await service.db.sql`SELECT count(*)::int AS n FROM health_ingest_requests WHERE user_id = ${userId}`;
  expect(left!.n).toBe(0);
}, 90_000);
