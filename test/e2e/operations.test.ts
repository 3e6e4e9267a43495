// CONTRACT §8 through HTTP: admin endpoints behind X-Api-Key, /readyz with Redis unreachable,
// /metrics moving after uploads, OpenAPI on and off.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { batch, getJson, heartRate, upload } from '../support/batches.ts';
import { startTestService, type TestService } from '../support/service.ts';

const KEY = 'ops-test-admin-key';
let service: TestService;

beforeAll(async () => {
  service = await startTestService({ env: { ADMIN_API_KEYS: `other-key,${KEY}`, INGEST_QUEUE_THRESHOLD: '3' } });
});
afterAll(() => service.close());

async function call(base: string, method: string, path: string, key?: string) {
  const response = await fetch(`${base}${path}`, { method, headers: key === undefined ? {} : { 'x-api-key': key } });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: text.startsWith('{') ? JSON.parse(text) : text };
}

/** the value of one sample of the exposition, by name and a subset of its labels */
function sample(exposition: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

const ADMIN_ROUTES = [
  ['GET', '/admin/jobs'],
  ['POST', '/admin/jobs/retention/run'],
  ['GET', '/admin/queues'],
] as const;

describe('admin endpoints', () => {
  test.each(ADMIN_ROUTES)('%s %s without a key, or with a wrong one → 401 problem+json', async (method, path) => {
    for (const key of [undefined, '', 'wrong-key']) {
      const response = await call(service.baseUrl, method, path, key);
      expect(response.status).toBe(401);
      expect(response.type).toStartWith('application/problem+json');
      expect(response.body.code).toBe('UNAUTHORIZED');
    }
  });

  test.each(ADMIN_ROUTES)('%s %s is refused for every key when ADMIN_API_KEYS is empty', async (method, path) => {
    const closed = await startTestService();
    try {
      expect((await call(closed.baseUrl, method, path, KEY)).status).toBe(401);
    } finally {
      await closed.close();
    }
  });

  test('GET /admin/jobs lists every built-in job with its schedule and last run', async () => {
    const response = await call(service.baseUrl, 'GET', '/admin/jobs', KEY);
    expect(response.status).toBe(200);
    const byName = Object.fromEntries(response.body.jobs.map((job: any) => [job.name, job]));
    expect(Object.keys(byName).sort()).toEqual(['erasure-resume', 'reaper', 'retention', 'soft-delete-purger']);
    expect(byName.reaper).toMatchObject({ schedule: '*/15 * * * *', description: 'every 15 minutes' });
    expect(byName['soft-delete-purger']).toMatchObject({ schedule: '0 4 * * *', description: 'daily at 04:00 UTC' });
    expect(byName['soft-delete-purger'].nextRunAt).toMatch(/T04:00:00\.000Z$/);
    for (const job of response.body.jobs) expect(job).toHaveProperty('lastRun');
  });

  test('POST /admin/jobs/{name}/run runs it and returns the run; GET /admin/jobs then shows it as lastRun', async () => {
    const response = await call(service.baseUrl, 'POST', '/admin/jobs/soft-delete-purger/run', KEY);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      name: 'soft-delete-purger',
      status: 'succeeded',
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
      affectedRows: 0,
      error: null,
    });
    const list = await call(service.baseUrl, 'GET', '/admin/jobs', KEY);
    expect(list.body.jobs.find((job: any) => job.name === 'soft-delete-purger').lastRun).toEqual(response.body);
  });

  test('POST /admin/jobs/{name}/run with an unknown name → 404 NOT_FOUND', async () => {
    const response = await call(service.baseUrl, 'POST', '/admin/jobs/no-such-job/run', KEY);
    expect(response.status).toBe(404);
    expect(response.type).toStartWith('application/problem+json');
    expect(response.body.code).toBe('NOT_FOUND');
  });

  test('GET /admin/queues gives the ingest and import queues\' counts and their oldest waiting jobs (none here)', async () => {
    const response = await call(service.baseUrl, 'GET', '/admin/queues', KEY);
    expect(response.status).toBe(200);
    const counts = { waiting: expect.any(Number), active: expect.any(Number), completed: expect.any(Number), failed: expect.any(Number), delayed: expect.any(Number) };
    const oldest = (index: number) => (response.body.queues[index].counts.waiting === 0 ? null : expect.objectContaining({ jobId: expect.any(String) }));
    expect(response.body).toEqual({
      queues: [
        { name: 'health-ingest-batch', counts, oldestWaiting: oldest(0) },
        { name: 'health-ingest-import', counts, oldestWaiting: oldest(1) },
      ],
    });
  });
});

describe('with Redis unreachable', () => {
  let broken: TestService;
  beforeAll(async () => {
    broken = await startTestService({ env: { REDIS_URL: 'redis://127.0.0.1:1', ADMIN_API_KEYS: KEY } });
  });
  afterAll(() => broken.close());

  test('/readyz answers 503 within about a second, naming redis', async () => {
    const began = performance.now();
    const response = await call(broken.baseUrl, 'GET', '/readyz');
    expect(performance.now() - began).toBeLessThan(2500);
    expect(response.status).toBe(503);
    expect(response.body.status).toBe('fail');
    expect(response.body.checks.postgres).toBe('ok');
    expect(response.body.checks.migrations).toBe('ok');
    expect(response.body.checks.redis).not.toBe('ok');
    // and the healthy service is ready
    expect((await call(service.baseUrl, 'GET', '/readyz')).body).toEqual({
      status: 'ok',
      checks: { postgres: 'ok', redis: 'ok', migrations: 'ok' },
    });
  });

  test('GET /admin/queues → 503 QUEUE_UNAVAILABLE, quickly', async () => {
    const began = performance.now();
    const response = await call(broken.baseUrl, 'GET', '/admin/queues', KEY);
    expect(performance.now() - began).toBeLessThan(2500);
    expect(response.status).toBe(503);
    expect(response.body.code).toBe('QUEUE_UNAVAILABLE');
  });

  test('/metrics still answers, without the queue gauge', async () => {
    const response = await call(broken.baseUrl, 'GET', '/metrics');
    expect(response.status).toBe(200);
    expect(sample(response.body, 'health_ingest_queue_jobs')).toBeUndefined();
    expect(sample(response.body, 'health_ingest_outbox_pending_events')).toBe(0);
  });
});

describe('/metrics', () => {
  test('counts samples by path and failure code, and latency by route template, after uploads', async () => {
    const userId = crypto.randomUUID();
    const token = await service.token(userId);
    const before = (await call(service.baseUrl, 'GET', '/metrics')).body as string;
    expect(sample(before, 'health_ingest_samples_accepted_total', { path: 'inline' }) ?? 0).toBe(0);

    // inline: one valid, one out of bounds → 207
    const inline = batch([heartRate(), heartRate({ value: 1000 })]);
    expect((await upload(service.baseUrl, token, inline)).status).toBe(207);
    // queued (threshold 3): three valid → 202
    expect((await upload(service.baseUrl, token, batch([heartRate(), heartRate(), heartRate()]))).status).toBe(202);
    expect((await getJson(service.baseUrl, `/api/v1/health/ingest-requests/${inline.requestId}`, token)).status).toBe(200);

    const response = await fetch(`${service.baseUrl}/metrics`);
    expect(response.headers.get('content-type')).toStartWith('text/plain');
    const after = await response.text();
    expect(sample(after, 'health_ingest_samples_accepted_total', { path: 'inline' })).toBe(1);
    expect(sample(after, 'health_ingest_samples_failed_total', { path: 'inline', code: 'VALUE_OUT_OF_BOUNDS' })).toBe(1);
    expect(sample(after, 'health_ingest_samples_accepted_total', { path: 'queued' })).toBe(3);
    expect(
      sample(after, 'http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/health/samples/batch-upsert', status: '207' }),
    ).toBe(1);
    expect(sample(after, 'http_request_duration_seconds_count', { route: '/api/v1/health/samples/batch-upsert', status: '202' })).toBe(1);
    expect(sample(after, 'http_request_duration_seconds_count', { route: '/api/v1/health/ingest-requests/:requestId', status: '200' })).toBe(1);
    expect(after).not.toContain(inline.requestId); // templates, never raw paths
    expect(sample(after, 'health_ingest_queue_jobs', { queue: 'health-ingest-batch', state: 'waiting' })).toBe(1);
    expect(sample(after, 'health_ingest_outbox_pending_events')).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'health_ingest_outbox_lag_seconds')).toBeGreaterThanOrEqual(0);
  });

  test('counts job runs by outcome, with their duration', async () => {
    await call(service.baseUrl, 'POST', '/admin/jobs/retention/run', KEY);
    const text = (await call(service.baseUrl, 'GET', '/metrics')).body as string;
    expect(sample(text, 'health_ingest_job_runs_total', { job: 'retention', status: 'succeeded' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'health_ingest_job_run_duration_seconds_count', { job: 'retention', status: 'succeeded' })).toBeGreaterThanOrEqual(1);
  });

  test('a request matching no route is labelled as unmatched, not by its path', async () => {
    await fetch(`${service.baseUrl}/no/such/path-${crypto.randomUUID()}`);
    const text = (await call(service.baseUrl, 'GET', '/metrics')).body as string;
    expect(sample(text, 'http_request_duration_seconds_count', { route: '(unmatched)', status: '404' })).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain('/no/such/path');
  });
});

describe('OpenAPI', () => {
  test('/docs/json documents the routes, the manually read upload body included; /docs is a page', async () => {
    const spec = await call(service.baseUrl, 'GET', '/docs/json');
    expect(spec.status).toBe(200);
    const upsert = spec.body.paths['/api/v1/health/samples/batch-upsert'].post;
    expect(upsert.requestBody.content['application/json'].schema.required).toEqual(['requestId', 'payloadHash', 'samples']);
    const failure = upsert.responses['207'].content['application/json'].schema.properties.failed.items;
    expect(failure.properties.path).toBeDefined();
    expect(failure.properties.code.anyOf.map((c: { const: string }) => c.const)).toContain('INVALID_FIELD');
    expect(spec.body.paths['/admin/jobs/{name}/run'].post.responses['200']).toBeDefined();
    expect(spec.body.paths['/readyz']).toBeDefined();
    const page = await fetch(`${service.baseUrl}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toStartWith('text/html');
  });

  test('/docs loads its script and style from this service, not a CDN', async () => {
    const page = await (await fetch(`${service.baseUrl}/docs`)).text();
    const loaded = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(loaded.sort()).toEqual(['/docs/assets/swagger-ui-bundle.js', '/docs/assets/swagger-ui.css']);
    expect(page).not.toMatch(/https?:\/\//);
    for (const [path, type] of [
      ['/docs/assets/swagger-ui-bundle.js', 'text/javascript'],
      ['/docs/assets/swagger-ui.css', 'text/css'],
    ] as const) {
      const asset = await fetch(`${service.baseUrl}${path}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toStartWith(type);
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
    }
    expect((await fetch(`${service.baseUrl}/docs/assets/package.json`)).status).toBe(404);
    expect((await fetch(`${service.baseUrl}/docs/assets/..%2F..%2Fpackage.json`)).status).toBe(404);
  });

  test('is off with ENABLE_DOCS=false', async () => {
    const quiet = await startTestService({ env: { ENABLE_DOCS: 'false' } });
    try {
      expect((await fetch(`${quiet.baseUrl}/docs/json`)).status).toBe(404);
      expect((await fetch(`${quiet.baseUrl}/docs`)).status).toBe(404);
    } finally {
      await quiet.close();
    }
  });
});
