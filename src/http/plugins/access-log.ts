// One access log line per request (info: method, route template, status, ms, request id) and the
// latency histogram, from one hook and one clock read. Labels and log fields use the route
// template (/api/v1/health/ingest-requests/:requestId), never the raw path: ids stay out of
// metric label sets, and nothing of the body, the query or the headers is logged.
import { Elysia } from 'elysia';
import type { Logger } from '../../log.ts';
import type { Metrics } from '../../metrics.ts';
import { requestIdOf, startedAtOf } from './request-id.ts';

/** the label of requests that matched no route (404s): one series, whatever the path */
export const UNMATCHED_ROUTE = '(unmatched)';

export function accessLogPlugin(log: Logger, metrics?: Metrics) {
  return new Elysia({ name: 'access-log' }).onAfterResponse({ as: 'global' }, (context) => {
    const { request, set, route, code, responseValue } = context as typeof context & { code?: string };
    const ms = performance.now() - startedAtOf(request);
    const status =
      responseValue instanceof Response
        ? responseValue.status
        : code === 'NOT_FOUND'
          ? 404
          : typeof set.status === 'number'
            ? set.status
            : 200;
    const template = route || UNMATCHED_ROUTE;
    metrics?.observeHttp(request.method, template, status, ms / 1000);
    log.info(
      { requestId: requestIdOf(request), method: request.method, route: template, status, ms: Math.round(ms * 100) / 100 },
      'request',
    );
  });
}
