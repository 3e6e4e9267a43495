// GET /api/v1/health/daily-summaries?from=&to=[&metrics=a,b][&minSeq=N] (CONTRACT §7).
import { Elysia, t } from 'elysia';
import type { UserTokens } from '../../auth/user-tokens.ts';
import type { Sql } from '../../db/client.ts';
import type { MetricCatalog } from '../../domain/catalog.ts';
import { parseDailySummaryQuery } from '../../domain/daily-summary-query.ts';
import { ProblemError } from '../../domain/problems.ts';
import { readDailySummaries } from '../../projections/read-daily-summaries.ts';
import { userAuthPlugin } from '../plugins/auth.ts';
import { withDeadline } from '../deadline.ts';

export function dailySummariesRoute(db: Sql, catalog: MetricCatalog, tokens: UserTokens) {
  return new Elysia().use(userAuthPlugin(tokens)).get(
    '/api/v1/health/daily-summaries',
    ({ userId, query }) => {
      const checked = parseDailySummaryQuery(query, catalog);
      if (!checked.ok) throw new ProblemError('VALIDATION_FAILED', 'invalid query', { errors: checked.errors });
      return withDeadline(readDailySummaries(db, userId, checked.value));
    },
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
      },
    },
  );
}
