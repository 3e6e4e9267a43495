// GET /api/v1/health/metrics: the metric catalog as JSON (CONTRACT §5).
import type { MetricCatalog } from '../../domain/catalog/catalog-types.ts';
import { catalogToJson, MetricCatalogBody } from '../../domain/catalog/catalog-json.ts';
import type { UserApi } from '../plugins/auth.ts';

export function metricCatalogRoute(app: UserApi, catalog: MetricCatalog): void {
  const body = catalogToJson(catalog);
  app.get('/api/v1/health/metrics', () => body, {
    response: { 200: MetricCatalogBody },
    detail: { summary: 'The metric catalog: every metric with its aliases per platform, units and category values', tags: ['catalog'] },
  });
}
