// GET /api/v1/health/metrics: the metric catalog as JSON (CONTRACT §5).
import { Elysia } from 'elysia';
import type { UserTokens } from '../../auth/user-tokens.ts';
import type { MetricCatalog } from '../../domain/catalog.ts';
import { catalogToJson, MetricCatalogBody } from '../../domain/catalog-json.ts';
import { userAuthPlugin } from '../plugins/auth.ts';

export function metricCatalogRoute(catalog: MetricCatalog, tokens: UserTokens) {
  const body = catalogToJson(catalog);
  return new Elysia().use(userAuthPlugin(tokens)).get('/api/v1/health/metrics', () => body, {
    response: { 200: MetricCatalogBody },
    detail: { summary: 'The metric catalog: every metric with its aliases per platform, units and category values', tags: ['catalog'] },
  });
}
