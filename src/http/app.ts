// The HTTP application. The .use() chain below is the architecture of the API: cross-cutting
// plugins first (request id, problem+json errors), then one route module per resource.
import type { Queue } from 'bullmq';
import { Elysia } from 'elysia';
import { createBoardSessions } from '../auth/board-sessions.ts';
import type { UserTokens } from '../auth/user-tokens.ts';
import type { Sql } from '../db/client.ts';
import type { IngestDeps } from '../ingest/submit-batch.ts';
import type { QueueListBodyT } from '../domain/operations-schema.ts';
import type { ConsoleFeaturesBodyT, IngestRatesBodyT, OutboxSummaryBodyT } from '../domain/operations/console-schema.ts';
import type { JobRunner } from '../jobs/runner.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { accessLogPlugin } from './plugins/access-log.ts';
import { docsPlugin } from './plugins/docs.ts';
import { problemsPlugin } from './plugins/problems.ts';
import { requestFramingPlugin } from './plugins/request-framing.ts';
import { requestIdPlugin } from './plugins/request-id.ts';
import { adminBoardRoute } from './routes/admin-board.ts';
import { adminConsoleAssetsRoute, adminConsoleSessionRoute } from './routes/admin-console.ts';
import { adminIngestRatesRoute } from './routes/admin-ingest-rates.ts';
import { adminJobsRoute } from './routes/admin-jobs.ts';
import { adminOutboxRoute } from './routes/admin-outbox.ts';
import { adminQueuesRoute } from './routes/admin-queues.ts';
import { batchUpsertRoute } from './routes/batch-upsert.ts';
import { dailySummariesRoute } from './routes/daily-summaries.ts';
import { healthRoutes, type ReadinessCheck } from './routes/health.ts';
import { ingestRequestsRoute } from './routes/ingest-requests.ts';
import { metricCatalogRoute } from './routes/metric-catalog.ts';
import { metricsRoute } from './routes/metrics.ts';
import { privacySettingsRoute } from './routes/privacy-settings.ts';
import { samplesRoute } from './routes/samples.ts';

export interface AppDeps {
  db: Sql;
  ingest: IngestDeps;
  tokens: UserTokens;
  log: Logger;
  readiness: Record<string, ReadinessCheck>;
  limits: { maxBatchItems: number; maxBodyBytes: number; maxInflightUploads: number };
  /** X-Api-Key values accepted by /admin/* (none: every admin request is refused) */
  adminApiKeys: readonly string[];
  /** the operations surface (CONTRACT §8): metrics, docs, jobs and queues behind /admin */
  operations: {
    metrics: Metrics;
    jobs: JobRunner;
    queueCounts: () => Promise<QueueListBodyT['queues']>;
    /** the console's rate series: every API replica's counts (src/ingest-rates.ts) */
    ingestRates: () => Promise<IngestRatesBodyT>;
    outboxSummary: () => Promise<OutboxSummaryBodyT>;
    /** the queues Bull Board shows */
    boardQueues: readonly Queue[];
    /** which optional console panels have their endpoints in this build */
    consoleFeatures: ConsoleFeaturesBodyT;
    enableDocs: boolean;
    version: string;
  };
}

export function createApp(deps: AppDeps) {
  const { db, ingest, tokens, log } = deps;
  const operations = deps.operations;
  const boardSessions = createBoardSessions(deps.adminApiKeys);
  return new Elysia()
    .use(requestIdPlugin)
    .use(problemsPlugin(log))
    .use(requestFramingPlugin)
    .use(accessLogPlugin(log, deps.operations.metrics))
    .use(docsPlugin(deps.operations.enableDocs, deps.operations.version))
    .use(healthRoutes(deps.readiness))
    .use(metricsRoute(deps.operations.metrics))
    .use(batchUpsertRoute(ingest, tokens, deps.limits, operations.metrics.observeShed))
    .use(ingestRequestsRoute(db, tokens))
    .use(privacySettingsRoute(db, ingest.catalog, tokens))
    .use(metricCatalogRoute(ingest.catalog, tokens))
    .use(samplesRoute(db, ingest.catalog, tokens))
    .use(dailySummariesRoute(db, ingest.catalog, tokens))
    // the console's page and assets, and the board behind its cookie: before the X-Api-Key routes
    .use(adminConsoleAssetsRoute())
    .use(adminBoardRoute(operations.boardQueues, boardSessions))
    .use(adminConsoleSessionRoute(boardSessions, operations.consoleFeatures, deps.adminApiKeys))
    .use(adminIngestRatesRoute(operations.ingestRates, deps.adminApiKeys))
    .use(adminOutboxRoute(db, operations.outboxSummary, deps.adminApiKeys))
    .use(adminJobsRoute(deps.operations.jobs, deps.adminApiKeys))
    .use(adminQueuesRoute(deps.operations.queueCounts, deps.adminApiKeys));
}

export type App = ReturnType<typeof createApp>;
