// A user's inline uploads that arrive while one of theirs is being written go together in the
// next transaction (src/ingest/user-write-queue.ts, write-group.ts writeSequence). Each part must
// come out exactly as if it had been its own transaction, in receipt order: its own seq, event and
// stored reply; receipt order deciding conflicts; deletes and tombstones seen by later parts;
// identical rows unchanged; a duplicate request written once; one part's failure no other's.
// Uploads handed to writeInline in one tick are deterministic: the first is written alone, the
// others wait for it and then form one group.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { defaultCatalog } from '../../../src/domain/catalog/catalog.ts';
import { validateBatchBody } from '../../../src/domain/ingest/upload-schema.ts';
import type { PreparedBatch } from '../../../src/ingest/finish-batch.ts';
import { prepareBatch } from '../../../src/ingest/submit.ts';
import { writeInline, type InlineOutcome } from '../../../src/ingest/write-inline.ts';
import { batch, heartRate, type SampleInput } from '../../support/batches.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

const STALE_AFTER_SECONDS = 300;
const T = Date.parse('2026-11-21T00:00:00Z');

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 4 });
});
afterAll(() => db.drop());

function prepared(userId: string, samples: SampleInput[], receivedAtMs: number, options: { deleted?: SampleInput[]; requestId?: string } = {}): PreparedBatch {
  const checked = validateBatchBody(batch(samples, options), 500);
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  return prepareBatch(defaultCatalog, { userId, body: checked.value, headerOffsetMinutes: undefined, receivedAt: new Date(receivedAtMs) }, new Set(), T);
}

const bodyOf = (outcome: InlineOutcome) => {
  if (outcome.kind !== 'completed') throw new Error(`not written: ${outcome.kind}`);
  return JSON.parse(outcome.reply.bodyText) as { accepted: number; unchanged: number; deleted: number; watermarkSeq: number | null };
};
/** all in one tick: the first alone, the rest together after it */
const writeAll = (batches: PreparedBatch[]) => Promise.all(batches.map((b) => writeInline(db.sql, b, STALE_AFTER_SECONDS)));

const requestTransactions = async (userId: string) =>
  (await db.sql.unsafe('SELECT request_id::text AS id, xmin::text AS xid FROM health_ingest_requests WHERE user_id = $1', [userId])).reduce(
    (byId, row) => byId.set(row.id as string, row.xid as string),
    new Map<string, string>(),
  );
const eventsOf = async (userId: string) =>
  db.sql.unsafe(`SELECT seq::int AS seq, payload->>'requestId' AS request_id FROM outbox_events WHERE user_id = $1 ORDER BY seq`, [userId]);
const valueOf = async (userId: string, sourceRecordId: string) => {
  const [row] = await db.sql.unsafe('SELECT value::float8 AS value, deleted_at IS NOT NULL AS deleted FROM health_samples WHERE user_id = $1 AND source_record_id = $2', [userId, sourceRecordId]);
  return row ? { value: row.value, deleted: row.deleted } : null;
};

test('waiting uploads share one transaction, each with its own seq, event and reply, in receipt order', async () => {
  const user = crypto.randomUUID();
  const shared = heartRate({ sourceRecordId: 'shared' });
  const first = prepared(user, [{ ...shared, value: 60 }, heartRate()], T);
  // received later but handed over first: receipt order, not arrival at the queue, decides
  const later = prepared(user, [{ ...shared, value: 80 }, heartRate()], T + 2000);
  const earlier = prepared(user, [{ ...shared, value: 70 }, heartRate()], T + 1000);
  const outcomes = await writeAll([first, later, earlier]);

  expect(outcomes.map(bodyOf).map((body) => body.watermarkSeq)).toEqual([1, 3, 2]);
  expect(outcomes.map(bodyOf).map((body) => [body.accepted, body.unchanged])).toEqual([[2, 0], [2, 0], [2, 0]]);
  expect(await valueOf(user, 'shared')).toEqual({ value: 80, deleted: false });
  expect((await eventsOf(user)).map((e) => [e.seq, e.request_id])).toEqual([
    [1, first.requestId],
    [2, earlier.requestId],
    [3, later.requestId],
  ]);
  const xids = await requestTransactions(user);
  expect(xids.get(later.requestId)).toBe(xids.get(earlier.requestId)!);
  expect(xids.get(first.requestId)).not.toBe(xids.get(later.requestId)!);
  const [watermark] = await db.sql.unsafe('SELECT seq::int AS seq FROM user_health_watermarks WHERE user_id = $1', [user]);
  expect(watermark!.seq).toBe(3);
});

test('a later part sees an earlier part: identical rows are unchanged, an earlier-received write loses', async () => {
  const user = crypto.randomUUID();
  const sample = heartRate({ sourceRecordId: 'hr', value: 60 });
  const outcomes = await writeAll([
    prepared(user, [heartRate()], T),
    prepared(user, [sample], T + 1000),
    prepared(user, [sample], T + 2000), // identical to the part before it
    prepared(user, [{ ...sample, value: 99 }], T + 500, {}), // received before both: sorted first, then overwritten
  ]);
  expect(outcomes.map(bodyOf).map((body) => [body.unchanged, body.watermarkSeq])).toEqual([
    [0, 1],
    [0, 3],
    [1, null],
    [0, 2],
  ]);
  expect(await valueOf(user, 'hr')).toEqual({ value: 60, deleted: false });
});

test('a part that changes nothing takes no seq: the next part of the sequence takes the one it would have', async () => {
  const user = crypto.randomUUID();
  const sample = heartRate({ sourceRecordId: 'same', value: 60 });
  const batches = [
    prepared(user, [heartRate()], T),
    prepared(user, [sample], T + 1000),
    prepared(user, [sample], T + 2000), // identical: unchanged
    prepared(user, [], T + 2500, { deleted: [{ sourceRecordId: 'no-such-record' }] }), // deletes nothing
    prepared(user, [heartRate(), { ...sample, value: 61 }], T + 3000),
  ];
  const outcomes = await writeAll(batches);
  expect(outcomes.map(bodyOf).map((body) => body.watermarkSeq)).toEqual([1, 2, null, null, 3]);
  const events = await eventsOf(user);
  expect(events.map((e) => [e.seq, e.request_id])).toEqual([
    [1, batches[0]!.requestId],
    [2, batches[1]!.requestId],
    [3, batches[4]!.requestId],
  ]);
  const [watermark] = await db.sql.unsafe('SELECT seq::int AS seq FROM user_health_watermarks WHERE user_id = $1', [user]);
  expect(watermark!.seq).toBe(3);
  expect(await valueOf(user, 'same')).toEqual({ value: 61, deleted: false });
  // in one transaction, not written one by one after a failed sequence
  const xids = await requestTransactions(user);
  expect(new Set(batches.slice(1).map((b) => xids.get(b.requestId))).size).toBe(1);
});

test("a delete in one part wins over a later part's write received before it (its tombstone)", async () => {
  const user = crypto.randomUUID();
  const sample = heartRate({ sourceRecordId: 'gone', value: 60 });
  await writeInline(db.sql, prepared(user, [sample], T), STALE_AFTER_SECONDS);
  const outcomes = await writeAll([
    prepared(user, [heartRate()], T + 100),
    prepared(user, [], T + 3000, { deleted: [{ sourceRecordId: 'gone' }] }),
    prepared(user, [{ ...sample, value: 70 }], T + 2000), // received before the delete: sorted first
    prepared(user, [{ ...sample, value: 80 }], T + 4000), // received after it: revives the sample
  ]);
  const bodies = outcomes.map(bodyOf);
  expect(bodies.map((body) => [body.deleted, body.unchanged])).toEqual([[0, 0], [1, 0], [0, 0], [0, 0]]);
  expect(bodies.map((body) => body.watermarkSeq)).toEqual([2, 4, 3, 5]);
  expect(await valueOf(user, 'gone')).toEqual({ value: 80, deleted: false });

  // the other way round: the write received before the delete comes after it in the group
  const other = crypto.randomUUID();
  await writeInline(db.sql, prepared(other, [sample], T), STALE_AFTER_SECONDS);
  const second = await writeAll([
    prepared(other, [heartRate()], T + 100),
    prepared(other, [], T + 3000, { deleted: [{ sourceRecordId: 'gone' }] }),
    prepared(other, [{ ...sample, value: 70 }], T + 3000), // the same receipt: the delete wins the tie
  ]);
  expect(second.map(bodyOf).map((body) => [body.deleted, body.unchanged])).toEqual([[0, 0], [1, 0], [0, 1]]);
  expect(await valueOf(other, 'gone')).toEqual({ value: 60, deleted: true });
});

test('the same request twice among the waiting ones is written once; the others of the group are still written', async () => {
  const user = crypto.randomUUID();
  const twice = prepared(user, [heartRate()], T + 1000);
  const outcomes = await writeAll([prepared(user, [heartRate()], T), twice, { ...twice }, prepared(user, [heartRate()], T + 2000)]);
  const kinds = outcomes.map((o) => o.kind);
  expect(kinds.filter((k) => k === 'completed')).toHaveLength(3);
  expect(kinds.filter((k) => k === 'taken')).toHaveLength(1);
  const [requests] = await db.sql.unsafe(`SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'completed')::int AS completed
                                          FROM health_ingest_requests WHERE user_id = $1`, [user]);
  expect(requests).toMatchObject({ n: 3, completed: 3 });
  expect((await eventsOf(user)).map((e) => e.seq)).toEqual([1, 2, 3]);
});
