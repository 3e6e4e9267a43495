// GET /api/v1/health/daily-summaries?from=&to=[&metrics=a,b][&minSeq=N] (CONTRACT §7).
import { t } from 'elysia';
import type { MetricCatalog } from '../../domain/catalog/catalog-types.ts';
import { parseDailySummaryQuery } from '../../domain/summaries/daily-summary-query.ts';
import type { DailySummaryReader } from '../../projections/read-daily-summaries.ts';
import { USER_SECURITY, type UserApi } from '../plugins/auth.ts';
import { withDeadline } from '../deadline.ts';
import { checkedQuery } from '../query.ts';
import { DailySummariesBodySchema } from '../../domain/read-schemas.ts';
import { jsonAnswer } from '../openapi-responses.ts';

export function dailySummariesRoute(app: UserApi, summaries: DailySummaryReader, catalog: MetricCatalog): void {
  app.get(
    '/api/v1/health/daily-summaries',
    ({ userId, query }) => withDeadline(summaries.read(userId, checkedQuery(parseDailySummaryQuery(query, catalog)))),
    {
      query: t.Object({
        from: t.Optional(t.String()),
        to: t.Optional(t.String()),
        metrics: t.Optional(t.String()),
        minSeq: t.Optional(t.String()),
      }),
      detail: {
        summary: 'Daily summaries per metric and local date; minSeq waits (≤ 2 s) for read-your-writes',
        tags: ['summaries'],
        security: USER_SECURITY,
        responses: {
          200: jsonAnswer('Summaries of the days asked for, with the projection’s freshness', DailySummariesBodySchema),
          400: { description: 'An invalid query parameter' },
        },
      },
    },
  );
}
