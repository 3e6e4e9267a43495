// Heartbeats never wait on a request row another transaction holds (its own write, finishing
// it, or the reaper): waiting deadlocked against a group write locking the same rows in
// another order. The free rows still get their heartbeat.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { heartbeatRequests } from '../../../src/requests/queries.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 4 });
});
afterAll(async () => {
  await db.drop();
});

async function processingRequest() {
  const attempt = { userId: crypto.randomUUID(), requestId: crypto.randomUUID(), attempt: 1 };
  await db.sql.unsafe(
    `INSERT INTO health_ingest_requests (user_id, request_id, payload_hash, status, route, item_count, received_at, heartbeat_at)
     VALUES ($1, $2, 'hash', 'processing', 'queued', 1, now(), now() - interval '1 hour')`,
    [attempt.userId, attempt.requestId],
  );
  return attempt;
}

const beatRecently = async (a: { userId: string; requestId: string }) =>
  (
    await db.sql.unsafe(
      `SELECT heartbeat_at > now() - interval '1 minute' AS fresh FROM health_ingest_requests WHERE user_id = $1 AND request_id = $2`,
      [a.userId, a.requestId],
    )
  )[0]!.fresh as boolean;

test('a held row is skipped at once; the others get their heartbeat', async () => {
  const held = await processingRequest();
  const free = await processingRequest();
  let release!: () => void;
  const holding = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const writer = db.sql.begin(async (tx) => {
    await tx.unsafe('SELECT 1 FROM health_ingest_requests WHERE user_id = $1 AND request_id = $2 FOR UPDATE', [held.userId, held.requestId]);
    locked();
    await holding;
  });
  await isLocked;

  const beat = heartbeatRequests(db.sql, [held, free]).then(() => 'done' as const);
  expect(await Promise.race([beat, Bun.sleep(2000).then(() => 'waited' as const)])).toBe('done');
  expect(await beatRecently(free)).toBe(true);
  expect(await beatRecently(held)).toBe(false);

  release();
  await writer;
  await heartbeatRequests(db.sql, [held]);
  expect(await beatRecently(held)).toBe(true);
});
