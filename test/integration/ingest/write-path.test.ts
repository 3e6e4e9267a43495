// The inline write path against a real PostgreSQL: idempotency states, races, conflict rules.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { validateBatchBody } from '../../../src/domain/ingest/upload-schema.ts';
import { ProblemError } from '../../../src/domain/problems.ts';
import type { Reply } from '../../../src/ingest/finish-batch.ts';
import { submitBatch, type IngestDeps } from '../../../src/ingest/submit.ts';
import { batch, heartRate, type SampleInput } from '../../support/batches.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { ingestDeps } from '../../support/ingest.ts';

let db: TestDatabase;
let deps: IngestDeps;
let clock = Date.parse('2026-11-21T00:00:00Z');

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 24 });
  deps = ingestDeps(db.sql, () => clock);
});
afterAll(() => db.drop());

function send(userId: string, body: unknown, receivedAt = new Date(clock)): Promise<Reply> {
  const checked = validateBatchBody(body, 500);
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  return submitBatch(deps, { userId, body: checked.value, headerOffsetMinutes: undefined, receivedAt });
}

async function problemOf(promise: Promise<unknown>): Promise<ProblemError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
  throw new Error('expected a problem');
}

const rowsOf = (userId: string) =>
  db.sql.unsafe('SELECT * FROM health_samples WHERE user_id = $1 ORDER BY source_record_id, start_at', [userId]);
const countOf = async (table: string, userId: string) =>
  (await db.sql.unsafe(`SELECT count(*)::int AS n FROM ${table} WHERE user_id = $1`, [userId]))[0]!.n as number;
const bodyOf = (reply: Reply) => JSON.parse(reply.bodyText);

describe('idempotency states (CONTRACT §4.4)', () => {
  test('completed + same hash replays; + other hash is reused', async () => {
    const user = crypto.randomUUID();
    const body = batch([heartRate()]);
    const first = await send(user, body);
    const replay = await send(user, body);
    expect(replay.bodyText).toBe(first.bodyText);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const reused = await problemOf(send(user, batch([heartRate()], { requestId: body.requestId })));
    expect(reused.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  test('queued or live processing → 409 with retryAfterMs; other hash → 422', async () => {
    for (const status of ['queued', 'processing']) {
      const user = crypto.randomUUID();
      const body = batch([heartRate()]);
      await db.sql.unsafe(
        `INSERT INTO health_ingest_requests (user_id, request_id, payload_hash, status, route, item_count, received_at, heartbeat_at)
         VALUES ($1, $2, $3, $4, 'queued', 1, now(), now())`,
        [user, body.requestId, body.payloadHash, status],
      );
      const busy = await problemOf(send(user, body));
      expect(busy.code).toBe('STILL_PROCESSING');
      expect(busy.extras.retryAfterMs).toBeGreaterThan(0);
      expect(busy.headers['retry-after']).toBeDefined();
      expect((await problemOf(send(user, batch([heartRate()], { requestId: body.requestId })))).code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await countOf('health_samples', user)).toBe(0);
    }
  });

  test('processing with a stale heartbeat, or failed, is taken over and processed at once', async () => {
    for (const [status, heartbeat] of [
      ['processing', "now() - interval '1 hour'"],
      ['failed', 'NULL'],
    ] as const) {
      const user = crypto.randomUUID();
      const body = batch([heartRate(), heartRate()]);
      await db.sql.unsafe(
        `INSERT INTO health_ingest_requests (user_id, request_id, payload_hash, status, route, item_count, received_at, heartbeat_at, attempts)
         VALUES ($1, $2, $3, $4, 'queued', 2, now(), ${heartbeat}, 1)`,
        [user, body.requestId, body.payloadHash, status],
      );
      const reply = await send(user, body);
      expect(reply.status).toBe(200);
      expect(bodyOf(reply).accepted).toBe(2);
      const [request] = await db.sql.unsafe(
        'SELECT status, attempts FROM health_ingest_requests WHERE user_id = $1 AND request_id = $2',
        [user, body.requestId],
      );
      expect(request).toMatchObject({ status: 'completed', attempts: 2 });
      expect(await countOf('health_samples', user)).toBe(2);
    }
  });
});

describe('concurrency', () => {
  test('20 concurrent identical requests: exactly one is processed, the others replay or 409', async () => {
    const user = crypto.randomUUID();
    const body = batch(Array.from({ length: 50 }, () => heartRate()));
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => send(user, body)));
    const replies = outcomes.filter((o) => o.status === 'fulfilled').map((o) => (o as PromiseFulfilledResult<Reply>).value);
    const problems = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason);
    for (const problem of problems) expect((problem as ProblemError).code).toBe('STILL_PROCESSING');
    const processed = replies.filter((reply) => reply.headers['idempotent-replayed'] !== 'true');
    expect(processed).toHaveLength(1);
    for (const reply of replies) expect(reply.bodyText).toBe(processed[0]!.bodyText);
    expect(await countOf('health_samples', user)).toBe(50);
    expect(await countOf('outbox_events', user)).toBe(1);
  });

  test('two users writing concurrently do not block or mix each other', async () => {
    const users = [crypto.randomUUID(), crypto.randomUUID()];
    const shared = Array.from({ length: 100 }, () => heartRate());
    await Promise.all(
      users.flatMap((user) => [send(user, batch(shared)), send(user, batch(shared.slice(0, 50).map((s) => ({ ...s, value: 99 }))))]),
    );
    for (const user of users) expect(await countOf('health_samples', user)).toBe(100);
  });

  test('overlapping batches of one user in parallel neither deadlock nor duplicate', async () => {
    const user = crypto.randomUUID();
    const pool = Array.from({ length: 120 }, () => heartRate());
    const batches = Array.from({ length: 12 }, (_, i) => {
      const slice = pool.slice((i * 10) % 100, ((i * 10) % 100) + 40).reverse();
      return batch(slice.map((s) => ({ ...s, value: 60 + i })));
    });
    const replies = await Promise.all(batches.map((b) => send(user, b)));
    expect(replies.every((reply) => reply.status === 200)).toBe(true);
    const rows = await rowsOf(user);
    expect(new Set(rows.map((row) => row.source_record_id)).size).toBe(rows.length);
  });
});

describe('conflict rules', () => {
  test('the same key twice in one batch: the last occurrence wins, both count as accepted', async () => {
    const user = crypto.randomUUID();
    const sample = heartRate({ value: 60 });
    const reply = await send(user, batch([sample, { ...sample, value: 80 }]));
    expect(bodyOf(reply)).toMatchObject({ accepted: 2, unchanged: 0 });
    const rows = await rowsOf(user);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.value).toBe(80);
  });

  test('a stale sourceVersion is unchanged; a higher one wins even if received earlier', async () => {
    const user = crypto.randomUUID();
    const sample = heartRate({ value: 60, sourceVersion: 5 });
    await send(user, batch([sample]));
    const stale = await send(user, batch([{ ...sample, value: 61, sourceVersion: 4 }]));
    expect(bodyOf(stale)).toMatchObject({ accepted: 1, unchanged: 1, watermarkSeq: null });
    const newer = await send(user, batch([{ ...sample, value: 62, sourceVersion: 6 }]), new Date(clock - 60_000));
    expect(bodyOf(newer)).toMatchObject({ unchanged: 0 });
    expect((await rowsOf(user))[0]!.value).toBe(62);
  });

  test('without versions, a write received earlier than the stored one does not overwrite it', async () => {
    const user = crypto.randomUUID();
    const sample = heartRate({ value: 60 });
    await send(user, batch([sample]), new Date(clock));
    const late = await send(user, batch([{ ...sample, value: 90 }]), new Date(clock - 5_000));
    expect(bodyOf(late)).toMatchObject({ unchanged: 1 });
    expect((await rowsOf(user))[0]!.value).toBe(60);
  });

  test('a delete received before the last write does not apply; a later write revives a deleted sample', async () => {
    const user = crypto.randomUUID();
    const sample = heartRate();
    await send(user, batch([sample]), new Date(clock));
    const early = await send(user, batch([], { deleted: [{ sourceRecordId: sample.sourceRecordId }] }), new Date(clock - 1000));
    expect(bodyOf(early).deleted).toBe(0);
    const now = await send(user, batch([], { deleted: [{ sourceRecordId: sample.sourceRecordId, sourceId: sample.sourceId, startAt: sample.startAt }] }), new Date(clock + 1000));
    expect(bodyOf(now).deleted).toBe(1);
    const staleRevive = await send(user, batch([sample]), new Date(clock + 500));
    expect(bodyOf(staleRevive).unchanged).toBe(1);
    expect((await rowsOf(user))[0]!.deleted_at).not.toBeNull();
    const revive = await send(user, batch([sample]), new Date(clock + 2000));
    expect(bodyOf(revive).unchanged).toBe(0);
    expect((await rowsOf(user))[0]!.deleted_at).toBeNull();
  });

  test('a delete ref with sourceId only matches that source', async () => {
    const user = crypto.randomUUID();
    const a = heartRate({ sourceId: 'phone' });
    const b = { ...a, sourceId: 'watch' };
    await send(user, batch([a, b]));
    const reply = await send(user, batch([], { deleted: [{ sourceRecordId: a.sourceRecordId, sourceId: 'watch' }] }), new Date(clock + 1));
    expect(bodyOf(reply).deleted).toBe(1);
    const live = (await rowsOf(user)).filter((row) => row.deleted_at === null);
    expect(live.map((row) => row.source_id)).toEqual(['phone']);
  });
});

describe('the outbox event', () => {
  test('carries affected local dates (midnight-spanning sleep too), metric codes and minRequiredSeq', async () => {
    const user = crypto.randomUUID();
    const sleep: SampleInput = {
      sourceId: 'watch',
      sourceRecordId: 'sleep-1',
      metricCode: 'sleep_stage',
      valueKind: 'CATEGORY',
      categoryCode: 'deep',
      startAt: '2026-11-20T22:30:00Z',
      endAt: '2026-11-21T01:00:00Z',
      timezoneOffsetMinutes: 60,
    };
    await send(user, batch([sleep, heartRate()]));
    const [event] = await db.sql.unsafe('SELECT event_type, seq, payload FROM outbox_events WHERE user_id = $1', [user]);
    expect(event!.event_type).toBe('health.samples.changed');
    expect(Number(event!.seq)).toBe(1);
    expect(event!.payload).toMatchObject({
      userId: user,
      minRequiredSeq: 1,
      metricCodes: ['heart_rate', 'sleep_stage'],
      affectedLocalDates: ['2026-11-20', '2026-11-21'],
    });
  });

  test('metadata is stored as a JSON object after the allowlist', async () => {
    const user = crypto.randomUUID();
    await send(user, batch([heartRate({ metadata: { deviceModel: 'Watch7,1', secret: 'dropped' } })]));
    const [row] = await db.sql.unsafe("SELECT jsonb_typeof(metadata) AS type, metadata FROM health_samples WHERE user_id = $1", [user]);
    expect(row!.type).toBe('object');
    expect(row!.metadata).toEqual({ deviceModel: 'Watch7,1' });
  });
});
