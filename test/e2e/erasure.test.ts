// DELETE /api/v1/health/data and DELETE /admin/users/{userId}/data (CONTRACT §10): 202 with the
// erasure; it runs in the worker and, once completed, nothing of the user is left in any table
// but the audit record and the one health.user.erased event — seq 1 of the user's new series, with
// its watermark and checkpoints — which reaches a subscribed webhook; every read is empty; a
// repeated DELETE while it runs is the same erasure.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { adminCall } from '../support/admin.ts';
import { batch, getJson, heartRate, putJson, steps, upload } from '../support/batches.ts';
import { until } from '../support/poll.ts';
import { seedSamples } from '../support/seed-samples.ts';
import { startTestService, type TestService } from '../support/service.ts';
import { outboxEventTypes, userFootprint } from '../support/user-footprint.ts';
import { startReceiver, type Receiver } from '../support/webhook-receiver.ts';
import { importAndWait, postImport, POLLING_ENV } from '../support/imports.ts';

const KEY = 'erasure-admin-key';
let service: TestService;
let hook: Receiver;

beforeAll(async () => {
  hook = startReceiver();
  service = await startTestService({ worker: true, outbox: true, webhooks: true, env: { ...POLLING_ENV, ADMIN_API_KEYS: KEY, INGEST_QUEUE_THRESHOLD: '20', WEBHOOK_ALLOW_PRIVATE: 'true' } });
  expect((await adminCall(service.baseUrl, KEY, 'POST', '/admin/webhooks', { url: hook.url, events: ['health.user.erased'] })).status).toBe(201);
});
afterAll(async () => {
  await service.close();
  await hook.stop();
});

/**
 * What the erasure leaves of a user once the outbox has applied its event: the audit record, and
 * the new series that event starts (its watermark, checkpoints, and its delivery to the endpoint).
 */
const AFTER_ERASURE = { user_erasures: 1, outbox_events: 1, user_health_watermarks: 1, projection_checkpoints: 2, webhook_deliveries: 1, webhook_lanes: 1 };

const erase = (token: string) =>
  fetch(`${service.baseUrl}/api/v1/health/data`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } }).then(async (r) => ({
    status: r.status,
    location: r.headers.get('location'),
    body: (await r.json()) as Record<string, any>,
  }));

async function completed(token: string, location: string) {
  return until(
    () => getJson(service.baseUrl, location, token),
    (answer) => answer.status === 200 && answer.body.status === 'completed',
    20_000,
    'the erasure completes',
  );
}

/** A user with samples (inline and queued), a delete, summaries, privacy settings and a stored request. */
async function busyUser() {
  const userId = crypto.randomUUID();
  const token = await service.token(userId);
  const inline = [heartRate({ sourceRecordId: 'keep-1' }), steps('com.apple.health.phone', 900, '2026-11-19T10:00:00Z', { sourceRecordId: 'st-1' })];
  expect((await upload(service.baseUrl, token, batch(inline, { deleted: [{ sourceRecordId: 'gone-1' }] }))).status).toBe(200);
  const queued = Array.from({ length: 25 }, (_, i) => heartRate({ sourceRecordId: `q-${i}`, startAt: new Date(Date.UTC(2026, 10, 18, 0, i)).toISOString() }));
  const accepted = await upload(service.baseUrl, token, batch(queued));
  expect(accepted.status).toBe(202);
  await until(() => getJson(service.baseUrl, accepted.headers.get('location')!, token), (a) => a.body.status === 'completed', 15_000, 'the queued upload completes');
  expect((await putJson(service.baseUrl, '/api/v1/health/privacy-settings', token, { syncEnabled: true, blockedMetrics: ['weight'] })).status).toBe(200);
  await until(() => getJson(service.baseUrl, '/api/v1/health/daily-summaries?from=2026-11-18&to=2026-11-20', token), (a) => a.body.items?.length >= 3, 15_000, 'summaries');
  await seedSamples(service.db.sql, userId, 5_000, { prefix: 'old-', deleted: true });
  // an import that completed, and an upload of a file still arriving (its stored chunks)
  const imported = await importAndWait(service, token, 'csv', 'sourceId,sourceRecordId,metricCode,value,unit,startAt\r\nwatch,imp-1,heart_rate,70,count/min,2026-11-17T07:00:00Z\r\n');
  expect(imported.status).toBe('completed');
  const receiving = crypto.randomUUID();
  await service.db.sql`INSERT INTO imports (id, user_id, format) VALUES (${receiving}, ${userId}, 'csv')`;
  await service.db.sql`INSERT INTO import_chunks (import_id, seq, bytes) SELECT ${receiving}, s, decode(repeat('ab', 1000), 'hex') FROM generate_series(0, 2) s`;
  return { userId, token };
}

describe('DELETE /api/v1/health/data', () => {
  test('202 with Location; once completed nothing of the user is left but the audit record and one health.user.erased event', async () => {
    const { userId, token } = await busyUser();
    const other = await busyUser();
    const before = await userFootprint(service.db.sql, userId);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['imports', 'health_samples', 'health_ingest_requests', 'health_daily_summaries', 'health_sample_tombstones', 'health_privacy_settings', 'user_health_watermarks', 'projection_checkpoints', 'outbox_events']));

    const started = await erase(token);
    expect(started.status).toBe(202);
    const erasureId = String(started.body.erasureId);
    expect(erasureId).toMatch(/^[0-9a-f-]{36}$/);
    expect(['running', 'completed']).toContain(started.body.status);
    expect(started.location).toBe(`/api/v1/health/data/erasures/${erasureId}`);
    const done = await completed(token, started.location!);
    expect(done.body).toMatchObject({ erasureId, status: 'completed', startedAt: expect.any(String), finishedAt: expect.any(String) });
    expect(done.body.deleted).toEqual({ samples: 5_000 + 2 + 25 + 1, summaries: expect.any(Number), requests: 2, imports: 2 });
    expect(done.body.deleted.summaries).toBeGreaterThanOrEqual(3);

    // the erased event is processed by the outbox (deliveries, no checkpoint): wait, then look
    await until(() => service.db.sql`SELECT count(*)::int AS n FROM outbox_events WHERE user_id = ${userId} AND status = 'pending'`.then((r) => r[0]!.n), (n) => n === 0, 10_000, 'the erased event is processed');
    await until(() => userFootprint(service.db.sql, userId), (f) => f.webhook_deliveries === 1, 10_000, 'the erased event has its delivery');
    expect(await userFootprint(service.db.sql, userId)).toEqual(AFTER_ERASURE);
    expect(await outboxEventTypes(service.db.sql, userId)).toEqual(['health.user.erased']);
    const [event] = await service.db.sql`SELECT seq, payload FROM outbox_events WHERE user_id = ${userId}`;
    expect(event!.payload).toEqual({ userId, erasureId });
    // the event starts the user's new series; the projections have applied it
    expect(Number(event!.seq)).toBe(1);
    const checkpoints = await service.db.sql`SELECT projected_seq FROM projection_checkpoints WHERE user_id = ${userId}`;
    expect(checkpoints.map((row) => Number(row.projected_seq))).toEqual([1, 1]);
    // and a subscribed endpoint receives it
    const delivered = await until(() => hook.received.filter((w) => w.json.data?.userId === userId), (list) => list.length === 1, 15_000, 'the erased webhook arrives');
    expect(delivered[0]!.json).toMatchObject({ type: 'health.user.erased', data: { userId, erasureId } });

    // every read of the user is empty; the privacy settings are the defaults again
    expect((await getJson(service.baseUrl, '/api/v1/health/samples', token)).body).toEqual({ items: [], nextCursor: null });
    expect(await (await fetch(`${service.baseUrl}/api/v1/health/export`, { headers: { authorization: `Bearer ${token}` } })).text()).toBe('');
    const summaries = await getJson(service.baseUrl, '/api/v1/health/daily-summaries?from=2026-11-18&to=2026-11-20', token);
    expect(summaries.body).toMatchObject({ items: [], watermarkSeq: 1, projectedSeq: 1 });
    expect((await getJson(service.baseUrl, '/api/v1/health/privacy-settings', token)).body).toEqual({ syncEnabled: true, blockedMetrics: [] });

    // the other user lost nothing
    expect((await getJson(service.baseUrl, '/api/v1/health/samples', other.token)).body.items.length).toBe(28);
    expect((await getJson(service.baseUrl, '/api/v1/health/imports', token)).body).toEqual({ items: [] });

    // afterwards the user starts again: a new upload is stored, its seq the next of the new series
    const again = await upload(service.baseUrl, token, batch([heartRate({ sourceRecordId: 'after' })]));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ accepted: 1, watermarkSeq: 2 });
  });

  test('a second DELETE while the erasure runs answers the same erasure; after it completed, a DELETE starts a new one', async () => {
    const userId = crypto.randomUUID();
    const token = await service.token(userId);
    await seedSamples(service.db.sql, userId, 60_000);
    // a writer holds one of the user's rows: the erasure waits for it, so it is still running below
    const holder = await service.db.sql.reserve();
    await holder`BEGIN`;
    await holder`SELECT 1 FROM health_samples WHERE user_id = ${userId} AND source_record_id = 'seed-59999' FOR UPDATE`;
    const first = await erase(token);
    const second = await erase(token);
    await holder`ROLLBACK`;
    holder.release();
    expect(second.status).toBe(202);
    expect(second.body.status).toBe('running');
    expect(second.body.erasureId).toBe(first.body.erasureId);
    expect(second.location).toBe(first.location);
    await completed(token, first.location!);
    const third = await erase(token);
    expect(third.status).toBe(202);
    expect(third.body.erasureId).not.toBe(first.body.erasureId);
    await completed(token, third.location!);
    expect((await completed(token, first.location!)).body.deleted.samples).toBe(60_000);
    const rows = await service.db.sql`SELECT requested_by, status FROM user_erasures WHERE user_id = ${userId} ORDER BY started_at`;
    expect(rows.map((r) => [r.requested_by, r.status])).toEqual([['user', 'completed'], ['user', 'completed']]);
  });

  test("another user's erasure id is a 404, as is an id that is not a UUID", async () => {
    const { token } = await busyUser();
    const started = await erase(token);
    const stranger = await service.token(crypto.randomUUID());
    expect((await getJson(service.baseUrl, started.location!, stranger)).status).toBe(404);
    expect((await getJson(service.baseUrl, '/api/v1/health/data/erasures/not-a-uuid', token)).status).toBe(404);
    await completed(token, started.location!);
  });

  test('an upload, an import or a privacy settings change while the erasure runs is refused with 409 DATA_ERASED and stores nothing', async () => {
    const userId = crypto.randomUUID();
    const token = await service.token(userId);
    // an erasure that cannot progress yet: its row alone, as DELETE leaves it before a runner takes it
    await service.db.sql`INSERT INTO user_erasures (id, user_id, requested_by, started_at, lease_until) VALUES (${crypto.randomUUID()}, ${userId}, 'user', now(), now() + interval '1 hour')`;
    const refused = await upload(service.baseUrl, token, batch([heartRate()]));
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'DATA_ERASED' });
    expect(refused.headers.get('retry-after')).toBe('1');
    const queued = await upload(service.baseUrl, token, batch(Array.from({ length: 25 }, () => heartRate())));
    expect(queued.status).toBe(409);
    const imported = await postImport(service, token, 'csv', 'sourceId,sourceRecordId,metricCode,value,unit,startAt\r\nwatch,x,heart_rate,70,count/min,2026-11-17T07:00:00Z\r\n');
    expect(imported.status).toBe(409);
    expect(imported.body.code).toBe('DATA_ERASED');
    const settings = await putJson(service.baseUrl, '/api/v1/health/privacy-settings', token, { syncEnabled: false, blockedMetrics: [] });
    expect(settings.status).toBe(409);
    expect(settings.body.code).toBe('DATA_ERASED');
    expect(settings.headers.get('retry-after')).toBe('1');
    expect(await userFootprint(service.db.sql, userId)).toEqual({ user_erasures: 1 });
  });
});

describe('DELETE /admin/users/{userId}/data', () => {
  test("erases the user's data like the user's own DELETE; the audit record names the admin key by its fingerprint", async () => {
    const { userId, token } = await busyUser();
    const started = await adminCall(service.baseUrl, KEY, 'DELETE', `/admin/users/${userId}/data`);
    expect(started.status).toBe(202);
    const fingerprint = new Bun.CryptoHasher('sha256').update(KEY).digest('hex').slice(0, 16);
    expect(started.body).toMatchObject({ userId, requestedBy: `admin:${fingerprint}` });
    const path = `/admin/users/${userId}/data/erasures/${started.body.erasureId}`;
    const done = await until(() => adminCall(service.baseUrl, KEY, 'GET', path), (a) => a.body?.status === 'completed', 20_000, 'admin erasure completes');
    expect(done.body.deletedRows).toMatchObject({ health_samples: 5_028, imports: 2, import_chunks: 3, health_ingest_requests: 2, health_sample_tombstones: 1, health_privacy_settings: 1, user_health_watermarks: 1 });
    expect(JSON.stringify(done.body)).not.toContain(KEY);
    // the user sees the same erasure
    expect((await getJson(service.baseUrl, `/api/v1/health/data/erasures/${started.body.erasureId}`, token)).body.status).toBe('completed');
    expect((await getJson(service.baseUrl, '/api/v1/health/samples', token)).body.items).toEqual([]);
  });

  test('a userId that is not a UUID is a 400; no key is a 401', async () => {
    expect((await adminCall(service.baseUrl, KEY, 'DELETE', '/admin/users/nobody/data')).status).toBe(400);
    expect((await adminCall(service.baseUrl, 'wrong', 'DELETE', `/admin/users/${crypto.randomUUID()}/data`)).status).toBe(401);
  });
});
