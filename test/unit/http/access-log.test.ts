// One access log line per request, with the request id, the route template and the status; never
// the body, the query, the path's ids or the headers.
import { describe, expect, test } from 'bun:test';
import { Elysia } from 'elysia';
import pino from 'pino';
import { ProblemError } from '../../../src/domain/problems.ts';
import { accessLogPlugin } from '../../../src/http/plugins/access-log.ts';
import { problemsPlugin } from '../../../src/http/plugins/problems.ts';
import { requestIdPlugin } from '../../../src/http/plugins/request-id.ts';
import { createMetrics } from '../../../src/metrics.ts';
import { until } from '../../support/poll.ts';
import { databaseUnavailable, refusedInput } from '../../../src/db/errors.ts';

function appWithLog() {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  const metrics = createMetrics({ processMetrics: false });
  const app = new Elysia()
    .use(requestIdPlugin)
    .use(problemsPlugin(log, { refusedInput, databaseUnavailable }))
    .use(accessLogPlugin(log, metrics))
    .get('/things/:thingId', ({ params }) => new Response(JSON.stringify({ id: params.thingId }), { status: 207 }))
    .post('/upload', async ({ request }) => ({ got: (await request.text()).length }), { parse: 'none' })
    .get('/denied', () => {
      throw new ProblemError('UNAUTHORIZED', 'no');
    });
  return { app, lines, metrics };
}

const accessLines = (lines: Record<string, unknown>[]) => lines.filter((line) => line.msg === 'request');

describe('the access log', () => {
  test('has one info line per request with method, route template, status, ms and the request id', async () => {
    const { app, lines } = appWithLog();
    const response = await app.handle(new Request('http://localhost/things/secret-id-123?q=1', { headers: { 'x-request-id': 'req-1' } }));
    expect(response.status).toBe(207);
    // after-response hooks run once the response is handed over
    await until(() => accessLines(lines).length > 0, Boolean, 5000, 'access line written');
    const [line, ...rest] = accessLines(lines);
    expect(rest).toHaveLength(0);
    expect(line).toMatchObject({ level: 30, requestId: 'req-1', method: 'GET', route: '/things/:thingId', status: 207 });
    expect(typeof line!.ms).toBe('number');
    expect(JSON.stringify(lines)).not.toContain('secret-id-123');
  });

  test.each([
    ['/denied', 401, '/denied'],
    ['/nowhere/at-all', 404, '(unmatched)'],
  ])('logs %s with its error status %p as route %s', async (path, status, route) => {
    const { app, lines } = appWithLog();
    expect((await app.handle(new Request(`http://localhost${path}`))).status).toBe(status);
    await until(() => accessLines(lines).length > 0, Boolean, 5000, 'access line written');
    expect(accessLines(lines)).toEqual([expect.objectContaining({ route, status, requestId: expect.any(String) })]);
  });

  test('never logs bodies, health values or tokens', async () => {
    const { app, lines } = appWithLog();
    await app.handle(
      new Request('http://localhost/upload', {
        method: 'POST',
        headers: { authorization: 'Bearer eyJ.token.sig', 'x-api-key': 'admin-key', 'content-type': 'application/json' },
        body: JSON.stringify({ samples: [{ metricCode: 'blood_glucose', value: 123.456 }] }),
      }),
    );
    await until(() => accessLines(lines).length > 0, Boolean, 5000, 'access line written');
    const text = JSON.stringify(lines);
    for (const secret of ['eyJ.token.sig', 'admin-key', '123.456', 'blood_glucose']) expect(text).not.toContain(secret);
    expect(accessLines(lines)).toHaveLength(1);
  });

  test('feeds the latency histogram by route template', async () => {
    const { app, metrics } = appWithLog();
    await app.handle(new Request('http://localhost/things/a'));
    await app.handle(new Request('http://localhost/things/b'));
    const series = 'http_request_duration_seconds_count{method="GET",route="/things/:thingId",status="207"} 2';
    await until(async () => (await metrics.scrape()).body.includes(series), Boolean, 5000, 'both requests observed');
    const { body } = await metrics.scrape();
    expect(body).toContain(series);
  });
});
