// Every arrow of the request row's state diagram (src/requests/queries.ts), one statement at a
// time against a real PostgreSQL: where it may go from, where it refuses to, and what it leaves.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import {
  claimInlineRequest,
  claimQueuedRequest,
  completeRequest,
  deleteFinishedRequests,
  failOrphanedQueuedRequests,
  failRequest,
  failStaleProcessingRequests,
  getRequest,
  heartbeatRequests,
  listQueuedRequests,
  lockRequestForWrite,
  lookupRequest,
  startProcessing,
} from '../../../src/requests/queries.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { seedRequest, type SeededRequest } from '../../support/jobs.ts';

const STALE = 300;
const HASH = 'a'.repeat(64); // the hash seedRequest gives every seeded request

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 6 });
});
afterAll(() => db.drop());

/** A request in `status` (or none), for a fresh user. */
async function requestIn(status: SeededRequest['status'] | null, extra: Partial<SeededRequest> = {}) {
  const ref = { userId: crypto.randomUUID(), requestId: crypto.randomUUID() };
  if (status !== null) await seedRequest(db.sql, { ...ref, status, ageSeconds: 1, ...extra });
  return ref;
}

const rowOf = async (ref: { userId: string; requestId: string }) =>
  (
    await db.sql.unsafe(
      `SELECT status, attempts, route, heartbeat_at IS NOT NULL AS beating, response_status, last_error, completed_at IS NOT NULL AS done
       FROM health_ingest_requests WHERE user_id = $1 AND request_id = $2`,
      [ref.userId, ref.requestId],
    )
  )[0];

const claimOf = (ref: { userId: string; requestId: string }, payloadHash = HASH) => ({
  ...ref,
  payloadHash,
  itemCount: 3,
  receivedAt: new Date(),
  bodyDigest: null,
});
const STALE_PROCESSING = { status: 'processing', heartbeatAgeSeconds: 2 * STALE } as const;

describe('claims (none, failed, or a stale lease → taken; anything else refused)', () => {
  test('claim_inline_request: none → processing (inline), taken over with attempts + 1; refused otherwise', async () => {
    const claim = (ref: { userId: string; requestId: string }, hash = HASH) =>
      db.sql.begin((tx) => claimInlineRequest(tx, { ...claimOf(ref, hash), staleAfterSeconds: STALE }));
    const fresh = await requestIn(null);
    expect(await claim(fresh)).toBe(true);
    expect(await rowOf(fresh)).toMatchObject({ status: 'processing', attempts: 1, route: 'inline', beating: true });
    for (const [status, extra] of [['failed', {}], ['processing', STALE_PROCESSING]] as const) {
      const ref = await requestIn(status, { ...extra, attempts: 2 });
      expect(await claim(ref)).toBe(true);
      expect(await rowOf(ref)).toMatchObject({ status: 'processing', attempts: 3, route: 'inline' });
    }
    for (const status of ['queued', 'processing', 'completed'] as const) {
      const ref = await requestIn(status);
      expect(await claim(ref)).toBe(false);
      expect((await rowOf(ref))!.status).toBe(status);
    }
    expect(await claim(await requestIn('failed'), 'c'.repeat(64))).toBe(false);
  });

  test('claim_queued_request: none → queued (attempt 1), taken over with attempts + 1; refused otherwise', async () => {
    const fresh = await requestIn(null);
    expect(await claimQueuedRequest(db.sql, claimOf(fresh), STALE)).toBe(1);
    expect(await rowOf(fresh)).toMatchObject({ status: 'queued', attempts: 1, route: 'queued', beating: false });
    for (const [status, extra] of [['failed', {}], ['processing', STALE_PROCESSING]] as const) {
      const ref = await requestIn(status, { ...extra, attempts: 2 });
      expect(await claimQueuedRequest(db.sql, claimOf(ref), STALE)).toBe(3);
      expect(await rowOf(ref)).toMatchObject({ status: 'queued', attempts: 3, beating: false });
    }
    for (const status of ['queued', 'processing', 'completed'] as const) {
      expect(await claimQueuedRequest(db.sql, claimOf(await requestIn(status)), STALE)).toBeNull();
    }
    expect(await claimQueuedRequest(db.sql, claimOf(await requestIn('failed'), 'c'.repeat(64)), STALE)).toBeNull();
  });
});

describe('the lease of a queued request', () => {
  test('start_processing: queued (or processing) of this attempt → processing with a heartbeat; nothing else', async () => {
    for (const status of ['queued', 'processing'] as const) {
      const ref = await requestIn(status, { attempts: 2 });
      expect(await startProcessing(db.sql, { ...ref, attempt: 2 })).toBe(true);
      expect(await rowOf(ref)).toMatchObject({ status: 'processing', beating: true });
    }
    expect(await startProcessing(db.sql, { ...(await requestIn('queued', { attempts: 2 })), attempt: 1 })).toBe(false);
    for (const status of ['completed', 'failed'] as const) {
      const ref = await requestIn(status);
      expect(await startProcessing(db.sql, { ...ref, attempt: 1 })).toBe(false);
      expect((await rowOf(ref))!.status).toBe(status);
    }
  });

  test('heartbeat_requests: moves the heartbeat of processing requests of these attempts only', async () => {
    const beat = async (ref: { userId: string; requestId: string }, attempt: number) => {
      const before = await db.sql.unsafe('SELECT heartbeat_at FROM health_ingest_requests WHERE request_id = $1', [ref.requestId]);
      await heartbeatRequests(db.sql, [{ ...ref, attempt }]);
      const after = await db.sql.unsafe('SELECT heartbeat_at FROM health_ingest_requests WHERE request_id = $1', [ref.requestId]);
      return [before[0]!.heartbeat_at, after[0]!.heartbeat_at] as [Date | null, Date | null];
    };
    const [was, now] = await beat(await requestIn('processing', { heartbeatAgeSeconds: 60 }), 1);
    expect(now!.getTime()).toBeGreaterThan(was!.getTime());
    const [wasOld, nowOld] = await beat(await requestIn('processing', { heartbeatAgeSeconds: 60, attempts: 2 }), 1);
    expect(nowOld).toEqual(wasOld);
    expect(await beat(await requestIn('queued'), 1)).toEqual([null, null]);
  });

  test('lock_request_for_write: true only while this attempt holds the request in processing', async () => {
    const lock = (ref: { userId: string; requestId: string }, attempt: number) =>
      db.sql.begin((tx) => lockRequestForWrite(tx, { ...ref, attempt }));
    expect(await lock(await requestIn('processing', { attempts: 2 }), 2)).toBe(true);
    expect(await lock(await requestIn('processing', { attempts: 2 }), 1)).toBe(false);
    for (const status of ['queued', 'completed', 'failed'] as const) expect(await lock(await requestIn(status), 1)).toBe(false);
  });
});

describe('the end of a request', () => {
  test('complete_request: → completed with its reply; with a change, the watermark and one event', async () => {
    const changed = await requestIn('processing');
    const seq = await db.sql.begin((tx) =>
      completeRequest(tx, { ...changed, event: { type: 'health.samples.changed', payload: { n: 1 } }, responseStatus: 207, responseBody: '{"a":1}' }),
    );
    expect(seq).toBe(1);
    expect(await rowOf(changed)).toMatchObject({ status: 'completed', response_status: 207, beating: false, done: true });
    expect((await db.sql.unsafe('SELECT seq::int AS seq, payload FROM outbox_events WHERE user_id = $1', [changed.userId])).map((r) => [r.seq, r.payload])).toEqual([
      [1, { n: 1 }],
    ]);
    const unchanged = await requestIn('processing');
    expect(await completeRequest(db.sql, { ...unchanged, event: null, responseStatus: 200, responseBody: '{}' })).toBeNull();
    expect((await rowOf(unchanged))!.status).toBe('completed');
    expect((await db.sql.unsafe('SELECT count(*)::int AS n FROM outbox_events WHERE user_id = $1', [unchanged.userId]))[0]!.n).toBe(0);
    expect(await getRequest(db.sql, changed.userId, changed.requestId)).toMatchObject({ status: 'completed', responseStatus: 207, responseBody: '{"a":1}' });
    expect(await getRequest(db.sql, crypto.randomUUID(), changed.requestId)).toBeNull();
  });

  test('fail_request: queued or processing of this attempt → failed with its reason; a newer attempt or a finished request untouched', async () => {
    for (const status of ['queued', 'processing'] as const) {
      const ref = await requestIn(status);
      expect(await failRequest(db.sql, { ...ref, attempt: 1 }, 'enqueue failed')).toBe(true);
      expect(await rowOf(ref)).toMatchObject({ status: 'failed', last_error: 'enqueue failed', beating: false });
    }
    const newer = await requestIn('processing', { attempts: 2 });
    expect(await failRequest(db.sql, { ...newer, attempt: 1 }, 'late')).toBe(false);
    expect((await rowOf(newer))!.status).toBe('processing');
    const done = await requestIn('completed');
    expect(await failRequest(db.sql, { ...done, attempt: 1 }, 'late')).toBe(false);
  });
});

describe('the reaper and retention', () => {
  test('fail_stale_processing_requests: processing without a heartbeat for longer than the window → failed', async () => {
    const stale = await requestIn('processing', { ageSeconds: 2 * STALE, heartbeatAgeSeconds: 2 * STALE });
    const live = await requestIn('processing', { heartbeatAgeSeconds: 1 });
    const failed = await failStaleProcessingRequests(db.sql, STALE, 1000);
    expect(failed).toContainEqual(stale);
    expect(failed).not.toContainEqual(live);
    expect(await rowOf(stale)).toMatchObject({ status: 'failed', last_error: 'reaped: no worker heartbeat' });
  });

  test('list_queued_requests pages old queued requests in key order; fail_orphaned_queued_requests fails only those still queued, of that attempt', async () => {
    const userId = '00000000-0000-4000-8000-000000000000';
    const ids = ['10000000-0000-4000-8000-000000000000', '20000000-0000-4000-8000-000000000000', '30000000-0000-4000-8000-000000000000'];
    for (const requestId of ids) await seedRequest(db.sql, { userId, requestId, status: 'queued', ageSeconds: 600, attempts: 2 });
    await seedRequest(db.sql, { userId, requestId: '40000000-0000-4000-8000-000000000000', status: 'queued', ageSeconds: 1 });
    const first = await listQueuedRequests(db.sql, 120, null, 2);
    expect(first.filter((r) => r.userId === userId)).toEqual([
      { userId, requestId: ids[0]!, attempt: 2 },
      { userId, requestId: ids[1]!, attempt: 2 },
    ]);
    const rest = await listQueuedRequests(db.sql, 120, first.at(-1)!, 100);
    expect(rest.filter((r) => r.userId === userId).map((r) => r.requestId)).toEqual([ids[2]!]);
    await startProcessing(db.sql, { userId, requestId: ids[1]!, attempt: 2 });
    const failed = await failOrphanedQueuedRequests(db.sql, [
      { userId, requestId: ids[0]!, attempt: 2 },
      { userId, requestId: ids[1]!, attempt: 2 },
      { userId, requestId: ids[2]!, attempt: 1 },
    ]);
    expect(failed).toEqual([{ userId, requestId: ids[0]! }]);
    expect((await rowOf({ userId, requestId: ids[0]! }))!.last_error).toBe('reaped: queue job missing');
  });

  test('delete_finished_requests: completed and failed requests past retention go; the others stay', async () => {
    const day = 24 * 3600;
    const old = [await requestIn('completed', { ageSeconds: 9 * day }), await requestIn('failed', { ageSeconds: 9 * day })];
    const kept = [await requestIn('completed', { ageSeconds: 1 }), await requestIn('queued', { ageSeconds: 9 * day }), await requestIn('processing', { ageSeconds: 9 * day })];
    let deleted = 0;
    for (let chunk = await deleteFinishedRequests(db.sql, 7, 1000); chunk > 0; chunk = await deleteFinishedRequests(db.sql, 7, 1000)) deleted += chunk;
    expect(deleted).toBeGreaterThanOrEqual(2);
    for (const ref of old) expect(await rowOf(ref)).toBeUndefined();
    for (const ref of kept) expect(await rowOf(ref)).toBeDefined();
  });
});

test('lookup_request: the earlier state with its lease, and the privacy settings, in one row', async () => {
  const none = await requestIn(null);
  expect(await lookupRequest(db.sql, none.userId, none.requestId, STALE)).toMatchObject({
    syncEnabled: true,
    blockedMetrics: [],
    status: null,
    leaseExpired: false,
    secondsSinceUpdate: null,
  });
  const stale = await requestIn('processing', { ...STALE_PROCESSING, ageSeconds: 30 });
  const seen = await lookupRequest(db.sql, stale.userId, stale.requestId, STALE);
  expect(seen).toMatchObject({ status: 'processing', payloadHash: HASH, attempts: 1, leaseExpired: true });
  expect(seen.secondsSinceUpdate).toBeGreaterThanOrEqual(29);
});
