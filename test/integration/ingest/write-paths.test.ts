// One conformance suite for every writer of samples (the import pipeline will be the next): the
// inline path (claim, unnest upsert, deletes and completion in one transaction) and the queue's
// group writer (an unnest upsert per request, or COPY into staging and one upsert for the group),
// alone and grouped with other users' requests. Each is held to the same rules: receipt order and sourceVersion decide conflicts, a
// later write revives a deleted sample, deletes and their tombstones win ties, unchanged rows are
// counted and leave no event, and a request written twice writes once.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { validateBatchBody } from '../../../src/domain/ingest/upload-schema.ts';
import { defaultCatalog } from '../../../src/domain/catalog/catalog.ts';
import type { PreparedBatch } from '../../../src/ingest/finish-batch.ts';
import { prepareBatch } from '../../../src/ingest/submit.ts';
import { writeInline } from '../../../src/ingest/write-inline.ts';
import { GroupWriter } from '../../../src/queue/group-writer.ts';
import type { SampleRowWriter } from '../../../src/ingest/sample-writes.ts';
import { copyRows } from '../../../src/ingest/staged-upsert.ts';
import { claimQueuedRequest, startProcessing } from '../../../src/requests/queries.ts';
import { batch, heartRate, sleepStage, type SampleInput } from '../../support/batches.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

const STALE_AFTER_SECONDS = 300;
const T = Date.parse('2026-11-21T00:00:00Z');

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 12 });
});
afterAll(() => db.drop());

interface Written {
  status: number;
  body: { accepted: number; unchanged: number; deleted: number; failed: { index: number; code: string }[]; watermarkSeq: number | null };
}

/** A writer under test: writes a prepared request, and says whether a second write of it wrote. */
interface Writer {
  name: string;
  write(batch: PreparedBatch): Promise<Written>;
  /** the same request written again after it completed: true when that write wrote anything */
  writeAgain(batch: PreparedBatch): Promise<boolean>;
}

const parsed = (reply: { status: number; bodyText: string }): Written => ({ status: reply.status, body: JSON.parse(reply.bodyText) });

const inlineWriter: Writer = {
  name: 'inline (claim + unnest upsert in one transaction)',
  async write(prepared) {
    const outcome = await writeInline(db.sql, prepared, STALE_AFTER_SECONDS);
    if (outcome.kind !== 'completed') throw new Error(`inline write was ${outcome.kind}`);
    return parsed(outcome.reply);
  },
  async writeAgain(prepared) {
    return (await writeInline(db.sql, prepared, STALE_AFTER_SECONDS)).kind === 'completed';
  },
};

/** The queue's claim and lease, as the API and the worker take them before the group writer runs. */
async function leased(prepared: PreparedBatch) {
  const attempt = await claimQueuedRequest(db.sql, prepared, STALE_AFTER_SECONDS);
  if (attempt === null) throw new Error('the request could not be claimed');
  const lease = { userId: prepared.userId, requestId: prepared.requestId, attempt };
  if (!(await startProcessing(db.sql, lease))) throw new Error('the request could not be leased');
  return lease;
}

function groupWriter(name: string, fillerCount: number, rows?: SampleRowWriter): Writer {
  // built on first use: the database exists only once the suite has started
  let built: GroupWriter | undefined;
  const writer = () => (built ??= new GroupWriter(db.sql, { maxGroupSize: fillerCount + 1, maxConcurrentGroups: 1, ...(rows ? { rows } : {}) }));
  const leases = new Map<string, Awaited<ReturnType<typeof leased>>>();
  return {
    name,
    async write(prepared) {
      const lease = await leased(prepared);
      leases.set(prepared.requestId, lease);
      // other users' requests, submitted in the same tick, join the same group transaction
      const fillers = Array.from({ length: fillerCount }, () => prepareUpload(crypto.randomUUID(), batch([heartRate()]), T));
      const fillerLeases = await Promise.all(fillers.map(leased));
      const [outcome, ...fillerOutcomes] = await Promise.all([
        writer().write(lease, prepared),
        ...fillers.map((filler, i) => writer().write(fillerLeases[i]!, filler)),
      ]);
      for (const filler of fillerOutcomes) if (filler.kind !== 'completed') throw new Error('a filler request was not written');
      if (outcome!.kind !== 'completed') throw new Error(`group write was ${outcome!.kind}`);
      return parsed(outcome!.reply);
    },
    async writeAgain(prepared) {
      return (await writer().write(leases.get(prepared.requestId)!, prepared)).kind === 'completed';
    },
  };
}

function prepareUpload(userId: string, body: ReturnType<typeof batch>, receivedAtMs: number): PreparedBatch {
  const checked = validateBatchBody(body, 500);
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  return prepareBatch(defaultCatalog, { userId, body: checked.value, headerOffsetMinutes: undefined, receivedAt: new Date(receivedAtMs) }, new Set(), T);
}

const writers: Writer[] = [
  inlineWriter,
  groupWriter('queue group writer (unnest per request, its default), a group of one', 0),
  groupWriter("queue group writer (unnest per request, its default), grouped with two other users' requests", 2),
  groupWriter('queue group writer (COPY), a group of one', 0, copyRows()),
  groupWriter("queue group writer (COPY), grouped with two other users' requests", 2, copyRows()),
];

const rowsOf = async (userId: string): Promise<Record<string, unknown>[]> =>
  [...(await db.sql.unsafe(
    `SELECT source_id, source_record_id, metric_code, value::float8 AS value, unit, local_date::text AS local_date,
            source_version::int8 AS source_version, deleted_at IS NOT NULL AS deleted
     FROM health_samples WHERE user_id = $1 ORDER BY source_record_id, source_id, metric_code, start_at`,
    [userId],
  ))];
const eventsOf = async (userId: string) =>
  db.sql.unsafe('SELECT seq::int AS seq, event_type, payload FROM outbox_events WHERE user_id = $1 ORDER BY seq', [userId]);

describe.each(writers)('$name', (writer) => {
  const send = (userId: string, samples: SampleInput[], receivedAtMs: number, deleted?: SampleInput[]) =>
    writer.write(prepareUpload(userId, batch(samples, deleted ? { deleted } : {}), receivedAtMs));

  describe('conflict rules and receipt order', () => {
    test('new keys are written in canonical units with their local date; the reply counts them', async () => {
      const user = crypto.randomUUID();
      const reply = await send(user, [heartRate({ value: 1.5, unit: 'count/s', startAt: '2026-11-20T23:30:00Z', timezoneOffsetMinutes: 60 })], T);
      expect(reply).toEqual({ status: 200, body: expect.objectContaining({ accepted: 1, unchanged: 0, deleted: 0, failed: [], watermarkSeq: 1 }) });
      expect(await rowsOf(user)).toEqual([expect.objectContaining({ value: 90, unit: 'bpm', local_date: '2026-11-21', deleted: false })]);
    });

    test('the same key twice in one batch: the last occurrence is stored, both count as accepted', async () => {
      const user = crypto.randomUUID();
      const sample = heartRate({ value: 60 });
      const reply = await send(user, [sample, { ...sample, value: 80 }], T);
      expect(reply.body).toMatchObject({ accepted: 2, unchanged: 0 });
      expect((await rowsOf(user)).map((row) => row.value)).toEqual([80]);
    });

    test('without versions, the write received later wins and an earlier-received one is unchanged', async () => {
      const user = crypto.randomUUID();
      const sample = heartRate({ value: 60 });
      await send(user, [sample], T);
      expect((await send(user, [{ ...sample, value: 70 }], T + 1000)).body).toMatchObject({ unchanged: 0, watermarkSeq: 2 });
      expect((await send(user, [{ ...sample, value: 90 }], T - 1000)).body).toMatchObject({ unchanged: 1, watermarkSeq: null });
      expect((await rowsOf(user)).map((row) => row.value)).toEqual([70]);
    });

    test('sourceVersion: higher wins even received earlier, lower loses even received later, equal falls back to receipt', async () => {
      const user = crypto.randomUUID();
      const sample = heartRate({ value: 60, sourceVersion: 5 });
      await send(user, [sample], T);
      expect((await send(user, [{ ...sample, value: 61, sourceVersion: 4 }], T + 1000)).body).toMatchObject({ unchanged: 1 });
      expect((await send(user, [{ ...sample, value: 62, sourceVersion: 6 }], T - 60_000)).body).toMatchObject({ unchanged: 0 });
      expect((await send(user, [{ ...sample, value: 63, sourceVersion: 6 }], T - 120_000)).body).toMatchObject({ unchanged: 1 });
      expect((await send(user, [{ ...sample, value: 64, sourceVersion: 6 }], T + 2000)).body).toMatchObject({ unchanged: 0 });
      expect(await rowsOf(user)).toEqual([expect.objectContaining({ value: 64, source_version: '6' })]);
    });

    test('identical content under a new requestId is unchanged: no watermark bump, no event', async () => {
      const user = crypto.randomUUID();
      const samples = [heartRate(), heartRate(), heartRate()];
      await send(user, samples, T);
      const again = await send(user, samples, T + 1000);
      expect(again).toEqual({ status: 200, body: expect.objectContaining({ accepted: 3, unchanged: 3, watermarkSeq: null }) });
      expect((await eventsOf(user)).map((event) => event.seq)).toEqual([1]);
    });
  });

  describe('deletes, tombstones and revive', () => {
    test('every ref form matches what it names, and only that', async () => {
      const user = crypto.randomUUID();
      const a = heartRate({ sourceId: 'phone', sourceRecordId: 'a' });
      const samples = [
        a,
        { ...a, sourceId: 'watch' },
        heartRate({ sourceId: 'phone', sourceRecordId: 'b', startAt: '2026-11-20T08:00:00Z' }),
        heartRate({ sourceId: 'phone', sourceRecordId: 'b', startAt: '2026-11-20T09:00:00Z' }),
        heartRate({ sourceId: 'phone', sourceRecordId: 'c' }),
        { ...heartRate({ sourceId: 'phone', sourceRecordId: 'c' }), metricCode: 'steps', valueKind: 'CUMULATIVE_NUM', value: 10, unit: 'count' },
        heartRate({ sourceId: 'phone', sourceRecordId: 'd' }),
        heartRate({ sourceId: 'watch', sourceRecordId: 'd' }),
      ];
      expect((await send(user, samples, T)).body).toMatchObject({ accepted: 8 });
      const reply = await send(user, [], T + 1000, [
        { sourceRecordId: 'a', sourceId: 'watch' },
        { sourceRecordId: 'b', sourceId: 'phone', startAt: '2026-11-20T09:00:00Z' },
        { sourceRecordId: 'c', metricCode: 'steps' },
        { sourceRecordId: 'd' },
      ]);
      expect(reply.body).toMatchObject({ deleted: 5 });
      const live = (await rowsOf(user)).filter((row) => !row.deleted).map((row) => `${row.source_record_id}/${row.source_id}/${row.metric_code}`);
      expect(live).toEqual(['a/phone/heart_rate', 'b/phone/heart_rate', 'c/phone/heart_rate']);
    });

    test('a delete received before the row was written does not apply', async () => {
      const user = crypto.randomUUID();
      const sample = heartRate();
      await send(user, [sample], T);
      expect((await send(user, [], T - 1000, [{ sourceRecordId: sample.sourceRecordId }])).body).toMatchObject({ deleted: 0, watermarkSeq: null });
      expect((await rowsOf(user)).map((row) => row.deleted)).toEqual([false]);
    });

    test('a write received after a delete revives the sample; one received before it stays deleted', async () => {
      const user = crypto.randomUUID();
      const sample = heartRate();
      await send(user, [sample], T);
      expect((await send(user, [], T + 1000, [{ sourceRecordId: sample.sourceRecordId }])).body).toMatchObject({ deleted: 1 });
      expect((await send(user, [{ ...sample, value: 99 }], T + 500)).body).toMatchObject({ unchanged: 1, watermarkSeq: null });
      expect((await rowsOf(user)).map((row) => row.deleted)).toEqual([true]);
      expect((await send(user, [sample], T + 2000)).body).toMatchObject({ unchanged: 0 });
      expect(await rowsOf(user)).toEqual([expect.objectContaining({ value: 72, deleted: false })]);
    });

    test('a delete processed before the older write it deletes leaves a tombstone the write respects; a tie goes to the delete', async () => {
      const user = crypto.randomUUID();
      const [older, tied, newer] = [heartRate(), heartRate(), heartRate()];
      await send(user, [], T + 1000, [older, tied, newer].map((s) => ({ sourceRecordId: s.sourceRecordId })));
      const reply = await send(user, [older], T);
      expect(reply.body).toMatchObject({ accepted: 1, unchanged: 1, watermarkSeq: null });
      expect((await send(user, [tied], T + 1000)).body).toMatchObject({ unchanged: 1 });
      expect((await send(user, [newer], T + 1001)).body).toMatchObject({ unchanged: 0 });
      expect((await rowsOf(user)).map((row) => row.source_record_id)).toEqual([newer.sourceRecordId]);
    });

    test('in one request the deletes apply after the samples', async () => {
      const user = crypto.randomUUID();
      const [kept, gone] = [heartRate(), heartRate()];
      const reply = await send(user, [kept, gone], T, [{ sourceRecordId: gone.sourceRecordId }]);
      expect(reply.body).toMatchObject({ accepted: 2, deleted: 1 });
      expect((await rowsOf(user)).map((row) => [row.source_record_id, row.deleted])).toEqual(
        [[kept.sourceRecordId, false], [gone.sourceRecordId, true]].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      );
    });
  });

  describe('accounting and the outbox event', () => {
    test('a sample that fails alone is reported by index in a 207; the others are stored', async () => {
      const user = crypto.randomUUID();
      const reply = await send(user, [heartRate(), heartRate({ metricCode: 'no_such_metric' }), heartRate({ value: 5000 })], T);
      expect(reply.status).toBe(207);
      expect(reply.body).toMatchObject({ accepted: 1, failed: [{ index: 1, code: 'UNKNOWN_METRIC' }, { index: 2, code: 'VALUE_OUT_OF_BOUNDS' }] });
      expect(await rowsOf(user)).toHaveLength(1);
    });

    test('each changing request leaves one event naming its metrics, local dates and seq; the stored reply is the one returned', async () => {
      const user = crypto.randomUUID();
      const sleep = sleepStage('watch', 'deep', '2026-11-20T22:30:00Z', '2026-11-21T01:00:00Z');
      const first = await send(user, [sleep, heartRate()], T);
      // the night now ends a day later: the event names the dates it left as well as the new ones
      const moved = await send(user, [{ ...sleep, endAt: '2026-11-22T01:00:00Z' }], T + 1000);
      expect([first.body.watermarkSeq, moved.body.watermarkSeq]).toEqual([1, 2]);
      const events = await eventsOf(user);
      expect(events.map((event) => [event.seq, event.event_type])).toEqual([[1, 'health.samples.changed'], [2, 'health.samples.changed']]);
      expect(events[0]!.payload).toMatchObject({ userId: user, minRequiredSeq: 1, metricCodes: ['heart_rate', 'sleep_stage'], affectedLocalDates: ['2026-11-20', '2026-11-21'] });
      expect(events[1]!.payload).toMatchObject({ minRequiredSeq: 2, metricCodes: ['sleep_stage'], affectedLocalDates: ['2026-11-20', '2026-11-21', '2026-11-22'] });
      const stored = await db.sql.unsafe(
        'SELECT status, response_status, response_body::text AS body FROM health_ingest_requests WHERE user_id = $1 ORDER BY created_at',
        [user],
      );
      expect(stored.map((row) => [row.status, row.response_status, JSON.parse(row.body as string)])).toEqual([
        ['completed', first.status, first.body],
        ['completed', moved.status, moved.body],
      ]);
    });
  });

  describe('replays', () => {
    test('a request written again after it completed writes nothing', async () => {
      const user = crypto.randomUUID();
      const prepared = prepareUpload(user, batch([heartRate(), heartRate()]), T);
      await writer.write(prepared);
      const wrote = await writer.writeAgain({ ...prepared, receivedAt: new Date(T + 5000), valid: prepared.valid.map((s) => ({ ...s, value: 99 })) });
      expect(wrote).toBe(false);
      expect((await rowsOf(user)).map((row) => row.value)).toEqual([72, 72]);
      expect(await eventsOf(user)).toHaveLength(1);
    });
  });
});

test('the writers agree with each other: what one wrote, another respects', async () => {
  for (const [a, b] of writers.flatMap((first) => writers.filter((second) => second !== first).map((second) => [first, second] as const))) {
    const user = crypto.randomUUID();
    const sample = heartRate({ value: 60 });
    await a.write(prepareUpload(user, batch([sample]), T));
    expect((await b.write(prepareUpload(user, batch([{ ...sample, value: 61 }]), T - 1000))).body).toMatchObject({ unchanged: 1 });
    expect((await b.write(prepareUpload(user, batch([{ ...sample, value: 62 }]), T + 1000))).body).toMatchObject({ unchanged: 0, watermarkSeq: 2 });
    expect((await rowsOf(user)).map((row) => row.value)).toEqual([62]);
  }
});
