// The schemas the OpenAPI document gives the answers that routes build themselves (no Elysia
// `response` schema checks them at run time, to keep the read paths free of it) are held to the
// real answers here: each endpoint's body, as served, passes its documented schema.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { MetricCatalogBody } from '../../src/domain/catalog/catalog-json.ts';
import { IngestResultBody } from '../../src/domain/ingest/ingest-result.ts';
import { ProblemBody } from '../../src/domain/problem-schema.ts';
import { PrivacySettingsBody } from '../../src/domain/privacy-schema.ts';
import {
  DailySummariesBodySchema,
  IngestRequestStatusBody,
  LivenessBody,
  QueuedUploadBody,
  ReadinessBody,
  SamplePageBody,
} from '../../src/domain/read-schemas.ts';
import { batch, getJson, heartRate, putJson, steps, upload } from '../support/batches.ts';
import { until } from '../support/poll.ts';
import { startTestService, type TestService } from '../support/service.ts';

let service: TestService;

beforeAll(async () => {
  service = await startTestService({ worker: true, outbox: true, env: { INGEST_QUEUE_THRESHOLD: '5' } });
});
afterAll(() => service.close());

function conforms(name: string, schema: TSchema, body: unknown): void {
  const errors = [...Value.Errors(schema, body)].slice(0, 3).map((error) => `${error.path}: ${error.message}`);
  expect({ name, errors }).toEqual({ name, errors: [] });
}

test('every self-built answer passes the schema the document gives it', async () => {
  const userId = crypto.randomUUID();
  const token = await service.token(userId);

  conforms('GET /healthz', LivenessBody, (await getJson(service.baseUrl, '/healthz')).body);
  conforms('GET /readyz', ReadinessBody, (await getJson(service.baseUrl, '/readyz')).body);
  conforms('GET metrics catalog', MetricCatalogBody, (await getJson(service.baseUrl, '/api/v1/health/metrics', token)).body);

  const inline = await upload(service.baseUrl, token, batch([heartRate(), steps('com.apple.health.watch', 120, '2026-11-20T08:00:00Z'), heartRate({ startAt: 'soon' })]));
  expect(inline.status).toBe(207);
  conforms('POST batch-upsert 207', IngestResultBody, inline.body);

  const queuedBody = batch(Array.from({ length: 6 }, () => heartRate()));
  const queued = await upload(service.baseUrl, token, queuedBody);
  expect(queued.status).toBe(202);
  conforms('POST batch-upsert 202', QueuedUploadBody, queued.body);
  conforms('GET ingest-requests (queued or processing)', IngestRequestStatusBody, (await getJson(service.baseUrl, `/api/v1/health/ingest-requests/${queuedBody.requestId}`, token)).body);
  const finished = await until(
    async () => (await getJson(service.baseUrl, `/api/v1/health/ingest-requests/${queuedBody.requestId}`, token)).body,
    (body) => body.status === 'completed',
    15_000,
    'the queued upload completed',
  );
  expect(finished.result.statusCode).toBe(200);
  conforms('GET ingest-requests (completed)', IngestRequestStatusBody, finished);

  conforms('GET samples', SamplePageBody, (await getJson(service.baseUrl, '/api/v1/health/samples?limit=3', token)).body);
  const summaries = await getJson(service.baseUrl, `/api/v1/health/daily-summaries?from=2026-11-19&to=2026-11-21&minSeq=${inline.body.watermarkSeq}`, token);
  expect(summaries.body.items.length).toBeGreaterThan(0);
  conforms('GET daily-summaries', DailySummariesBodySchema, summaries.body);
  conforms('GET privacy-settings', PrivacySettingsBody, (await getJson(service.baseUrl, '/api/v1/health/privacy-settings', token)).body);
  conforms('PUT privacy-settings', PrivacySettingsBody, (await putJson(service.baseUrl, '/api/v1/health/privacy-settings', token, { syncEnabled: true, blockedMetrics: ['steps'] })).body);
  conforms('a problem', ProblemBody, (await getJson(service.baseUrl, `/api/v1/health/ingest-requests/${crypto.randomUUID()}`, token)).body);
});
