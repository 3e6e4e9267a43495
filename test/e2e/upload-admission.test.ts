// Load shedding: past MAX_INFLIGHT_UPLOADS uploads being processed, one more is answered at once
// with 503 SERVER_BUSY and Retry-After. A slot is taken once the body has arrived: bodies still
// arriving take none.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { batch, heartRate, upload } from '../support/batches.ts';
import { until } from '../support/poll.ts';
import { startTestService, type TestService } from '../support/service.ts';

let service: TestService;

beforeAll(async () => {
  service = await startTestService({ env: { MAX_INFLIGHT_UPLOADS: '2' } });
});
afterAll(async () => {
  await service.close();
});

/** Holds every write of `userId` (the write path takes the user's advisory lock first). */
async function blockWritesOf(userId: string) {
  const session = await service.db.sql.reserve();
  await session.unsafe('SELECT pg_advisory_lock(hashtextextended($1::text, 0))', [userId]);
  return async () => {
    await session.unsafe('SELECT pg_advisory_unlock(hashtextextended($1::text, 0))', [userId]);
    session.release();
  };
}

/** Starts an upload whose body stays open until `finish` sends the rest. */
function slowBodyUpload(token: string) {
  const text = new TextEncoder().encode(JSON.stringify(batch([heartRate()])));
  let finish!: () => void;
  const released = new Promise<void>((resolve) => (finish = resolve));
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(text.subarray(0, 10));
      await released;
      controller.enqueue(text.subarray(10));
      controller.close();
    },
  });
  const response = fetch(`${service.baseUrl}/api/v1/health/samples/batch-upsert`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  });
  return { finish, response };
}

/** Sessions of this service's database waiting for an advisory lock (the user's write lock). */
const waitingForWriteLock = async () =>
  (
    await service.db.sql.unsafe(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'",
    )
  )[0]!.n as number;

const storedRequests = async (requestId: string) =>
  (await service.db.sql.unsafe('SELECT count(*)::int AS n FROM health_ingest_requests WHERE request_id = $1', [requestId]))[0]!.n as number;

test('past the limit an upload is 503 SERVER_BUSY with Retry-After, stores nothing, and is retried', async () => {
  // two users: a second upload of one user would wait in the process behind the first
  // (src/ingest/user-write-queue.ts), not on the lock
  const busyUsers = [crypto.randomUUID(), crypto.randomUUID()];
  const unblocks = await Promise.all(busyUsers.map(blockWritesOf));
  const busyTokens = await Promise.all(busyUsers.map((user) => service.token(user)));
  const held = busyTokens.map((token) => upload(service.baseUrl, token, batch([heartRate()])));
  await until(waitingForWriteLock, (n) => n === 2, 10_000, 'both admitted and waiting for their user locks');

  const refused = batch([heartRate()]);
  const otherToken = await service.token(crypto.randomUUID());
  const busy = await upload(service.baseUrl, otherToken, refused);
  expect(busy.status).toBe(503);
  expect(busy.headers.get('retry-after')).toBe('1');
  expect(busy.headers.get('content-type')).toContain('application/problem+json');
  expect(busy.body.code).toBe('SERVER_BUSY');
  expect(busy.body.retryAfterMs).toBe(1000);
  expect(await storedRequests(refused.requestId)).toBe(0);

  for (const unblock of unblocks) await unblock();
  expect((await Promise.all(held)).map((h) => h.status)).toEqual([200, 200]);
  const retried = await upload(service.baseUrl, otherToken, refused);
  expect(retried.status).toBe(200);
  expect(retried.body.accepted).toBe(1);
});

test('bodies still arriving hold no slot', async () => {
  const token = await service.token(crypto.randomUUID());
  const slow = [slowBodyUpload(token), slowBodyUpload(token), slowBodyUpload(token)];
  // all three are in their handlers, reading their bodies
  await until(() => service.pendingRequests(), (n) => n >= 3, 10_000, 'three slow bodies arriving');
  const meanwhile = await upload(service.baseUrl, token, batch([heartRate()]));
  expect(meanwhile.status).toBe(200);
  for (const s of slow) {
    s.finish(); // one at a time: three bodies completing at once would be three uploads processed at once
    expect((await s.response).status).toBe(200);
  }
});

test('a refused or failed upload gives its slot back', async () => {
  const token = await service.token(crypto.randomUUID());
  for (let i = 0; i < 5; i++) {
    const invalid = await upload(service.baseUrl, token, { requestId: crypto.randomUUID(), payloadHash: 'x', samples: 'no' });
    expect(invalid.status).toBe(400);
  }
  const uploads = await Promise.all([upload(service.baseUrl, token, batch([heartRate()])), upload(service.baseUrl, token, batch([heartRate()]))]);
  expect(uploads.map((u) => u.status)).toEqual([200, 200]);
});
