// CONTRACT §4 on the inline path, through HTTP.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { batch, getJson, heartRate, putJson, upload } from '../support/batches.ts';
import { startTestService, type TestService } from '../support/service.ts';

let service: TestService;
let userId: string;
let token: string;

beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service.close();
});

async function freshUser() {
  userId = crypto.randomUUID();
  token = await service.token(userId);
}

async function storedSamples(user = userId) {
  const rows = await service.db.sql.unsafe('SELECT * FROM health_samples WHERE user_id = $1 ORDER BY source_record_id', [user]);
  return rows;
}

describe('a batch below the queue threshold', () => {
  test('is stored normalized and answered 200 with the counts and the new watermark', async () => {
    await freshUser();
    const samples = [
      heartRate({ value: 72, unit: 'count/min' }),
      heartRate({ metricCode: 'HKQuantityTypeIdentifierBodyMass', valueKind: 'SCALAR_NUM', value: 154.32, unit: 'lb' }),
    ];
    const body = batch(samples);
    const response = await upload(service.baseUrl, token, body);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      requestId: body.requestId,
      status: 'completed',
      accepted: 2,
      unchanged: 0,
      deleted: 0,
      failed: [],
      watermarkSeq: 1,
    });
    const page = await getJson(service.baseUrl, '/api/v1/health/samples', token);
    expect(page.status).toBe(200);
    const byMetric = Object.fromEntries(page.body.items.map((item: any) => [item.metricCode, item]));
    expect(byMetric.heart_rate).toMatchObject({ value: 72, unit: 'bpm', localDate: '2026-11-20', timezoneOffsetMinutes: 60 });
    expect(byMetric.weight.unit).toBe('kg');
    expect(byMetric.weight.value).toBeCloseTo(154.32 * 0.45359237, 9);
    expect(page.body.nextCursor).toBeNull();
  });

  test('answers 207 with each failed sample by index while storing the valid ones', async () => {
    await freshUser();
    const samples = [
      heartRate(),
      heartRate({ value: 400 }),
      heartRate({ metricCode: 'not_a_metric' }),
      heartRate({ unit: 'furlongs' }),
      heartRate(),
    ];
    const response = await upload(service.baseUrl, token, batch(samples));
    expect(response.status).toBe(207);
    expect(response.body.accepted).toBe(2);
    expect(response.body.failed.map((f: any) => [f.index, f.code])).toEqual([
      [1, 'VALUE_OUT_OF_BOUNDS'],
      [2, 'UNKNOWN_METRIC'],
      [3, 'UNIT_NORMALIZATION_FAILED'],
    ]);
    expect(response.body.failed[0].sourceRecordId).toBe(samples[1]!.sourceRecordId);
    expect(await storedSamples()).toHaveLength(2);
  });

  test('a replay returns the stored reply byte for byte, marked Idempotent-Replayed, and writes nothing', async () => {
    await freshUser();
    const body = batch([heartRate(), heartRate({ value: 1000 })]);
    const first = await upload(service.baseUrl, token, body);
    const second = await upload(service.baseUrl, token, body);
    expect(second.status).toBe(first.status);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const watermark = await service.db.sql.unsafe('SELECT seq FROM user_health_watermarks WHERE user_id = $1', [userId]);
    expect(Number(watermark[0]!.seq)).toBe(1);
  });

  test('the same requestId with another payload is 422 IDEMPOTENCY_KEY_REUSED', async () => {
    await freshUser();
    const body = batch([heartRate()]);
    expect((await upload(service.baseUrl, token, body)).status).toBe(200);
    const other = batch([heartRate()], { requestId: body.requestId });
    const response = await upload(service.baseUrl, token, other);
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await storedSamples()).toHaveLength(1);
  });

  test('re-sending the same samples in a new request counts them unchanged and bumps nothing', async () => {
    await freshUser();
    const samples = [heartRate(), heartRate()];
    expect((await upload(service.baseUrl, token, batch(samples))).body.watermarkSeq).toBe(1);
    const again = await upload(service.baseUrl, token, batch(samples));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ accepted: 2, unchanged: 2, watermarkSeq: null });
    const events = await service.db.sql.unsafe('SELECT count(*)::int AS n FROM outbox_events WHERE user_id = $1', [userId]);
    expect(events[0]!.n).toBe(1);
  });

  test('an instant written with another offset is the same key', async () => {
    await freshUser();
    const first = heartRate({ startAt: '2026-11-20T07:15:00Z', value: 70 });
    const sameInstant = { ...first, startAt: '2026-11-20T08:15:00+01:00', value: 75 };
    await upload(service.baseUrl, token, batch([first]));
    const response = await upload(service.baseUrl, token, batch([sameInstant]));
    expect(response.body).toMatchObject({ accepted: 1, unchanged: 0, watermarkSeq: 2 });
    const rows = await storedSamples();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.value).toBe(75);
  });

  test('delete refs mark matching samples deleted, by record id alone too', async () => {
    await freshUser();
    const a = heartRate({ sourceId: 'phone' });
    const b = heartRate({ sourceId: 'watch', sourceRecordId: a.sourceRecordId, startAt: '2026-11-20T09:00:00Z' });
    const c = heartRate();
    await upload(service.baseUrl, token, batch([a, b, c]));
    const response = await upload(service.baseUrl, token, batch([], { deleted: [{ sourceRecordId: a.sourceRecordId }] }));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ accepted: 0, deleted: 2, watermarkSeq: 2 });
    const page = await getJson(service.baseUrl, '/api/v1/health/samples', token);
    expect(page.body.items.map((item: any) => item.sourceRecordId)).toEqual([c.sourceRecordId]);
  });
});

describe('rejected requests leave no trace', () => {
  test('an envelope violation is 400 VALIDATION_FAILED with JSON-pointer paths, nothing stored', async () => {
    await freshUser();
    const body = batch([heartRate()], { deleted: [{ sourceRecordId: 'x', startAt: '0001-01-01T00:00:00Z' }] });
    const response = await upload(service.baseUrl, token, { ...body, requestId: 'not-a-uuid' });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.errors.map((e: any) => e.path)).toEqual(['/requestId', '/deleted/0/startAt']);
    expect(await storedSamples()).toHaveLength(0);
  });

  test('a sample whose fields break their rules fails alone: INVALID_FIELD with its path, the others stored', async () => {
    await freshUser();
    const samples = [
      heartRate({ sourceRecordId: 'ok-1' }),
      heartRate({ sourceRecordId: 'yesterday', startAt: 'yesterday' }),
      heartRate({ sourceRecordId: 'zero-date', startAt: '0001-01-01T00:00:00Z' }),
      heartRate({ sourceRecordId: 'app-version', sourceVersion: '12.3' }),
      42,
      heartRate({ sourceRecordId: 'year-10000', endAt: '9999-12-31T23:00:00-05:00' }),
      heartRate({ sourceRecordId: 'ok-2' }),
    ];
    const response = await upload(service.baseUrl, token, batch(samples as never));
    expect(response.status).toBe(207);
    expect(response.body).toMatchObject({ accepted: 2, unchanged: 0 });
    expect(response.body.failed.map((f: any) => [f.index, f.sourceRecordId, f.code, f.path])).toEqual([
      [1, 'yesterday', 'INVALID_FIELD', '/samples/1/startAt'],
      [2, 'zero-date', 'INVALID_FIELD', '/samples/2/startAt'],
      [3, 'app-version', 'INVALID_FIELD', '/samples/3/sourceVersion'],
      [4, null, 'INVALID_FIELD', '/samples/4'],
      [5, 'year-10000', 'INVALID_FIELD', '/samples/5/endAt'],
    ]);
    expect(response.body.failed[2].message).toContain('metadata.appVersion');
    expect((await storedSamples()).map((row) => row.source_record_id)).toEqual(['ok-1', 'ok-2']);
  });

  test('a batch whose every sample is broken still completes (207), and its re-send replays instead of failing again', async () => {
    await freshUser();
    const body = batch([heartRate({ startAt: '0001-01-01T00:00:00Z' }), heartRate({ startAt: '0000-06-01T05:00:00Z' })]);
    const first = await upload(service.baseUrl, token, body);
    expect(first.status).toBe(207);
    expect(first.body).toMatchObject({ accepted: 0, watermarkSeq: null });
    const again = await upload(service.baseUrl, token, body);
    expect(again.status).toBe(207);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  test('an empty or broken body is 400 MALFORMED_JSON', async () => {
    await freshUser();
    for (const raw of ['', '{"requestId": ', 'not json']) {
      const response = await upload(service.baseUrl, token, raw);
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('MALFORMED_JSON');
    }
  });

  test('a wrong payloadHash is 400 PAYLOAD_HASH_MISMATCH and stores no idempotency record', async () => {
    await freshUser();
    const body = batch([heartRate()]);
    body.payloadHash = '0'.repeat(64);
    const response = await upload(service.baseUrl, token, body);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('PAYLOAD_HASH_MISMATCH');
    expect((await getJson(service.baseUrl, `/api/v1/health/ingest-requests/${body.requestId}`, token)).status).toBe(404);
  });

  test('unknown extra fields are ignored but count in the hash', async () => {
    await freshUser();
    const sample = { ...heartRate(), appSpecific: { nested: [1, 2, 3] } };
    const response = await upload(service.baseUrl, token, { ...batch([sample]), clientVersion: '1.2.3' });
    expect(response.status).toBe(200);
    const tampered = batch([sample]);
    (tampered.samples[0] as any).appSpecific = { nested: [1, 2] };
    expect((await upload(service.baseUrl, token, tampered)).body.code).toBe('PAYLOAD_HASH_MISMATCH');
  });

  test('sync disabled is 403 HEALTH_SYNC_DISABLED; a blocked metric fails alone with PRIVACY_BLOCKED', async () => {
    await freshUser();
    expect((await putJson(service.baseUrl, '/api/v1/health/privacy-settings', token, { syncEnabled: false, blockedMetrics: [] })).status).toBe(200);
    const refused = await upload(service.baseUrl, token, batch([heartRate()]));
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('HEALTH_SYNC_DISABLED');
    await putJson(service.baseUrl, '/api/v1/health/privacy-settings', token, {
      syncEnabled: true,
      blockedMetrics: ['HKQuantityTypeIdentifierHeartRate'],
    });
    const settings = await getJson(service.baseUrl, '/api/v1/health/privacy-settings', token);
    expect(settings.body).toEqual({ syncEnabled: true, blockedMetrics: ['heart_rate'] });
    const partial = await upload(service.baseUrl, token, batch([heartRate(), heartRate({ metricCode: 'steps', valueKind: 'CUMULATIVE_NUM', value: 10, unit: 'count' })]));
    expect(partial.status).toBe(207);
    expect(partial.body.failed).toEqual([expect.objectContaining({ index: 0, code: 'PRIVACY_BLOCKED' })]);
    expect(await storedSamples()).toHaveLength(1);
  });

  test('a body over MAX_JOB_PAYLOAD_BYTES is 413 PAYLOAD_TOO_LARGE, declared or streamed', async () => {
    await freshUser();
    const cap = service.config.maxJobPayloadBytes;
    const big = JSON.stringify({ requestId: crypto.randomUUID(), filler: 'x'.repeat(cap + 10) });
    const declared = await upload(service.baseUrl, token, big);
    expect(declared.status).toBe(413);
    expect(declared.body.code).toBe('PAYLOAD_TOO_LARGE');
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > cap + chunk.length) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const streamed = await fetch(`${service.baseUrl}/api/v1/health/samples/batch-upsert`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: stream,
    });
    expect(streamed.status).toBe(413);
    expect(((await streamed.json()) as { code: string }).code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('authentication and ownership', () => {
  test('missing, malformed, expired or foreign-signed tokens are 401 UNAUTHORIZED', async () => {
    await freshUser();
    const expired = await service.token(userId, -10);
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const claims = Buffer.from(JSON.stringify({ sub: userId, exp: Math.floor(Date.now() / 1000) + 600 })).toString('base64url');
    for (const value of [undefined, 'Bearer', 'Bearer abc.def.ghi', `Bearer ${expired}`, `Bearer ${header}.${claims}.`]) {
      const response = await fetch(`${service.baseUrl}/api/v1/health/samples`, {
        headers: value ? { authorization: value } : {},
      });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { code: string }).code).toBe('UNAUTHORIZED');
    }
  });

  test("another user's request id behaves like one that does not exist", async () => {
    await freshUser();
    const body = batch([heartRate()]);
    await upload(service.baseUrl, token, body);
    const mine = await getJson(service.baseUrl, `/api/v1/health/ingest-requests/${body.requestId}`, token);
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ requestId: body.requestId, status: 'completed', result: { statusCode: 200 } });
    const stranger = await service.token(crypto.randomUUID());
    const theirs = await getJson(service.baseUrl, `/api/v1/health/ingest-requests/${body.requestId}`, stranger);
    expect(theirs.status).toBe(404);
    expect(theirs.body.code).toBe('NOT_FOUND');
    expect((await getJson(service.baseUrl, '/api/v1/health/samples', stranger)).body.items).toEqual([]);
  });
});

describe('the rest of the user API', () => {
  test('X-Request-Id is echoed when sent and generated otherwise, on errors too', async () => {
    const echoed = await getJson(service.baseUrl, '/healthz', undefined, { 'x-request-id': 'trace-123' });
    expect(echoed.headers.get('x-request-id')).toBe('trace-123');
    const generated = await getJson(service.baseUrl, '/api/v1/health/samples');
    expect(generated.status).toBe(401);
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('GET /metrics lists the catalog; an unknown metric in privacy settings is 400', async () => {
    await freshUser();
    const catalog = await getJson(service.baseUrl, '/api/v1/health/metrics', token);
    expect(catalog.status).toBe(200);
    const codes = catalog.body.metrics.map((metric: any) => metric.code);
    for (const code of ['heart_rate', 'steps', 'distance', 'active_energy', 'weight', 'body_temperature', 'blood_glucose', 'workout_duration', 'sleep_stage']) {
      expect(codes).toContain(code);
    }
    const refused = await putJson(service.baseUrl, '/api/v1/health/privacy-settings', token, { syncEnabled: true, blockedMetrics: ['nope'] });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('VALIDATION_FAILED');
  });

  test('samples are keyset-paginated without overlap or gaps', async () => {
    await freshUser();
    const samples = Array.from({ length: 25 }, (_, i) =>
      heartRate({ startAt: new Date(Date.UTC(2026, 10, 20, 0, i)).toISOString(), value: 60 + i }),
    );
    await upload(service.baseUrl, token, batch(samples));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?metric=heart_rate&limit=10${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await getJson(service.baseUrl, `/api/v1/health/samples${query}`, token);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((item: any) => item.sourceRecordId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(samples.map((s) => s.sourceRecordId as string));
    expect((await getJson(service.baseUrl, '/api/v1/health/samples?limit=1001', token)).status).toBe(400);
  });
});

describe('the sample key holds the metric (§4.4)', () => {
  test('one record id and time under two metrics is two samples; a delete by id alone removes both', async () => {
    await freshUser();
    // a Health Connect BloodPressureRecord: one id, one time, a systolic and a diastolic value
    const reading = { sourceId: 'androidx.health', sourceRecordId: 'rec-1', startAt: '2026-11-20T07:15:00Z', timezoneOffsetMinutes: 60 };
    const samples = [
      { ...reading, metricCode: 'BloodPressureRecord.systolic', valueKind: 'SCALAR_NUM', value: 121, unit: 'millimetersOfMercury' },
      { ...reading, metricCode: 'BloodPressureRecord.diastolic', valueKind: 'SCALAR_NUM', value: 80, unit: 'millimetersOfMercury' },
      // the systolic key again, by its canonical code: the later occurrence wins
      { ...reading, metricCode: 'blood_pressure_systolic', valueKind: 'SCALAR_NUM', value: 120, unit: 'mmHg' },
    ];
    const first = await upload(service.baseUrl, token, batch(samples));
    expect(first.body).toMatchObject({ accepted: 3, unchanged: 0, failed: [] });
    expect((await storedSamples()).map((row) => [row.metric_code, row.value]).sort()).toEqual([
      ['blood_pressure_diastolic', 80],
      ['blood_pressure_systolic', 120],
    ]);
    const again = await upload(service.baseUrl, token, batch(samples));
    expect(again.body).toMatchObject({ accepted: 3, unchanged: 3, watermarkSeq: null });
    const gone = await upload(service.baseUrl, token, batch([], { deleted: [{ sourceRecordId: 'rec-1' }] }));
    expect(gone.body.deleted).toBe(2);
    expect((await getJson(service.baseUrl, '/api/v1/health/samples', token)).body.items).toEqual([]);
  });

  test('read items carry timezoneSource: sample, zone, header or default', async () => {
    await freshUser();
    const withoutOffset = (fields: Record<string, unknown>) => {
      const { timezoneOffsetMinutes: _omitted, ...sample } = heartRate(fields);
      return sample;
    };
    const samples = [
      heartRate({ sourceRecordId: 'a-sample', timezoneOffsetMinutes: -300 }),
      withoutOffset({ sourceRecordId: 'b-zone', metadata: { deviceModel: 'Watch7,1', timeZone: 'Asia/Kolkata' } }),
      withoutOffset({ sourceRecordId: 'c-header' }),
    ];
    await upload(service.baseUrl, token, batch(samples), { 'x-timezone-offset': '120' });
    await upload(service.baseUrl, token, batch([withoutOffset({ sourceRecordId: 'd-default' })]));
    const items = (await getJson(service.baseUrl, '/api/v1/health/samples', token)).body.items;
    expect(items.map((item: any) => [item.sourceRecordId, item.timezoneOffsetMinutes, item.timezoneSource, item.localDate]).sort()).toEqual([
      ['a-sample', -300, 'sample', '2026-11-20'],
      ['b-zone', 330, 'zone', '2026-11-20'],
      ['c-header', 120, 'header', '2026-11-20'],
      ['d-default', 0, 'default', '2026-11-20'],
    ]);
    expect(items.find((item: any) => item.sourceRecordId === 'b-zone').metadata).toEqual({ deviceModel: 'Watch7,1', timeZone: 'Asia/Kolkata' });
  });
});

describe('strings PostgreSQL cannot store', () => {
  test('NUL characters and unpaired surrogates fail the sample that holds them; the others are stored', async () => {
    await freshUser();
    const samples = [
      heartRate({ sourceRecordId: 'a\u0000b' }),
      heartRate({ sourceRecordId: 'lone\ud800' }),
      heartRate({ sourceRecordId: 'nul-meta', metadata: { deviceModel: 'x\u0000' } }),
      heartRate({ sourceRecordId: 'lone-meta', metadata: { deviceModel: 'x\udfff' } }),
      heartRate({ sourceRecordId: 'emoji-\ud83d\ude00-ok' }),
      heartRate({ sourceRecordId: 'dropped-key', metadata: { 'not-allowlisted\u0000': 1 } }),
    ];
    const response = await upload(service.baseUrl, token, batch(samples));
    expect(response.status).toBe(207);
    expect(response.body.failed.map((f: any) => [f.index, f.sourceRecordId, f.code, f.path])).toEqual([
      [0, null, 'INVALID_FIELD', '/samples/0/sourceRecordId'],
      [1, null, 'INVALID_FIELD', '/samples/1/sourceRecordId'],
      [2, 'nul-meta', 'INVALID_METADATA', undefined],
      [3, 'lone-meta', 'INVALID_METADATA', undefined],
    ]);
    expect((await storedSamples()).map((row) => row.source_record_id)).toEqual(['dropped-key', 'emoji-\ud83d\ude00-ok']);
  });

  test('outside the samples (delete refs, unknown top-level fields) they are 400 VALIDATION_FAILED, nothing stored', async () => {
    await freshUser();
    const body = batch([heartRate()], { deleted: [{ sourceRecordId: 'gone\u0000' }] });
    const response = await upload(service.baseUrl, token, body);
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: any) => e.path)).toEqual(['/deleted/0/sourceRecordId']);
    expect(await storedSamples()).toHaveLength(0);
  });

  test('SQL-looking strings are stored verbatim', async () => {
    await freshUser();
    const sneaky = "x'); DROP TABLE health_samples; --";
    const response = await upload(service.baseUrl, token, batch([heartRate({ sourceRecordId: sneaky })]));
    expect(response.status).toBe(200);
    expect((await storedSamples())[0]!.source_record_id).toBe(sneaky);
  });
});

describe('the replay fast path', () => {
  test('a byte-identical re-send and a re-formatted one both replay the stored reply', async () => {
    await freshUser();
    const body = batch([heartRate(), heartRate({ value: 999 })]);
    const text = JSON.stringify(body);
    const first = await upload(service.baseUrl, token, text);
    const identical = await upload(service.baseUrl, token, text);
    const reformatted = await upload(service.baseUrl, token, JSON.stringify(body, null, 2));
    for (const again of [identical, reformatted]) {
      expect(again.status).toBe(207);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
    }
  });

  test('a byte-identical re-send after sync was disabled is 403, and a tampered one still 400', async () => {
    await freshUser();
    const body = batch([heartRate()]);
    const text = JSON.stringify(body);
    expect((await upload(service.baseUrl, token, text)).status).toBe(200);
    const tampered = text.replace('"value":72', '"value":73');
    expect((await upload(service.baseUrl, token, tampered)).body.code).toBe('PAYLOAD_HASH_MISMATCH');
    await putJson(service.baseUrl, '/api/v1/health/privacy-settings', token, { syncEnabled: false, blockedMetrics: [] });
    const refused = await upload(service.baseUrl, token, text);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('HEALTH_SYNC_DISABLED');
  });

  test('a requestId-looking field inside a sample does not confuse it', async () => {
    await freshUser();
    const first = batch([heartRate()]);
    await upload(service.baseUrl, token, first);
    const decoy = batch([{ ...heartRate(), requestId: first.requestId }]);
    const text = JSON.stringify({ samples: decoy.samples, requestId: decoy.requestId, payloadHash: decoy.payloadHash });
    const response = await upload(service.baseUrl, token, text);
    expect(response.status).toBe(200);
    expect(response.body.requestId).toBe(decoy.requestId);
    expect(response.headers.get('idempotent-replayed')).toBeNull();
  });
});
