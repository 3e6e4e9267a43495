// The erasure fence in the write core (CONTRACT §10, ingest/erasure-fence.ts): a write received at
// or before an erasure of its user started, or any write while one runs, writes nothing — inline
// (not even its request row), in a group of the queue's writer (the other users' parts of the
// group are written), and at the queued claim; a write received after a completed erasure is
// written as usual.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { defaultCatalog } from '../../../src/domain/catalog/catalog.ts';
import { validateBatchBody } from '../../../src/domain/ingest/upload-schema.ts';
import type { PreparedBatch } from '../../../src/ingest/finish-batch.ts';
import { prepareBatch } from '../../../src/ingest/submit.ts';
import { writeInline } from '../../../src/ingest/write-inline.ts';
import { GroupWriter } from '../../../src/queue/group-writer.ts';
import { claimQueuedRequest, startProcessing } from '../../../src/requests/queries.ts';
import { batch, heartRate } from '../../support/batches.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { userFootprint } from '../../support/user-footprint.ts';

const STALE = 300;
const T = Date.parse('2026-11-21T00:00:00Z');
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 8 });
});
afterAll(() => db.drop());

function prepared(userId: string, receivedAtMs: number): PreparedBatch {
  const checked = validateBatchBody(batch([heartRate(), heartRate({ startAt: '2026-11-20T08:00:00Z' })], { deleted: [{ sourceRecordId: 'x' }] }), 500);
  if (!checked.ok) throw new Error('bad batch');
  return prepareBatch(defaultCatalog, { userId, body: checked.value, headerOffsetMinutes: undefined, receivedAt: new Date(receivedAtMs) }, new Set(), T);
}

async function erasure(userId: string, status: 'running' | 'completed', startedAtMs: number) {
  await db.sql`INSERT INTO user_erasures (id, user_id, status, requested_by, started_at, finished_at)
               VALUES (${crypto.randomUUID()}, ${userId}, ${status}, 'user', ${new Date(startedAtMs)}, ${status === 'completed' ? new Date(startedAtMs + 1000) : null})`;
}

describe('inline', () => {
  test('received before a completed erasure started: fenced, nothing of it stored (no request row either)', async () => {
    const userId = crypto.randomUUID();
    await erasure(userId, 'completed', T + 1);
    expect(await writeInline(db.sql, prepared(userId, T), STALE)).toEqual({ kind: 'fenced' });
    expect(await userFootprint(db.sql, userId)).toEqual({ user_erasures: 1 });
  });

  test('received at the very moment the erasure started: fenced (the erasure wins a tie, like a delete)', async () => {
    const userId = crypto.randomUUID();
    await erasure(userId, 'completed', T);
    expect((await writeInline(db.sql, prepared(userId, T), STALE)).kind).toBe('fenced');
  });

  test('any write while an erasure runs is fenced, even one received after it started', async () => {
    const userId = crypto.randomUUID();
    await erasure(userId, 'running', T - 60_000);
    expect((await writeInline(db.sql, prepared(userId, T), STALE)).kind).toBe('fenced');
    expect(await userFootprint(db.sql, userId)).toEqual({ user_erasures: 1 });
  });

  test("uploads of the user arriving together (written as one sequence) are each fenced; another user's beside them are written", async () => {
    const userId = crypto.randomUUID();
    const other = crypto.randomUUID();
    await erasure(userId, 'running', T - 60_000);
    const outcomes = await Promise.all([
      ...Array.from({ length: 5 }, () => writeInline(db.sql, prepared(userId, T), STALE)),
      writeInline(db.sql, prepared(other, T), STALE),
    ]);
    expect(outcomes.map((o) => o.kind)).toEqual(['fenced', 'fenced', 'fenced', 'fenced', 'fenced', 'completed']);
    expect(await userFootprint(db.sql, userId)).toEqual({ user_erasures: 1 });
  });

  test('received after a completed erasure: written as usual', async () => {
    const userId = crypto.randomUUID();
    await erasure(userId, 'completed', T - 60_000);
    expect((await writeInline(db.sql, prepared(userId, T), STALE)).kind).toBe('completed');
    expect(await userFootprint(db.sql, userId)).toMatchObject({ health_samples: 2, health_ingest_requests: 1, health_sample_tombstones: 1 });
  });
});

describe('queue path', () => {
  test('the queued claim refuses a fenced upload: no request row', async () => {
    const userId = crypto.randomUUID();
    await erasure(userId, 'running', T - 60_000);
    expect(await claimQueuedRequest(db.sql, prepared(userId, T), STALE)).toBeNull();
    expect(await userFootprint(db.sql, userId)).toEqual({ user_erasures: 1 });
  });

  test('a job claimed before the erasure and written after it started writes nothing; the other users in its group are written', async () => {
    const erased = crypto.randomUUID();
    const others = [crypto.randomUUID(), crypto.randomUUID()];
    const batches = [erased, ...others].map((userId) => prepared(userId, T));
    const leases: { userId: string; requestId: string; attempt: number }[] = [];
    for (const b of batches) {
      const attempt = await claimQueuedRequest(db.sql, b, STALE);
      const lease = { userId: b.userId, requestId: b.requestId, attempt: attempt! };
      expect(await startProcessing(db.sql, lease)).toBe(true);
      leases.push(lease);
    }
    await erasure(erased, 'running', T + 1);
    const writer = new GroupWriter(db.sql, { maxGroupSize: 3, maxConcurrentGroups: 1 });
    const outcomes = await Promise.all(batches.map((b, i) => writer.write(leases[i]!, b)));
    expect(outcomes.map((o) => o.kind)).toEqual(['superseded', 'completed', 'completed']);
    expect(await userFootprint(db.sql, erased)).toEqual({ user_erasures: 1, health_ingest_requests: 1 });
    const [request] = await db.sql`SELECT status FROM health_ingest_requests WHERE user_id = ${erased}`;
    expect(request!.status).toBe('processing');
    for (const other of others) expect(await userFootprint(db.sql, other)).toMatchObject({ health_samples: 2, outbox_events: 1 });
  });
});
