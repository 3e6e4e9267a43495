// GET /api/v1/health/daily-summaries?from=&to=[&metrics=a,b][&minSeq=N] (CONTRACT §7).
import type { MetricCatalog } from '../../domain/catalog/catalog-types.ts';
import { MAX_SUMMARY_RANGE_DAYS, parseDailySummaryQuery } from '../../domain/summaries/daily-summary-query.ts';
import type { DailySummaryReader } from '../../projections/read-daily-summaries.ts';
import { USER_SECURITY, type UserApi } from '../plugins/auth.ts';
import { withDeadline } from '../deadline.ts';
import { checkedQuery } from '../query.ts';
import { DailySummariesBodySchema } from '../../domain/read-schemas.ts';
import { jsonAnswer, queryParameter } from '../openapi-responses.ts';

export function dailySummariesRoute(app: UserApi, summaries: DailySummaryReader, catalog: MetricCatalog): void {
  app.get(
    '/api/v1/health/daily-summaries',
    ({ userId, query }) => withDeadline(summaries.read(userId, checkedQuery(parseDailySummaryQuery(query, catalog)))),
    {
      detail: {
        summary: 'Daily summaries per metric and local date; minSeq waits (≤ 2 s) for read-your-writes',
        tags: ['summaries'],
        security: USER_SECURITY,
        // parsed by hand (parseDailySummaryQuery) so that one 400 names every bad parameter
        parameters: [
          queryParameter('from', `First local date (inclusive); from..to covers at most ${MAX_SUMMARY_RANGE_DAYS} days`, { type: 'string', format: 'date' }, true),
          queryParameter('to', 'Last local date (inclusive)', { type: 'string', format: 'date' }, true),
          queryParameter('metrics', 'Only these metrics: comma-separated catalog codes or platform aliases', { type: 'string', examples: ['heart_rate,steps'] }),
          queryParameter('minSeq', 'Wait (bounded) until the projection has applied this watermarkSeq, else answer stale: true', {
            type: 'integer',
            minimum: 0,
            maximum: 999_999_999_999_999,
          }),
        ],
        responses: {
          200: jsonAnswer('Summaries of the days asked for, with the projection’s freshness', DailySummariesBodySchema),
          400: { description: 'An invalid query parameter' },
        },
      },
    },
  );
}
