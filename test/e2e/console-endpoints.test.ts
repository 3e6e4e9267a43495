// CONTRACT §13 through HTTP, without a browser: the console's page carries no data and is served
// with a strict CSP; its admin JSON endpoints answer only with a key; the rates are the whole
// deployment's (two API replicas, one figure); Bull Board opens only with the console's cookie;
// /metrics has the §8 series; the OpenAPI document declares the new operations.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { batch, heartRate, upload } from '../support/batches.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { until } from '../support/poll.ts';
import { startTestService, type TestService } from '../support/service.ts';

const KEY = 'console-endpoints-key';
let database: TestDatabase;
let replicaA: TestService;
let replicaB: TestService;

beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 20 });
  const env = { ADMIN_API_KEYS: KEY, INGEST_QUEUE_THRESHOLD: '4', MAX_INFLIGHT_UPLOADS: '1' };
  replicaA = await startTestService({ database, env });
  replicaB = await startTestService({ database, env, queuePrefix: replicaA.queuePrefix });
});
afterAll(async () => {
  await replicaA?.close();
  await replicaB?.close();
  await database?.drop();
});

const admin = (base: string, path: string, init: RequestInit = {}) =>
  fetch(`${base}${path}`, { ...init, headers: { 'x-api-key': KEY, ...(init.headers as Record<string, string>) } });

describe('the console page', () => {
  test.each(['/admin/console', '/admin/console/console.js', '/admin/console/console.css', '/admin/console/icon.svg'])(
    '%s is served without a key, with a strict CSP and no inline script',
    async (path) => {
      const response = await fetch(`${replicaA.baseUrl}${path}`);
      expect(response.status).toBe(200);
      const csp = response.headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      const body = await response.text();
      if (path === '/admin/console') {
        expect(body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // every script is a file
        expect(body).not.toMatch(/\sstyle=/);
        expect(body).not.toContain('health-ingest-batch'); // no data in the page
      }
    },
  );

  test('an unchanged asset is answered 304 by its ETag', async () => {
    const first = await fetch(`${replicaA.baseUrl}/admin/console/console.js`);
    const again = await fetch(`${replicaA.baseUrl}/admin/console/console.js`, { headers: { 'if-none-match': first.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });
});

describe('the admin JSON endpoints of the console', () => {
  const ROUTES = [
    ['GET', '/admin/ingest/rates'],
    ['GET', '/admin/outbox'],
    ['GET', '/admin/console/features'],
    ['POST', '/admin/console/board-session'],
  ] as const;

  test.each(ROUTES)('%s %s without a key, or with a wrong one → 401 problem+json', async (method, path) => {
    for (const headers of [{}, { 'x-api-key': 'wrong' }] as Record<string, string>[]) {
      const response = await fetch(`${replicaA.baseUrl}${path}`, { method, headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toStartWith('application/problem+json');
      expect(response.headers.get('set-cookie')).toBeNull();
    }
  });

  test('with no key configured the 401 says the admin endpoints are disabled', async () => {
    const closed = await startTestService();
    try {
      const body = (await (await admin(closed.baseUrl, '/admin/ingest/rates')).json()) as { code: string; detail: string };
      expect(body.code).toBe('UNAUTHORIZED');
      expect(body.detail).toContain('disabled: no key is configured');
    } finally {
      await closed.close();
    }
  });

  test('the rates are every replica\'s: uploads answered by either show in both', async () => {
    const token = await replicaA.token(crypto.randomUUID());
    expect((await upload(replicaA.baseUrl, token, batch([heartRate(), heartRate(), heartRate({ unit: 'parsec' })]))).status).toBe(207);
    expect((await upload(replicaB.baseUrl, token, batch([heartRate(), heartRate({ metricCode: 'no_such_metric' })]))).status).toBe(207);
    for (const replica of [replicaA, replicaB]) {
      const rates = await until(
        async () => (await (await admin(replica.baseUrl, '/admin/ingest/rates')).json()) as any,
        (body) => body.totals.accepted >= 3,
        20_000,
        'rates settled',
      );
      expect(rates.totals.accepted).toBe(3);
      expect(rates.totals.failed).toBe(2);
      expect(Object.keys(rates.failedByCode).sort()).toEqual(['UNIT_NORMALIZATION_FAILED', 'UNKNOWN_METRIC']);
      expect(rates.accepted).toHaveLength(180);
      expect(rates.bucketSeconds).toBe(5);
    }
  });

  test('uploads shed are counted in the rates and in /metrics', async () => {
    const token = await replicaA.token(crypto.randomUUID());
    const shed = await until(
      async () => {
        const replies = await Promise.all(Array.from({ length: 24 }, () => upload(replicaA.baseUrl, token, batch([heartRate()]))));
        return replies.filter((reply) => reply.status === 503 && reply.body.code === 'SERVER_BUSY').length;
      },
      (n) => n > 0,
      20_000,
      'an upload shed',
    );
    const metrics = await (await fetch(`${replicaA.baseUrl}/metrics`)).text();
    expect(Number(/^health_ingest_uploads_shed_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(shed);
    await until(
      async () => ((await (await admin(replicaB.baseUrl, '/admin/ingest/rates')).json()) as any).totals.shed,
      (n: number) => n >= shed,
      20_000,
      'shed uploads in the rates',
    );
  });

  test('GET /admin/queues names the oldest waiting job and its age; GET /admin/outbox the backlog', async () => {
    const token = await replicaA.token(crypto.randomUUID());
    expect((await upload(replicaA.baseUrl, token, batch(Array.from({ length: 4 }, () => heartRate())))).status).toBe(202);
    const { queues } = (await (await admin(replicaA.baseUrl, '/admin/queues')).json()) as any;
    expect(queues[0].counts.waiting).toBeGreaterThanOrEqual(1);
    expect(queues[0].oldestWaiting).toEqual({ jobId: expect.any(String), enqueuedAt: expect.any(String), ageSeconds: expect.any(Number) });
    const outbox = (await (await admin(replicaA.baseUrl, '/admin/outbox')).json()) as any;
    expect(outbox).toEqual({ pending: expect.any(Number), lagSeconds: expect.any(Number), dead: 0 });
    expect(outbox.pending).toBeGreaterThan(0); // no processor runs in this file
  });
});

describe('Bull Board at /admin/queues/board', () => {
  async function session(): Promise<string> {
    const response = await admin(replicaA.baseUrl, '/admin/console/board-session', { method: 'POST' });
    expect(response.status).toBe(204);
    const cookie = response.headers.get('set-cookie')!;
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/admin/queues/board');
    return cookie.split(';')[0]!;
  }

  test.each(['/admin/queues/board', '/admin/queues/board/', '/admin/queues/board/api/queues', '/admin/queues/board/static/images/logo.svg'])(
    '%s is refused without the console\'s cookie, and with the admin key alone',
    async (path) => {
      expect((await fetch(`${replicaA.baseUrl}${path}`)).status).toBe(401);
      expect((await admin(replicaA.baseUrl, path)).status).toBe(401);
    },
  );

  test('with the cookie its page, API and static files are served, on either replica, from this origin only', async () => {
    const cookie = await session();
    const page = await fetch(`${replicaB.baseUrl}/admin/queues/board/`, { headers: { cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toContain('googleapis'); // no CDN: the web font link is taken out
    const script = /src="(static\/js\/main[^"]+)"/.exec(html)![1]!;
    expect((await fetch(`${replicaB.baseUrl}/admin/queues/board/${script}`, { headers: { cookie } })).status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const api = (await (await fetch(`${replicaA.baseUrl}/admin/queues/board/api/queues`, { headers: { cookie } })).json()) as any;
    expect(api.queues.map((queue: any) => [queue.name, queue.readOnlyMode])).toEqual([
      ['health-ingest-batch', true],
      ['health-ingest-import', true],
      ['health-user-erasure', true],
    ]);
  });

  test('it is read-only: any method but GET is refused, cookie or not', async () => {
    const cookie = await session();
    const response = await fetch(`${replicaA.baseUrl}/admin/queues/board/api/queues/health-ingest-batch/clean/completed`, { method: 'PUT', headers: { cookie } });
    expect(response.status).toBe(405);
  });

  test('a forged or altered cookie is refused', async () => {
    const cookie = await session();
    const [name, value] = cookie.split('=');
    const [expires, signature] = value!.split('.');
    for (const forged of [`${name}=${Number(expires) + 60}.${signature}`, `${name}=${expires}.${'A'.repeat(43)}`, `${name}=${KEY}`]) {
      expect((await fetch(`${replicaA.baseUrl}/admin/queues/board/api/queues`, { headers: { cookie: forged } })).status).toBe(401);
    }
  });
});

describe('/metrics (CONTRACT §8)', () => {
  test('has the shed, rate-limited, dead-letter, oldest-waiting and last-success series', async () => {
    expect((await admin(replicaA.baseUrl, '/admin/jobs/retention/run', { method: 'POST' })).status).toBe(200);
    const metrics = await (await fetch(`${replicaB.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^health_ingest_uploads_shed_total \d+/m);
    expect(metrics).toMatch(/^health_ingest_rate_limited_total 0/m);
    expect(metrics).toMatch(/^health_ingest_outbox_dead_events 0/m);
    expect(metrics).toMatch(/^health_ingest_queue_oldest_waiting_seconds\{queue="health-ingest-batch"\} [\d.]+/m);
    // the run happened on replica A; replica B's scrape shows it (read from job_runs)
    const at = Number(/^health_ingest_job_last_success_timestamp_seconds\{job="retention"\} ([\d.e+]+)/m.exec(metrics)?.[1]);
    expect(Math.abs(at - Date.now() / 1000)).toBeLessThan(60);
    expect(metrics).not.toContain('job="reaper"'); // never succeeded: absent, so "has not run" alerts fire
  });
});

describe('the OpenAPI document', () => {
  test('declares the console\'s operations with their response schemas', async () => {
    const spec = (await (await fetch(`${replicaA.baseUrl}/docs/json`)).json()) as any;
    for (const [path, method] of [
      ['/admin/ingest/rates', 'get'],
      ['/admin/outbox', 'get'],
      ['/admin/outbox/dead', 'get'],
      ['/admin/console/features', 'get'],
    ] as const) {
      expect(spec.paths[path]?.[method]?.responses?.['200']?.content?.['application/json']?.schema).toBeDefined();
    }
    expect(spec.paths['/admin/console/board-session']?.post).toBeDefined();
    expect(Object.keys(spec.paths).filter((path) => path.startsWith('/admin/queues/board'))).toEqual([]);
  });
});
