// The queued claim takes the user's erasure gate, not the user's write lock: an upload is queued
// (202) while a long write of the same user holds the write lock, and waits only for an erasure's
// start or final transaction (erasure/lock_user), which take the gate exclusively.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { lockUser } from '../../../src/erasure/queries.ts';
import { claimQueuedRequest } from '../../../src/requests/queries.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 4 });
});
afterAll(() => db.drop());

const claimOf = (userId: string, receivedAt = new Date()) => ({
  userId, requestId: crypto.randomUUID(), payloadHash: 'a'.repeat(64), itemCount: 400, receivedAt, bodyDigest: null,
});
// bounded wait, so a claim blocked for good fails the test instead of hanging it
const settledWithin = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise.then((value) => ({ value })), Bun.sleep(ms).then(() => 'still waiting' as const)]);

test("a queued claim does not wait for the user's write lock", async () => {
  const userId = crypto.randomUUID();
  const holder = await db.sql.reserve();
  try {
    await holder.unsafe('BEGIN');
    await holder.unsafe('SELECT pg_advisory_xact_lock(hashtextextended($1::text, 0))', [userId]);
    expect(await settledWithin(claimQueuedRequest(db.sql, claimOf(userId), 60), 10_000)).toEqual({ value: 1 });
  } finally {
    await holder.unsafe('ROLLBACK');
    holder.release();
  }
});

test("a queued claim waits for an erasure's start or final transaction (erasure/lock_user)", async () => {
  const userId = crypto.randomUUID();
  let claim: Promise<number | null> | undefined;
  await db.sql.begin(async (tx) => {
    await lockUser(tx, userId);
    claim = claimQueuedRequest(db.sql, claimOf(userId), 60);
    expect(await settledWithin(claim, 300)).toBe('still waiting');
  });
  // granted once the erasure's transaction ends (its snapshot predates the grant: a row it writes
  // for an upload received before the erasure is removed by the erasure's final transaction)
  expect(await claim).toBe(1);
});
