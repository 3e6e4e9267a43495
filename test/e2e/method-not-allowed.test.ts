// A path the service has, asked with a method it does not take, is 405 METHOD_NOT_ALLOWED with
// the Allow header (RFC 9110 §15.5.6) as problem+json — not 404 "no such resource", which would
// send a client looking for a typo in the path. A path it does not have stays 404.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { startTestService, type TestService } from '../support/service.ts';

let service: TestService;

beforeAll(async () => {
  service = await startTestService({ env: { ADMIN_API_KEYS: 'method-key' } });
});
afterAll(() => service.close());

test.each([
  ['PUT', '/api/v1/health/samples', 'GET, HEAD'],
  ['GET', '/api/v1/health/samples/batch-upsert', 'POST'],
  ['DELETE', '/api/v1/health/privacy-settings', 'GET, HEAD, PUT'],
  ['POST', `/api/v1/health/ingest-requests/${crypto.randomUUID()}`, 'GET, HEAD'],
  ['DELETE', '/healthz', 'GET, HEAD'],
  ['PUT', `/admin/webhooks/${crypto.randomUUID()}`, 'DELETE, GET, HEAD, PATCH'],
  ['GET', '/admin/jobs/reaper/run', 'POST'],
])('%s %s → 405 with Allow: %s', async (method, path, allow) => {
  const response = await fetch(`${service.baseUrl}${path}`, { method, headers: { 'x-request-id': 'method-405' } });
  expect(response.status).toBe(405);
  expect(response.headers.get('allow')).toBe(allow);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(response.headers.get('x-request-id')).toBe('method-405');
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED', title: 'Method not allowed' });
  expect(body.type).toBeString();
  expect(body.detail).toContain(method);
});

test.each([
  ['GET', '/api/v1/health/nope'],
  ['GET', '/api/v1/health/samples/extra'],
  ['POST', '/api/v1/health/ingest-requests/'],
  ['GET', '/nope'],
])('%s %s (no such path) → 404 NOT_FOUND', async (method, path) => {
  const response = await fetch(`${service.baseUrl}${path}`, { method });
  expect(response.status).toBe(404);
  expect(response.headers.get('allow')).toBeNull();
  expect(((await response.json()) as { code: string }).code).toBe('NOT_FOUND');
});
