// GET /metrics: Prometheus text exposition (CONTRACT §8). Unauthenticated, like /healthz: scrapers
// are expected on the private network; nothing in it identifies a user.
import { Elysia } from 'elysia';
import type { Metrics } from '../../metrics.ts';
import { textAnswer } from '../openapi-responses.ts';

export function metricsRoute(metrics: Metrics) {
  return new Elysia().get(
    '/metrics',
    async () => {
      const { contentType, body } = await metrics.scrape();
      return new Response(body, { headers: { 'content-type': contentType } });
    },
    { detail: { summary: 'Prometheus metrics', tags: ['operations'], security: [], responses: { 200: textAnswer('Prometheus text exposition format', 'text/plain; version=0.0.4') } } },
  );
}
