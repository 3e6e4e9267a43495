// `start:worker` with METRICS_PORT: the worker's own small HTTP listener (no Elysia app).
import type { Metrics } from '../metrics.ts';

/**
 * `start:worker` with METRICS_PORT: GET /metrics (job runs, process) and GET /healthz (so the
 * image's HEALTHCHECK works for worker containers too) on a port of their own.
 */
export function serveWorkerMetrics(port: number, metrics: Metrics) {
  return Bun.serve({
    port,
    // no port sharing: a second worker on this port must fail to start (runtime.ts listenOrExit)
    reusePort: false,
    async fetch(request) {
      const path = new URL(request.url).pathname;
      if (path === '/healthz') return Response.json({ status: 'ok' });
      if (path !== '/metrics') return new Response('not found', { status: 404 });
      const { contentType, body } = await metrics.scrape();
      return new Response(body, { headers: { 'content-type': contentType } });
    },
  });
}
