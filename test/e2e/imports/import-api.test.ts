// The import API's answers (CONTRACT §9) through HTTP: the registry, 202 + Location, the
// Idempotency-Key, 404/403/415/413, Content-Encoding, files corrupt part-way (truncated zip,
// broken XML, a zip bomb) ending failed with what was read before the damage kept, cancel,
// the user's list, another user's import.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { StreamingZipWriter } from '../../../bench/lib/streaming-zip.ts';
import { getJson, putJson } from '../../support/batches.ts';
import { until } from '../../support/poll.ts';
import { healthAppZip } from '../../support/import-files.ts';
import { getImport, importAndWait, importFinished, liveSampleCount, postImport, POLLING_ENV } from '../../support/imports.ts';
import { realExportFiles } from '../../support/realdata.ts';
import { startTestService, type TestService } from '../../support/service.ts';

let service: TestService;
/** MAX_IMPORT_BYTES = 64 KiB: oversized uploads and zip bombs are cheap to make */
let small: TestService;
beforeAll(async () => {
  service = await startTestService({ worker: true, env: POLLING_ENV });
  small = await startTestService({ worker: true, env: { ...POLLING_ENV, MAX_IMPORT_BYTES: String(64 * 1024) } });
});
afterAll(async () => {
  await service.close();
  await small.close();
});

const biggest = readFileSync(realExportFiles().find((path) => path.includes('rgosdin'))!);
const importRows = async (on: TestService, userId: string) =>
  Number((await on.db.sql.unsafe('SELECT count(*)::int AS n FROM imports WHERE user_id = $1', [userId]))[0]!.n);

describe('the registry and the upload', () => {
  test('GET /imports/formats lists apple-health and csv with their content types and parameters', async () => {
    const response = await getJson(service.baseUrl, '/api/v1/health/imports/formats', await service.token(crypto.randomUUID()));
    expect(response.status).toBe(200);
    expect(response.body.formats.map((format: { name: string }) => format.name)).toEqual(['apple-health', 'csv']);
    expect(response.body.formats[0].contentTypes).toContain('application/zip');
    expect(response.body.formats[1].contentTypes).toContain('text/csv');
    expect(response.body.formats[0].parameters.map((parameter: { name: string }) => parameter.name)).toEqual(['timeZone']);
  });

  test('POST → 202 {importId, format, status: queued} with Location; the Location answers the import', async () => {
    const token = await service.token(crypto.randomUUID());
    const answer = await postImport(service, token, 'apple-health', healthAppZip(biggest));
    expect(answer.status).toBe(202);
    const { importId } = answer.body;
    expect({ format: answer.body.format, status: answer.body.status, uuid: /^[0-9a-f-]{36}$/.test(importId) }).toEqual({ format: 'apple-health', status: 'queued', uuid: true });
    expect(answer.headers.get('location')).toBe(`/api/v1/health/imports/${importId}`);
    const final = await importFinished(service, token, importId);
    expect(final).toMatchObject({ status: 'completed', error: null });
    expect(final.startedAt).not.toBeNull();
    expect(final.finishedAt).not.toBeNull();
    // the stored file is freed right after the import's final commit (the status can be read in between)
    const countChunks = async () => (await service.db.sql.unsafe('SELECT count(*)::int AS n FROM import_chunks WHERE import_id = $1', [importId]))[0]!.n as number;
    expect(await until(countChunks, (n) => n === 0, 5_000, 'stored file freed')).toBe(0);
  });

  test('the same Idempotency-Key with the same bytes → 200 and the same import; with other bytes → 422', async () => {
    const userId = crypto.randomUUID();
    const token = await service.token(userId);
    const key = crypto.randomUUID();
    const zip = healthAppZip(biggest);
    const first = await postImport(service, token, 'apple-health', zip, { idempotencyKey: key });
    expect(first.status).toBe(202);
    const again = await postImport(service, token, 'apple-health', zip, { idempotencyKey: key });
    expect(again.status).toBe(200);
    expect(again.body.importId).toBe(first.body.importId);
    expect(again.headers.get('location')).toBe(`/api/v1/health/imports/${first.body.importId}`);
    const other = await postImport(service, token, 'apple-health', biggest, { idempotencyKey: key, contentType: 'application/xml' });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    await importFinished(service, token, first.body.importId);
    expect(await importRows(service, userId)).toBe(1);
    // another user's key is theirs alone
    const stranger = await postImport(service, await service.token(crypto.randomUUID()), 'apple-health', zip, { idempotencyKey: key });
    expect(stranger.status).toBe(202);
  });

  test('an unknown format → 404 NOT_FOUND; sync disabled → 403 HEALTH_SYNC_DISABLED; nothing stored', async () => {
    const userId = crypto.randomUUID();
    const token = await service.token(userId);
    const unknown = await postImport(service, token, 'fitbit', biggest);
    expect([unknown.status, unknown.body.code]).toEqual([404, 'NOT_FOUND']);
    expect((await putJson(service.baseUrl, '/api/v1/health/privacy-settings', token, { syncEnabled: false, blockedMetrics: [] })).status).toBe(200);
    const disabled = await postImport(service, token, 'apple-health', healthAppZip(biggest));
    expect([disabled.status, disabled.body.code]).toEqual([403, 'HEALTH_SYNC_DISABLED']);
    expect(await importRows(service, userId)).toBe(0);
  });

  test('a PNG posted as apple-health → 415 UNSUPPORTED_MEDIA_TYPE, judged from its first bytes', async () => {
    const userId = crypto.randomUUID();
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Uint8Array(5000).fill(7)]);
    const answer = await postImport(service, await service.token(userId), 'apple-health', png, { contentType: 'application/zip' });
    expect([answer.status, answer.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(await importRows(service, userId)).toBe(0);
  });

  test('a gzip-encoded upload is decoded before it is judged and stored', async () => {
    const userId = crypto.randomUUID();
    const state = await importAndWait(service, await service.token(userId), 'apple-health', Bun.gzipSync(biggest), {
      contentType: 'application/xml',
      headers: { 'content-encoding': 'gzip' },
    });
    expect(state).toMatchObject({ status: 'completed', progress: { bytesTotal: biggest.length } });
    expect(await liveSampleCount(service, userId)).toBeGreaterThan(3000);
  });
});

describe('MAX_IMPORT_BYTES and the zip-bomb bound', () => {
  test('over the cap by Content-Length → 413 before reading; nothing stored', async () => {
    const userId = crypto.randomUUID();
    const answer = await postImport(small, await small.token(userId), 'apple-health', biggest, { contentType: 'application/xml' });
    expect([answer.status, answer.body.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect(await importRows(small, userId)).toBe(0);
  });

  test('over the cap while streaming (no Content-Length) → 413; the partial upload is discarded', async () => {
    const userId = crypto.randomUUID();
    const pieces = [biggest.subarray(0, 40_000), biggest.subarray(40_000, 80_000), biggest.subarray(80_000, 120_000)];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const piece = pieces.shift();
        if (piece) controller.enqueue(piece);
        else controller.close();
      },
    });
    const response = await fetch(`${small.baseUrl}/api/v1/health/imports/apple-health`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await small.token(userId)}`, 'content-type': 'application/xml' },
      body,
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { code: string }).code).toBe('PAYLOAD_TOO_LARGE');
    expect(await importRows(small, userId)).toBe(0);
    expect(Number((await small.db.sql.unsafe('SELECT count(*)::int AS n FROM import_chunks'))[0]!.n)).toBe(0);
  });

  // the bomb streams, as a phone writes its zip: no sizes in the local header (a data descriptor
  // after the data), so only inflating finds it out
  const streamedZip = async (xml: string) => {
    const parts: Uint8Array[] = [];
    const zip = new StreamingZipWriter({ write: (bytes) => void parts.push(bytes) });
    await zip.directory('apple_health_export/');
    await zip.file('apple_health_export/export.xml', [xml], 9);
    await zip.close();
    return Buffer.concat(parts);
  };
  const head = biggest.toString('utf8').split('\n').slice(0, 2000).join('\n'); // 700 KB: under the 1.25 MiB bound
  const padding = `<!--${' '.repeat(2 * 1024 * 1024)}-->\n`; // 2 MiB of one byte: compresses to a few KB

  test('a zip that expands past 20 × MAX_IMPORT_BYTES fails EXPANSION_LIMIT_EXCEEDED, keeping the records inflated before', async () => {
    const userId = crypto.randomUUID();
    const bomb = await streamedZip(`${head}\n${padding}</HealthData>\n`);
    expect(bomb.length).toBeLessThan(64 * 1024);
    const state = await importAndWait(small, await small.token(userId), 'apple-health', bomb);
    expect(state.status).toBe('failed');
    expect(state.error.code).toBe('EXPANSION_LIMIT_EXCEEDED');
    expect(state.progress.accepted).toBeGreaterThan(1000);
    expect(await liveSampleCount(small, userId)).toBe(state.progress.accepted);
  });

  test('a zip whose header declares an expansion past the bound fails before anything is read', async () => {
    const userId = crypto.randomUUID();
    const bomb = zipSync({ 'apple_health_export/export.xml': [new TextEncoder().encode(`${head}\n${padding}</HealthData>\n`), { level: 9 }] });
    const state = await importAndWait(small, await small.token(userId), 'apple-health', bomb);
    expect([state.status, state.error.code, state.progress.accepted]).toEqual(['failed', 'EXPANSION_LIMIT_EXCEEDED', 0]);
    expect(await liveSampleCount(small, userId)).toBe(0);
  });
});

describe('files corrupt part-way end failed, keeping what was read before', () => {
  test('a truncated zip → failed TRUNCATED_FILE; the records before the cut are stored', async () => {
    const userId = crypto.randomUUID();
    const zip = healthAppZip(biggest);
    const state = await importAndWait(service, await service.token(userId), 'apple-health', zip.subarray(0, Math.floor(zip.length * 0.6)));
    expect(state.status).toBe('failed');
    expect(state.error.code).toBe('TRUNCATED_FILE');
    expect(state.progress.accepted).toBeGreaterThan(1000);
    expect(await liveSampleCount(service, userId)).toBe(state.progress.accepted);
  });

  test('broken XML → failed MALFORMED_FILE with its line; the records before it are stored', async () => {
    const userId = crypto.randomUUID();
    const lines = biggest.toString('utf8').split('\n');
    lines.splice(2000, 0, ' <Record type="HKQuantityTypeIdentifierStepCount" value="1" <<< broken');
    const state = await importAndWait(service, await service.token(userId), 'apple-health', new TextEncoder().encode(lines.join('\n')), {
      contentType: 'application/xml',
    });
    expect(state.status).toBe('failed');
    expect(state.error.code).toBe('MALFORMED_FILE');
    expect(state.error.message).toContain('line 2001');
    expect(state.progress.accepted).toBeGreaterThan(1000);
    expect(await liveSampleCount(service, userId)).toBe(state.progress.accepted);
  });
});

describe('reading and cancelling', () => {
  test("GET /imports lists the user's imports newest first; another user's import is absent (404)", async () => {
    const userId = crypto.randomUUID();
    const token = await service.token(userId);
    const first = await importAndWait(service, token, 'apple-health', healthAppZip(biggest));
    const second = await importAndWait(service, token, 'csv', 'sourceId,sourceRecordId,metricCode,startAt,value,unit\r\nw,r,heart_rate,2026-11-20T07:15:00Z,70,count/min\r\n');
    const list = await getJson(service.baseUrl, '/api/v1/health/imports', token);
    expect(list.status).toBe(200);
    expect(list.body.items.map((item: { importId: string }) => item.importId)).toEqual([second.importId, first.importId]);
    const stranger = await service.token(crypto.randomUUID());
    expect((await getJson(service.baseUrl, `/api/v1/health/imports/${first.importId}`, stranger)).status).toBe(404);
    expect((await getJson(service.baseUrl, '/api/v1/health/imports/not-a-uuid', stranger)).status).toBe(404);
    const cancel = await fetch(`${service.baseUrl}/api/v1/health/imports/${first.importId}`, { method: 'DELETE', headers: { authorization: `Bearer ${stranger}` } });
    expect(cancel.status).toBe(404);
  });

  test('DELETE cancels a queued import: cancelled, nothing written; a finished one is answered as it is', async () => {
    // no worker: the import stays queued
    const idle = await startTestService({ env: POLLING_ENV });
    try {
      const userId = crypto.randomUUID();
      const token = await idle.token(userId);
      const posted = await postImport(idle, token, 'apple-health', healthAppZip(biggest));
      expect(posted.status).toBe(202);
      const cancel = async () =>
        fetch(`${idle.baseUrl}${posted.headers.get('location')}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
      const cancelled = await cancel();
      expect(cancelled.status).toBe(200);
      expect(await cancelled.json()).toMatchObject({ status: 'cancelled', finishedAt: expect.any(String) });
      expect((await getImport(idle, token, posted.body.importId)).status).toBe('cancelled');
      expect(((await (await cancel()).json()) as { status: string }).status).toBe('cancelled');
      expect(await liveSampleCount(idle, userId)).toBe(0);
      const events = await idle.db.sql.unsafe('SELECT event_type, payload FROM outbox_events WHERE user_id = $1', [userId]);
      expect(events.map((event) => [event.event_type, event.payload.status])).toEqual([['health.import.completed', 'cancelled']]);
    } finally {
      await idle.close();
    }
  });
});

describe('the OpenAPI document', () => {
  test('declares every import operation with its content types and every answer, success and problem', async () => {
    const spec = (await (await fetch(`${service.baseUrl}/docs/json`)).json()) as any;
    for (const format of ['apple-health', 'csv']) {
      const post = spec.paths[`/api/v1/health/imports/${format}`].post;
      expect(Object.keys(post.requestBody.content)).toContain(format === 'csv' ? 'text/csv' : 'application/zip');
      // the route's own answers; the user group adds 429, 431 and 500 to every operation
      expect(Object.keys(post.responses).sort()).toEqual(['200', '202', '400', '401', '403', '404', '408', '413', '415', '422', '429', '431', '500', '503']);
      expect(post.responses['202'].content['application/json'].schema.properties.progress).toBeDefined();
      expect(post.summary).toContain(format);
    }
    expect(spec.paths['/api/v1/health/imports/{format}']).toBeUndefined(); // the unknown-format answer is not an operation
    for (const method of ['get', 'delete']) {
      expect(Object.keys(spec.paths['/api/v1/health/imports/{importId}'][method].responses)).toEqual(expect.arrayContaining(['200', '401', '404']));
    }
    expect(spec.paths['/api/v1/health/imports'].get.responses['200']).toBeDefined();
    expect(spec.paths['/api/v1/health/imports/formats'].get.responses['200']).toBeDefined();
    expect(spec.paths['/admin/imports'].get.responses['200']).toBeDefined();
  });
});

describe('/metrics', () => {
  test('counts import records by outcome, bytes read, and imports by status', async () => {
    const sampleOf = (text: string, name: string, labels = '') => {
      const match = new RegExp(`^${name}${labels.replace(/[{}]/g, '\\$&')} ([\\d.e+]+)$`, 'm').exec(text);
      return match ? Number(match[1]) : 0;
    };
    const scrape = async () => (await fetch(`${service.baseUrl}/metrics`)).text();
    const before = await scrape();
    const state = await importAndWait(service, await service.token(crypto.randomUUID()), 'apple-health', healthAppZip(biggest));
    const after = await scrape();
    const delta = (name: string, labels = '') => sampleOf(after, name, labels) - sampleOf(before, name, labels);
    expect(delta('health_ingest_import_records_total', '{outcome="accepted"}')).toBe(state.progress.accepted);
    expect(delta('health_ingest_import_records_total', '{outcome="failed"}')).toBe(state.progress.failed);
    expect(delta('health_ingest_import_bytes_read_total')).toBe(state.progress.bytesTotal);
    expect(sampleOf(after, 'health_ingest_imports', '{status="completed"}')).toBeGreaterThanOrEqual(1);
    expect(after).toMatch(/^health_ingest_imports\{status="queued"\} \d+$/m);
  });
});
