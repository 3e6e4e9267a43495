// The statuses the routes really answer are the ones /docs/json declares (CONTRACT §8): each probe
// below provokes one answer through HTTP — an unknown job, a bad replay body, a dependency down —
// and the operation the document gives that path and method must list its status. A generated
// client that meets an undeclared status has no type for it.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createDb } from '../../src/db/client.ts';
import { startTestService, type TestService } from '../support/service.ts';

const ADMIN_KEY = 'documented-statuses-key';

interface Probe {
  method: string;
  path: string;
  /** the document's path template */
  template: string;
  body?: string;
  user?: boolean;
}

async function answer(service: TestService, token: string, probe: Probe): Promise<number> {
  const headers: Record<string, string> = probe.user ? { authorization: `Bearer ${token}` } : { 'x-api-key': ADMIN_KEY };
  if (probe.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${service.baseUrl}${probe.path}`, { method: probe.method, headers, body: probe.body });
  await response.arrayBuffer();
  return response.status;
}

async function undeclared(service: TestService, probes: Probe[], expected: (probe: Probe) => number) {
  const spec = (await (await fetch(`${service.baseUrl}/docs/json`)).json()) as any;
  const token = await service.token(crypto.randomUUID());
  const found: string[] = [];
  for (const probe of probes) {
    const status = await answer(service, token, probe);
    expect({ probe: `${probe.method} ${probe.path}`, status }).toEqual({ probe: `${probe.method} ${probe.path}`, status: expected(probe) });
    const operation = spec.paths[probe.template]?.[probe.method.toLowerCase()];
    if (!operation?.responses?.[String(status)]) found.push(`${probe.method} ${probe.template} answers ${status}`);
  }
  return found;
}

describe('with PostgreSQL and Redis up', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({ env: { ADMIN_API_KEYS: ADMIN_KEY } });
  });
  afterAll(() => service.close());

  const probes: [Probe, number][] = [
    [{ method: 'POST', path: '/admin/jobs/no-such-job/run', template: '/admin/jobs/{name}/run' }, 404],
    [{ method: 'POST', path: '/admin/outbox/dead/replay', template: '/admin/outbox/dead/replay', body: '{"ids":"all"}' }, 400],
    [{ method: 'POST', path: '/admin/outbox/dead/replay', template: '/admin/outbox/dead/replay', body: '{' }, 400],
    [{ method: 'GET', path: '/admin/outbox/dead?limit=many', template: '/admin/outbox/dead' }, 400],
    [{ method: 'GET', path: `/admin/webhooks/${crypto.randomUUID()}`, template: '/admin/webhooks/{id}' }, 404],
    [{ method: 'POST', path: `/admin/webhooks/${crypto.randomUUID()}/test`, template: '/admin/webhooks/{id}/test' }, 404],
    [{ method: 'GET', path: `/api/v1/health/ingest-requests/${crypto.randomUUID()}`, template: '/api/v1/health/ingest-requests/{requestId}', user: true }, 404],
    [{ method: 'GET', path: '/api/v1/health/samples?limit=0', template: '/api/v1/health/samples', user: true }, 400],
    [{ method: 'GET', path: '/api/v1/health/daily-summaries?from=2026-11-20', template: '/api/v1/health/daily-summaries', user: true }, 400],
    [{ method: 'PUT', path: '/api/v1/health/privacy-settings', template: '/api/v1/health/privacy-settings', body: '{"syncEnabled":1}', user: true }, 400],
  ];

  test('every status a probe provokes is declared on its operation', async () => {
    const expected = new Map(probes.map(([probe, status]) => [probe, status]));
    expect(await undeclared(service, [...expected.keys()], (probe) => expected.get(probe)!)).toEqual([]);
  });
});

describe('with PostgreSQL unreachable', () => {
  let service: TestService;
  beforeAll(async () => {
    // a pool on a port nothing listens on: every query is refused at once
    const url = 'postgres://postgres@127.0.0.1:1/unreachable';
    service = await startTestService({
      env: { ADMIN_API_KEYS: ADMIN_KEY },
      database: { name: 'unreachable', url, sql: createDb(url, { max: 2 }), drop: async () => {} },
    });
  });
  afterAll(() => service.close());

  test('the admin routes that read the database answer 503, and declare it', async () => {
    const probes: Probe[] = [
      { method: 'GET', path: '/admin/jobs', template: '/admin/jobs' },
      { method: 'GET', path: '/admin/outbox', template: '/admin/outbox' },
      { method: 'GET', path: '/admin/webhooks', template: '/admin/webhooks' },
    ];
    expect(await undeclared(service, probes, () => 503)).toEqual([]);
  }, 30_000);
});
