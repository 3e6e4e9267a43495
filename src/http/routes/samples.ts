// GET /api/v1/health/samples?metric=&from=&to=&limit=&cursor= (CONTRACT §7).
import { Elysia, t } from 'elysia';
import type { UserTokens } from '../../auth/user-tokens.ts';
import type { Sql } from '../../db/client.ts';
import { resolveMetric, type MetricCatalog } from '../../domain/catalog.ts';
import { ProblemError, type FieldError } from '../../domain/problems.ts';
import { decodeSampleCursor } from '../../domain/sample-cursor.ts';
import { isStorableInstant } from '../../domain/time-bounds.ts';
import { parseRfc3339 } from '../../domain/timestamps.ts';
import { listSamples } from '../../samples/list-samples.ts';
import { userAuthPlugin } from '../plugins/auth.ts';
import { withDeadline } from '../deadline.ts';

const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

export function samplesRoute(db: Sql, catalog: MetricCatalog, tokens: UserTokens) {
  return new Elysia().use(userAuthPlugin(tokens)).get(
    '/api/v1/health/samples',
    ({ userId, query }) => {
      const errors: FieldError[] = [];
      const metric = query.metric === undefined ? null : resolveMetric(catalog, query.metric);
      if (metric === undefined) errors.push({ path: '/query/metric', message: `unknown metric "${query.metric}"` });
      const instant = (name: 'from' | 'to') => {
        const text = query[name];
        if (text === undefined) return null;
        const ms = parseRfc3339(text);
        if (ms === undefined || !isStorableInstant(ms)) {
          errors.push({ path: `/query/${name}`, message: 'must be an RFC 3339 date-time in the years 0001..9999' });
          return null;
        }
        return new Date(ms);
      };
      const from = instant('from');
      const to = instant('to');
      let limit = DEFAULT_PAGE;
      if (query.limit !== undefined) {
        limit = /^\d+$/.test(query.limit) ? Number(query.limit) : Number.NaN;
        if (!(limit >= 1 && limit <= MAX_PAGE)) {
          errors.push({ path: '/query/limit', message: `must be an integer from 1 to ${MAX_PAGE}` });
        }
      }
      const after = query.cursor === undefined ? null : decodeSampleCursor(query.cursor);
      if (after === null && query.cursor !== undefined) errors.push({ path: '/query/cursor', message: 'invalid cursor' });
      if (errors.length > 0) throw new ProblemError('VALIDATION_FAILED', 'invalid query', { errors });
      return withDeadline(listSamples(db, { userId, metricCode: metric?.code ?? null, from, to, after, limit }));
    },
    {
      query: t.Object({
        metric: t.Optional(t.String()),
        from: t.Optional(t.String()),
        to: t.Optional(t.String()),
        limit: t.Optional(t.String()),
        cursor: t.Optional(t.String()),
      }),
      detail: { summary: "A page of the user's live samples", tags: ['samples'] },
    },
  );
}
