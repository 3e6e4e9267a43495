// The HTTP application. The .use() chain below is the architecture of the API: cross-cutting
// plugins first (request id, problem+json errors), then one route module per resource.
import { Elysia } from 'elysia';
import type { UserTokens } from '../auth/user-tokens.ts';
import type { Sql } from '../db/client.ts';
import type { IngestDeps } from '../ingest/submit-batch.ts';
import type { Logger } from '../log.ts';
import { problemsPlugin } from './plugins/problems.ts';
import { requestIdPlugin, requestIdOf, startedAtOf } from './plugins/request-id.ts';
import { adminOutboxRoute } from './routes/admin-outbox.ts';
import { batchUpsertRoute } from './routes/batch-upsert.ts';
import { dailySummariesRoute } from './routes/daily-summaries.ts';
import { healthRoutes, type ReadinessCheck } from './routes/health.ts';
import { ingestRequestsRoute } from './routes/ingest-requests.ts';
import { metricCatalogRoute } from './routes/metric-catalog.ts';
import { privacySettingsRoute } from './routes/privacy-settings.ts';
import { samplesRoute } from './routes/samples.ts';

export interface AppDeps {
  db: Sql;
  ingest: IngestDeps;
  tokens: UserTokens;
  log: Logger;
  readiness: Record<string, ReadinessCheck>;
  limits: { maxBatchItems: number; maxBodyBytes: number };
  /** X-Api-Key values accepted by /admin/* (none: every admin request is refused) */
  adminApiKeys: readonly string[];
}

export function createApp(deps: AppDeps) {
  const { db, ingest, tokens, log } = deps;
  return new Elysia()
    .use(requestIdPlugin)
    .use(problemsPlugin(log))
    .onAfterResponse({ as: 'global' }, ({ request, set, path }) => {
      log.debug(
        {
          requestId: requestIdOf(request),
          method: request.method,
          path,
          status: set.status,
          ms: Math.round((performance.now() - startedAtOf(request)) * 100) / 100,
        },
        'request',
      );
    })
    .use(healthRoutes(deps.readiness))
    .use(batchUpsertRoute(ingest, tokens, deps.limits))
    .use(ingestRequestsRoute(db, tokens))
    .use(privacySettingsRoute(db, ingest.catalog, tokens))
    .use(metricCatalogRoute(ingest.catalog, tokens))
    .use(samplesRoute(db, ingest.catalog, tokens))
    .use(dailySummariesRoute(db, ingest.catalog, tokens))
    .use(adminOutboxRoute(db, deps.adminApiKeys));
}

export type App = ReturnType<typeof createApp>;
