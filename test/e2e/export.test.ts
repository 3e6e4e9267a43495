// GET /api/v1/health/export (CONTRACT §10): every live sample as section-7 items in (metricCode,
// startAt) order, as NDJSON or in the csv import format; a client that goes away ends the query.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { Value } from '@sinclair/typebox/value';
import { StoredSampleBody } from '../../src/domain/read-schemas.ts';
import { csvFormat } from '../../src/imports/formats/csv/index.ts';
import type { SampleItem } from '../../src/imports/format.ts';
import { batch, heartRate, sleepStage, steps, upload } from '../support/batches.ts';
import { encoder, readAll } from '../support/import-files.ts';
import { until } from '../support/poll.ts';
import { seedSamples } from '../support/seed-samples.ts';
import { startTestService, type TestService } from '../support/service.ts';
import { importAndWait, POLLING_ENV } from '../support/imports.ts';

let service: TestService;

beforeAll(async () => {
  service = await startTestService({ worker: true, env: POLLING_ENV });
});
afterAll(() => service.close());

async function userWith(samples: Record<string, unknown>[], deleted: Record<string, unknown>[] = []) {
  const userId = crypto.randomUUID();
  const token = await service.token(userId);
  const answer = await upload(service.baseUrl, token, batch(samples, deleted.length > 0 ? { deleted } : {}));
  expect(answer.status).toBe(200);
  return { userId, token };
}

const mixed = () => [
  heartRate({ sourceRecordId: 'hr-b', startAt: '2026-11-20T09:00:00Z', value: 61.5 }),
  heartRate({ sourceRecordId: 'hr-a', startAt: '2026-11-20T07:15:00+01:00', metadata: { deviceModel: 'Watch7,1', osVersion: '17.4' } }),
  steps('com.google.android.apps.fitness', 1234, '2026-11-19T10:00:00Z', { sourceRecordId: 'st-1', endAt: '2026-11-19T11:00:00Z', sourceVersion: 3 }),
  sleepStage('com.apple.health.phone', 'deep', '2026-11-19T23:00:00Z', '2026-11-20T00:30:00Z', { sourceRecordId: 'sl-1', metadata: { timeZone: 'Europe/Berlin' } }),
  heartRate({ sourceRecordId: 'hr-gone', startAt: '2026-11-18T07:00:00Z' }),
  // text that needs JSON escapes, and a value with many digits
  heartRate({ sourceId: 'app "quoted" \\ back\\slash', sourceRecordId: 'hr-c\nline\ttab é 📱 \u0001', startAt: '2026-11-21T00:00:00Z', value: 61.123456789012345, metadata: { deviceModel: 'Watch "7"\n', osVersion: '17.4' } }),
];

async function allPages(token: string): Promise<unknown[]> {
  const items: unknown[] = [];
  let cursor: string | null = null;
  do {
    const response = await fetch(`${service.baseUrl}/api/v1/health/samples?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { headers: { authorization: `Bearer ${token}` } });
    const page = (await response.json()) as { items: unknown[]; nextCursor: string | null };
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

const exportOf = (token: string, query = '') => fetch(`${service.baseUrl}/api/v1/health/export${query}`, { headers: { authorization: `Bearer ${token}` } });

describe('NDJSON', () => {
  test('one line per live sample, each exactly the item GET /samples gives, in (metricCode, startAt) order', async () => {
    const { token } = await userWith(mixed(), [{ sourceRecordId: 'hr-gone' }]);
    const response = await exportOf(token);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    const text = await response.text();
    expect(text.endsWith('\n')).toBe(true);
    const items = text.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(items).toEqual(await allPages(token));
    // each line is the sample item the OpenAPI document describes for GET /samples
    for (const item of items) expect([...Value.Errors(StoredSampleBody, item)].map((e) => `${e.path}: ${e.message}`)).toEqual([]);
    expect(items.map((item) => item.sourceRecordId)).toEqual(['hr-a', 'hr-b', 'hr-c\nline\ttab é 📱 \u0001', 'sl-1', 'st-1']);
    expect(items[0]).toMatchObject({ metricCode: 'heart_rate', unit: 'bpm', startAt: '2026-11-20T06:15:00.000Z', timezoneSource: 'sample', localDate: '2026-11-20' });
  });

  test('a user without samples gets an empty body; another user\'s samples are never in it', async () => {
    await userWith(mixed());
    const response = await exportOf(await service.token(crypto.randomUUID()));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  test('an unknown format is a 400 problem; no token is a 401', async () => {
    const { token } = await userWith([heartRate()]);
    const bad = await exportOf(token, '?format=xml');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await fetch(`${service.baseUrl}/api/v1/health/export`)).status).toBe(401);
  });
});

describe('csv', () => {
  test('the header and one line per sample in the csv import columns; read back by the csv reader and uploaded again, every sample is unchanged', async () => {
    const { token } = await userWith(mixed(), [{ sourceRecordId: 'hr-gone' }]);
    const response = await exportOf(token, '?format=csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const text = await response.text();
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('sourceId,sourceRecordId,metricCode,valueKind,value,unit,categoryCode,durationSeconds,startAt,endAt,timezoneOffsetMinutes,metadata,sourceVersion');
    expect(text.endsWith('\r\n')).toBe(true);

    const { items, failure } = await readAll(csvFormat, encoder.encode(text), 7);
    expect(failure).toBeUndefined();
    const samples = items.map((item) => (item as SampleItem).sample as Record<string, unknown>);
    expect(samples.map((s) => s.sourceRecordId)).toEqual(['hr-a', 'hr-b', 'hr-c\nline\ttab é 📱 \u0001', 'sl-1', 'st-1']);
    const before = await allPages(token);
    const again = await upload(service.baseUrl, token, batch(samples));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ accepted: 5, unchanged: 5, failed: [], watermarkSeq: null });
    expect(await allPages(token)).toEqual(before);
  });
});

describe('csv, imported again', () => {
  test('POST /imports/csv of the export: every sample unchanged, nothing written, the samples as they were', async () => {
    const { token } = await userWith(mixed(), [{ sourceRecordId: 'hr-gone' }]);
    const before = await allPages(token);
    const csv = await (await exportOf(token, '?format=csv')).text();
    const state = await importAndWait(service, token, 'csv', csv);
    expect(state.status).toBe('completed');
    expect(state.progress).toMatchObject({ recordsRead: 5, accepted: 0, unchanged: 5, failed: 0 });
    expect(state.watermarkSeq).toBeNull();
    expect(await allPages(token)).toEqual(before);
  });
});

describe('streaming', () => {
  test('a client that goes away mid-export ends the query on the server', async () => {
    const userId = crypto.randomUUID();
    const token = await service.token(userId);
    // ~12 MB of NDJSON: more than the sockets and the fetch client buffer, so the export is mid-way
    await seedSamples(service.db.sql, userId, 50_000);
    const abort = new AbortController();
    const response = await fetch(`${service.baseUrl}/api/v1/health/export`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    const exporting = () =>
      service.db.sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'health-ingest-export' AND state <> 'idle'`.then((rows) => rows[0]!.n as number);
    // the cursor is suspended, waiting for the client: its transaction is open
    expect(await exporting()).toBe(1);
    abort.abort();
    await until(exporting, (n) => n === 0, 10_000, 'the export query ends when its client goes away');
  });
});

test('/docs/json declares the export (NDJSON and CSV) and the erasure routes with every answer', async () => {
  const spec = (await (await fetch(`${service.baseUrl}/docs/json`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>> };
  const exported = spec.paths['/api/v1/health/export']!.get!.responses;
  expect(Object.keys(exported['200']!.content!)).toEqual(['application/x-ndjson', 'text/csv']);
  expect(Object.keys(exported)).toEqual(expect.arrayContaining(['200', '400', '401', '503']));
  expect(Object.keys(spec.paths['/api/v1/health/data']!.delete!.responses)).toContain('202');
  expect(Object.keys(spec.paths['/api/v1/health/data/erasures/{erasureId}']!.get!.responses)).toEqual(expect.arrayContaining(['200', '404']));
  expect(Object.keys(spec.paths['/admin/users/{userId}/data']!.delete!.responses)).toEqual(expect.arrayContaining(['202', '400', '401']));
  expect(Object.keys(spec.paths['/admin/users/{userId}/data/erasures/{erasureId}']!.get!.responses)).toEqual(expect.arrayContaining(['200', '404']));
});
