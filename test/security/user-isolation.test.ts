// CONTRACT §2: "A user can only ever read or write their own data; an id belonging to someone
// else behaves exactly like an id that does not exist." User B probes every id-taking endpoint
// with user A's ids and data, on the inline and the queued path.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { batch, getJson, heartRate, putJson, upload } from '../support/batches.ts';
import { until } from '../support/poll.ts';
import { startTestService, type TestService } from '../support/service.ts';

let service: TestService;
const alice = crypto.randomUUID();
const bob = crypto.randomUUID();
let aliceToken: string;
let bobToken: string;
let aliceInline: ReturnType<typeof batch>;
let aliceQueued: ReturnType<typeof batch>;
let aliceInlineText: string;

const rowsOf = async (userId: string) =>
  ((await service.db.sql.unsafe('SELECT count(*)::int AS n FROM health_samples WHERE user_id = $1 AND deleted_at IS NULL', [userId])) as any)[0].n as number;

beforeAll(async () => {
  service = await startTestService({ worker: true });
  aliceToken = await service.token(alice);
  bobToken = await service.token(bob);
  aliceInline = batch([heartRate({ sourceRecordId: 'alice-1' }), heartRate({ sourceRecordId: 'alice-2', value: 999 })]);
  aliceInlineText = JSON.stringify(aliceInline);
  expect((await upload(service.baseUrl, aliceToken, aliceInlineText)).status).toBe(207);
  aliceQueued = batch(
    Array.from({ length: 400 }, (_, i) => heartRate({ sourceRecordId: `alice-q-${i}`, startAt: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString() })),
  );
  expect((await upload(service.baseUrl, aliceToken, aliceQueued)).status).toBe(202);
  await until(
    () => getJson(service.baseUrl, `/api/v1/health/ingest-requests/${aliceQueued.requestId}`, aliceToken),
    (r) => r.body?.status === 'completed',
  );
  expect(
    (await putJson(service.baseUrl, '/api/v1/health/privacy-settings', aliceToken, { syncEnabled: true, blockedMetrics: ['weight'] })).status,
  ).toBe(200);
});
afterAll(() => service.close());

/** The parts of a response that must not tell "someone else's" from "does not exist". */
const shape = (r: { status: number; body: any; headers: Headers }) => ({
  status: r.status,
  contentType: r.headers.get('content-type'),
  body: r.body && { ...r.body, requestId: undefined },
});

describe("another user's ids behave like ids that do not exist", () => {
  test('GET ingest-requests/{id}: 404, identical to an unknown id (inline and queued requests)', async () => {
    const unknown = await getJson(service.baseUrl, `/api/v1/health/ingest-requests/${crypto.randomUUID()}`, bobToken);
    expect(unknown.status).toBe(404);
    for (const id of [aliceInline.requestId, aliceQueued.requestId, aliceInline.requestId.toUpperCase()]) {
      const probe = await getJson(service.baseUrl, `/api/v1/health/ingest-requests/${id}`, bobToken);
      expect(shape(probe)).toEqual(shape(unknown));
    }
    // and Alice still sees hers
    expect((await getJson(service.baseUrl, `/api/v1/health/ingest-requests/${aliceInline.requestId}`, aliceToken)).status).toBe(200);
  });

  test('GET samples: empty for Bob, whatever the filters, and Alice’s cursor shows him nothing of hers', async () => {
    for (const query of ['', '?metric=heart_rate', '?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z', '?limit=1000']) {
      const page = await getJson(service.baseUrl, `/api/v1/health/samples${query}`, bobToken);
      expect(page.status).toBe(200);
      expect(page.body).toEqual({ items: [], nextCursor: null });
    }
    const alicePage = await getJson(service.baseUrl, '/api/v1/health/samples?limit=2', aliceToken);
    expect(alicePage.body.items.length).toBe(2);
    expect(alicePage.body.nextCursor).toEqual(expect.any(String));
    const withHerCursor = await getJson(service.baseUrl, `/api/v1/health/samples?cursor=${alicePage.body.nextCursor}`, bobToken);
    expect(withHerCursor.status).toBe(200);
    expect(withHerCursor.body.items).toEqual([]);
  });

  test('privacy settings: Bob sees the defaults, and his PUT does not change Alice’s', async () => {
    expect((await getJson(service.baseUrl, '/api/v1/health/privacy-settings', bobToken)).body).toEqual({ syncEnabled: true, blockedMetrics: [] });
    expect((await putJson(service.baseUrl, '/api/v1/health/privacy-settings', bobToken, { syncEnabled: false, blockedMetrics: [] })).status).toBe(200);
    expect((await getJson(service.baseUrl, '/api/v1/health/privacy-settings', aliceToken)).body).toEqual({ syncEnabled: true, blockedMetrics: ['weight'] });
    expect((await putJson(service.baseUrl, '/api/v1/health/privacy-settings', bobToken, { syncEnabled: true, blockedMetrics: [] })).status).toBe(200);
  });

  test("Alice's requestId with Alice's exact bytes is a new request for Bob: processed for him, no replay of her reply", async () => {
    const response = await upload(service.baseUrl, bobToken, aliceInlineText);
    expect(response.status).toBe(207);
    expect(response.headers.get('idempotent-replayed')).toBeNull();
    expect(response.body).toMatchObject({ requestId: aliceInline.requestId, accepted: 1, unchanged: 0, watermarkSeq: 1 });
    expect(await rowsOf(bob)).toBe(1);
  });

  test("Alice's queued requestId under a different payload is no 422 for Bob (her hash is not his)", async () => {
    const mine = batch([heartRate({ sourceRecordId: 'bob-own' })], { requestId: aliceQueued.requestId });
    const response = await upload(service.baseUrl, bobToken, mine);
    expect(response.status).toBe(200);
    expect(response.headers.get('idempotent-replayed')).toBeNull();
  });

  test("Bob's delete refs naming Alice's records delete nothing of hers", async () => {
    const before = await rowsOf(alice);
    const refs = [
      { sourceRecordId: 'alice-q-2' },
      { sourceRecordId: 'alice-q-0', sourceId: 'com.apple.health.watch' },
      { sourceRecordId: 'alice-q-1', sourceId: 'com.apple.health.watch', startAt: new Date(Date.UTC(2026, 10, 1) + 60_000).toISOString() },
    ];
    const response = await upload(service.baseUrl, bobToken, batch([], { deleted: refs }));
    expect(response.status).toBe(200);
    expect(response.body.deleted).toBe(0);
    expect(await rowsOf(alice)).toBe(before);
  });

  test("Bob re-sending Alice's samples writes his own rows; hers stay untouched", async () => {
    const [aliceRow] = (await service.db.sql.unsafe(
      "SELECT changed_seq, received_at FROM health_samples WHERE user_id = $1 AND source_record_id = 'alice-1'",
      [alice],
    )) as any[];
    const response = await upload(service.baseUrl, bobToken, batch(aliceInline.samples));
    expect(response.status).toBe(207);
    const [after] = (await service.db.sql.unsafe(
      "SELECT changed_seq, received_at FROM health_samples WHERE user_id = $1 AND source_record_id = 'alice-1'",
      [alice],
    )) as any[];
    expect(after).toEqual(aliceRow);
  });
});
