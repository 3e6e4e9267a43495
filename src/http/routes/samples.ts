// GET /api/v1/health/samples?metric=&from=&to=&limit=&cursor= (CONTRACT §7).
import type { MetricCatalog } from '../../domain/catalog/catalog-types.ts';
import { parseSampleQuery } from '../../domain/sample-query.ts';
import type { SampleReader } from '../../samples/list-samples.ts';
import { USER_SECURITY, type UserApi } from '../plugins/auth.ts';
import { withDeadline } from '../deadline.ts';
import { checkedQuery } from '../query.ts';
import { SamplePageBody } from '../../domain/read-schemas.ts';
import { jsonAnswer, queryParameter } from '../openapi-responses.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../domain/query-params.ts';

export function samplesRoute(app: UserApi, samples: SampleReader, catalog: MetricCatalog): void {
  app.get(
    '/api/v1/health/samples',
    ({ userId, query }) => withDeadline(samples.list(userId, checkedQuery(parseSampleQuery(query, catalog)))),
    {
      detail: {
        summary: "A page of the user's live samples",
        tags: ['samples'],
        security: USER_SECURITY,
        // parsed by hand (parseSampleQuery) so that one 400 names every bad parameter
        parameters: [
          queryParameter('metric', 'Only this metric: a catalog code or a platform alias', { type: 'string', examples: ['heart_rate'] }),
          queryParameter('from', 'Samples starting at or after this instant (RFC 3339, years 0001..9999)', { type: 'string', format: 'date-time' }),
          queryParameter('to', 'Samples starting at or before this instant (RFC 3339, years 0001..9999)', { type: 'string', format: 'date-time' }),
          queryParameter('limit', 'Items per page', { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE }),
          queryParameter('cursor', 'The nextCursor of the previous page', { type: 'string' }),
        ],
        responses: { 200: jsonAnswer('A page of samples, keyset-paginated', SamplePageBody), 400: { description: 'An invalid query parameter' } },
      },
    },
  );
}
