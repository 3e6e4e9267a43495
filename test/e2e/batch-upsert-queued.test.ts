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

describe('a queued batch with broken samples', () => {
  test('fails them alone with INVALID_FIELD and their paths; a key sent twice (once by alias) keeps the later', async () => {
    const userId = crypto.randomUUID();
    const token = await service.token(userId);
    const samples: unknown[] = samplesOf(420);
    samples[3] = { ...(samples[3] as object), startAt: '0001-01-01T00:00:00Z' };
    samples[5] = 'not a sample';
    samples[7] = { ...(samples[7] as object), sourceVersion: '12.3' };
    const reading = { sourceId: 'hc', sourceRecordId: 'bp-1', valueKind: 'SCALAR_NUM', unit: 'count/min', startAt: '2026-11-02T08:00:00Z' };
    samples[10] = { ...reading, metricCode: 'heart_rate', value: 61 };
    samples[11] = { ...reading, metricCode: 'HKQuantityTypeIdentifierHeartRate', value: 62 }; // same metric by alias: the later one wins
    const body = batch(samples as never);
    expect((await upload(service.baseUrl, token, body)).status).toBe(202);
    const done = await until(
      () => getJson(service.baseUrl, `/api/v1/health/ingest-requests/${body.requestId}`, token),
      (response) => response.body?.status === 'completed',
    );
    expect(done.body.result.statusCode).toBe(207);
    expect(done.body.result.body.accepted).toBe(417);
    expect(done.body.result.body.failed.map((f: any) => [f.index, f.sourceRecordId === null, f.code, f.path])).toEqual([
      [3, false, 'INVALID_FIELD', '/samples/3/startAt'],
      [5, true, 'INVALID_FIELD', '/samples/5'],
      [7, false, 'INVALID_FIELD', '/samples/7/sourceVersion'],
    ]);
    const rows = await service.db.sql.unsafe('SELECT value FROM health_samples WHERE user_id = $1 AND source_record_id = $2', [userId, 'bp-1']);
    expect(rows.map((row) => row.value)).toEqual([62]);
  });
});
