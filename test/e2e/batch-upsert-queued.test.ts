// CONTRACT §4.5 queue path, through HTTP with the worker running in the same process.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { batch, getJson, heartRate, upload } from '../support/batches.ts';
import { startTestService, type TestService } from '../support/service.ts';
import { until } from '../support/poll.ts';

let service: TestService;

beforeAll(async () => {
  service = await startTestService({ worker: true });
});
afterAll(() => service.close());

const samplesOf = (n: number) => Array.from({ length: n }, (_, i) => heartRate({ startAt: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString() }));

describe('the queue threshold', () => {
  test('399 items are processed inline, 400 are queued (samples and deleted counted together)', async () => {
    const token = await service.token(crypto.randomUUID());
    expect((await upload(service.baseUrl, token, batch(samplesOf(399)))).status).toBe(200);
    const mixed = batch(samplesOf(300), { deleted: Array.from({ length: 100 }, (_, i) => ({ sourceRecordId: `gone-${i}` })) });
    const queued = await upload(service.baseUrl, token, mixed);
    expect(queued.status).toBe(202);
    expect(queued.body).toEqual({ requestId: mixed.requestId, status: 'queued', retryAfterMs: expect.any(Number) });
    expect(queued.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(queued.headers.get('location')).toBe(`/api/v1/health/ingest-requests/${mixed.requestId}`);
  });
});

describe('a queued batch', () => {
  test('moves to completed and its result has the inline shape, codes and indexes; a re-send replays it', async () => {
    const userId = crypto.randomUUID();
    const token = await service.token(userId);
    const samples = samplesOf(450);
    samples[17] = { ...samples[17]!, value: 5000 };
    samples[420] = { ...samples[420]!, unit: 'mph' };
    const body = batch(samples);
    expect((await upload(service.baseUrl, token, body)).status).toBe(202);
    const done = await until(
      () => getJson(service.baseUrl, `/api/v1/health/ingest-requests/${body.requestId}`, token),
      (response) => response.body?.status === 'completed',
    );
    expect(done.body.result.statusCode).toBe(207);
    expect(done.body.result.body).toMatchObject({ requestId: body.requestId, status: 'completed', accepted: 448, unchanged: 0, deleted: 0, watermarkSeq: 1 });
    expect(done.body.result.body.failed.map((f: any) => [f.index, f.code])).toEqual([
      [17, 'VALUE_OUT_OF_BOUNDS'],
      [420, 'UNIT_NORMALIZATION_FAILED'],
    ]);
    const replay = await upload(service.baseUrl, token, body);
    expect(replay.status).toBe(207);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(done.body.result.body);
    const [{ n }] = (await service.db.sql.unsafe('SELECT count(*)::int AS n FROM health_samples WHERE user_id = $1', [userId])) as any;
    expect(n).toBe(448);
  });
});
