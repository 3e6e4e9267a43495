// Deletes that overtake writes (CONTRACT §4.4): a delete ref processed before an older write of
// what it deletes leaves a tombstone, and the write does not land — for every ref form, on the
// inline path and on the worker's COPY path, and under concurrency. Receipt order is the rule;
// a tie goes to the delete.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { defaultCatalog } from '../../../src/domain/catalog/catalog.ts';
import { validateBatchBody } from '../../../src/domain/ingest/upload-schema.ts';
import type { Reply } from '../../../src/ingest/finish-batch.ts';
import { prepareBatch, submitBatch, type IngestDeps } from '../../../src/ingest/submit.ts';
import { createLogger } from '../../../src/log.ts';
import { INGEST_QUEUE_NAME, type IngestJobData } from '../../../src/queue/ingest-batch-job.ts';
import { startIngestWorker } from '../../../src/queue/worker.ts';
import { createBatchQueue } from '../../../src/queue/enqueue.ts';
import { workerConnection } from '../../../src/queue/redis.ts';
import { batch, heartRate, type SampleInput } from '../../support/batches.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { until } from '../../support/poll.ts';
import { TEST_REDIS_URL } from '../../support/service.ts';
import { seededRandom } from '../../support/seeded-random.ts';
import { ingestDeps } from '../../support/ingest.ts';

let db: TestDatabase;
let deps: IngestDeps;
const T = Date.parse('2026-11-21T00:00:00Z');

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 24 });
  deps = ingestDeps(db.sql, () => T);
});
afterAll(() => db.drop());

function checked(body: unknown) {
  const result = validateBatchBody(body, 500);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

async function send(userId: string, body: unknown, receivedAtMs: number) {
  const reply: Reply = await submitBatch(deps, { userId, body: checked(body), headerOffsetMinutes: undefined, receivedAt: new Date(receivedAtMs) });
  return JSON.parse(reply.bodyText);
}

const liveRecordIds = async (userId: string) =>
  (await db.sql.unsafe('SELECT source_record_id FROM health_samples WHERE user_id = $1 AND deleted_at IS NULL ORDER BY 1', [userId])).map(
    (row) => row.source_record_id as string,
  );

const sample = (overrides: SampleInput = {}) => heartRate({ sourceId: 'watch', startAt: '2026-11-20T07:15:00Z', ...overrides });

describe('a delete processed before the older write it deletes (inline path)', () => {
  const forms: [string, (s: SampleInput) => SampleInput][] = [
    ['full key', (s) => ({ sourceRecordId: s.sourceRecordId, sourceId: s.sourceId, startAt: s.startAt })],
    ['id + source', (s) => ({ sourceRecordId: s.sourceRecordId, sourceId: s.sourceId })],
    ['id alone', (s) => ({ sourceRecordId: s.sourceRecordId })],
    ['id + metric code', (s) => ({ sourceRecordId: s.sourceRecordId, metricCode: 'heart_rate' })],
    ['id + platform alias of the metric', (s) => ({ sourceRecordId: s.sourceRecordId, metricCode: 'HKQuantityTypeIdentifierHeartRate' })],
    ['full key in another notation of the same instant', (s) => ({ sourceRecordId: s.sourceRecordId, sourceId: s.sourceId, startAt: '2026-11-20T08:15:00+01:00' })],
  ];
  test.each(forms)('%s: the delete finds nothing, the older write then does not land', async (_, refOf) => {
    const user = crypto.randomUUID();
    const s = sample();
    const deleted = await send(user, batch([], { deleted: [refOf(s)] }), T);
    expect(deleted).toMatchObject({ deleted: 0, watermarkSeq: null });
    const late = await send(user, batch([s]), T - 1000);
    expect(late).toMatchObject({ accepted: 1, unchanged: 1, watermarkSeq: null });
    expect(await liveRecordIds(user)).toEqual([]);
    expect(await db.sql.unsafe('SELECT 1 FROM health_samples WHERE user_id = $1', [user])).toHaveLength(0);
    expect(await db.sql.unsafe('SELECT 1 FROM outbox_events WHERE user_id = $1', [user])).toHaveLength(0);
  });

  test('a tie goes to the delete: a write received in the same millisecond does not land', async () => {
    const user = crypto.randomUUID();
    const s = sample();
    await send(user, batch([], { deleted: [{ sourceRecordId: s.sourceRecordId }] }), T);
    expect(await send(user, batch([s]), T)).toMatchObject({ unchanged: 1 });
    expect(await liveRecordIds(user)).toEqual([]);
  });

  test('a write received after the delete lands, and revives what it deleted', async () => {
    const user = crypto.randomUUID();
    const s = sample();
    await send(user, batch([s]), T - 5000);
    expect(await send(user, batch([], { deleted: [{ sourceRecordId: s.sourceRecordId }] }), T)).toMatchObject({ deleted: 1 });
    expect(await send(user, batch([s]), T - 1000)).toMatchObject({ unchanged: 1 });
    expect(await send(user, batch([s]), T + 1)).toMatchObject({ unchanged: 0 });
    expect(await liveRecordIds(user)).toEqual([s.sourceRecordId as string]);
  });

  test('a tombstone spares what its ref does not match: another source, start time or metric, another record', async () => {
    const user = crypto.randomUUID();
    const s = sample({ sourceRecordId: 'rec-1' });
    const refs = [
      { sourceRecordId: 'rec-1', sourceId: 'watch', startAt: s.startAt },
      { sourceRecordId: 'rec-1', metricCode: 'steps' },
    ];
    await send(user, batch([], { deleted: refs }), T);
    const others = [
      sample({ sourceRecordId: 'rec-1', sourceId: 'phone' }),
      sample({ sourceRecordId: 'rec-1', startAt: '2026-11-20T07:16:00Z' }),
      sample({ sourceRecordId: 'rec-2' }),
    ];
    expect(await send(user, batch([s, ...others]), T - 1000)).toMatchObject({ accepted: 4, unchanged: 1 });
    expect((await db.sql.unsafe('SELECT source_id, start_at FROM health_samples WHERE user_id = $1 AND source_record_id = $2 ORDER BY 1, 2', [user, 'rec-1'])).map((r) => `${r.source_id} ${(r.start_at as Date).toISOString()}`)).toEqual([
      'phone 2026-11-20T07:15:00.000Z',
      'watch 2026-11-20T07:16:00.000Z',
    ]);
  });

  test('a delete ref matching a stored row deletes it and still blocks an older write of another key of that record', async () => {
    const user = crypto.randomUUID();
    const stored = sample({ sourceRecordId: 'rec-x' });
    await send(user, batch([stored]), T - 5000);
    expect(await send(user, batch([], { deleted: [{ sourceRecordId: 'rec-x' }] }), T)).toMatchObject({ deleted: 1 });
    // another start time of the same record, received before the delete, arrives late
    expect(await send(user, batch([sample({ sourceRecordId: 'rec-x', startAt: '2026-11-20T09:00:00Z' })]), T - 100)).toMatchObject({ unchanged: 1 });
    expect(await liveRecordIds(user)).toEqual([]);
  });

  test('the same ref sent again keeps its latest receipt time', async () => {
    const user = crypto.randomUUID();
    await send(user, batch([], { deleted: [{ sourceRecordId: 'again' }] }), T);
    await send(user, batch([], { deleted: [{ sourceRecordId: 'again' }] }), T - 60_000);
    const [row] = await db.sql.unsafe('SELECT count(*)::int AS n, max(received_at) AS at FROM health_sample_tombstones WHERE user_id = $1', [user]);
    expect(row).toMatchObject({ n: 1, at: new Date(T) });
    expect(await send(user, batch([sample({ sourceRecordId: 'again' })]), T - 1)).toMatchObject({ unchanged: 1 });
  });

  test("one user's tombstones never touch another user's writes", async () => {
    const [a, b] = [crypto.randomUUID(), crypto.randomUUID()];
    const s = sample();
    await send(a, batch([], { deleted: [{ sourceRecordId: s.sourceRecordId }] }), T);
    expect(await send(b, batch([s]), T - 1000)).toMatchObject({ unchanged: 0 });
    expect(await liveRecordIds(b)).toEqual([s.sourceRecordId as string]);
  });
});

describe('under concurrency', () => {
  test('writes and deletes of 60 keys in random receipt and processing order end as receipt order says', async () => {
    const user = crypto.randomUUID();
    const random = seededRandom(11);
    const ops: { kind: 'write' | 'delete'; id: string; at: number }[] = [];
    const expectedLive: string[] = [];
    for (let k = 0; k < 60; k++) {
      const id = `c-${k}`;
      const writeAt = T + Math.floor(random() * 1000);
      // a third of the deletes tie with their write
      const deleteAt = k % 3 === 0 ? writeAt : T + Math.floor(random() * 1000);
      ops.push({ kind: 'write', id, at: writeAt }, { kind: 'delete', id, at: deleteAt });
      if (writeAt > deleteAt) expectedLive.push(id);
    }
    // processed in an order unrelated to receipt: shuffled, 12 at a time
    for (let i = ops.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [ops[i], ops[j]] = [ops[j]!, ops[i]!];
    }
    for (let i = 0; i < ops.length; i += 12) {
      await Promise.all(
        ops.slice(i, i + 12).map((op) =>
          op.kind === 'write'
            ? send(user, batch([sample({ sourceRecordId: op.id })]), op.at)
            : send(user, batch([], { deleted: [{ sourceRecordId: op.id, sourceId: 'watch' }] }), op.at),
        ),
      );
    }
    expect(await liveRecordIds(user)).toEqual(expectedLive.sort());
  });
});

describe('the worker path (COPY group write)', () => {
  test('a delete processed while the older queued batch waits: the batch completes without the deleted sample', async () => {
    const prefix = `hi-test-${crypto.randomUUID().slice(0, 8)}`;
    const connection = new Redis(TEST_REDIS_URL);
    const queue = new Queue<IngestJobData>(INGEST_QUEUE_NAME, { connection, prefix });
    const log = createLogger('silent');
    const userId = crypto.randomUUID();
    const samples = Array.from({ length: 400 }, (_, i) => sample({ sourceRecordId: `q-${i}`, startAt: new Date(T - 86_400_000 + i * 60_000).toISOString() }));
    const body = batch(samples);
    const queuedAt = Date.now();
    const submit = createBatchQueue({ db: db.sql, queue, log, maxJobPayloadBytes: 5 << 20, staleAfterSeconds: 300 });
    const prepared = prepareBatch(defaultCatalog, { userId, body: checked(body), headerOffsetMinutes: undefined, receivedAt: new Date(queuedAt) }, new Set(), queuedAt);
    expect((await submit.submit(prepared)).status).toBe(202);
    // the client deletes three of them (each ref form) before any worker ran
    const refs = [
      { sourceRecordId: 'q-1', sourceId: 'watch', startAt: samples[1]!.startAt },
      { sourceRecordId: 'q-2', sourceId: 'watch' },
      { sourceRecordId: 'q-3' },
    ];
    expect(await send(userId, batch([], { deleted: refs }), queuedAt + 1)).toMatchObject({ deleted: 0 });
    const worker = startIngestWorker({ db: db.sql, connection: workerConnection(TEST_REDIS_URL), log, concurrency: 4, staleAfterSeconds: 300, prefix });
    try {
      const [request] = await until(
        () => db.sql.unsafe('SELECT status, response_body::text AS body FROM health_ingest_requests WHERE user_id = $1 AND request_id = $2', [userId, body.requestId]),
        (rows) => rows[0]?.status === 'completed',
        15_000,
        'queued request completed',
      );
      expect(JSON.parse(request!.body as string)).toMatchObject({ accepted: 400, unchanged: 3 });
      const live = await liveRecordIds(userId);
      expect(live).toHaveLength(397);
      expect(live.filter((id) => ['q-1', 'q-2', 'q-3'].includes(id))).toEqual([]);
    } finally {
      await worker.close();
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
      connection.disconnect();
    }
  });
});
