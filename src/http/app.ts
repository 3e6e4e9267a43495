// The HTTP application. The .use() chain below is the architecture of the API: cross-cutting
// plugins first (request id, problem+json errors, framing, access log, docs), the open probes,
// then the two authenticated groups — /api/v1/health under the user's Bearer token, /admin under
// X-Api-Key, each authenticated once for every route added to it. Routes receive services
// already bound to their pools (start/parts.ts): nothing in http/ holds the database. The
// operations console's page and Bull Board sit outside the /admin group: the page carries no data
// (it asks for the key), and the board has its own cookie (a browser link cannot send X-Api-Key).
import type { Queue } from 'bullmq';
import { Elysia } from 'elysia';
import { createBoardSessions } from '../auth/board-sessions.ts';
import type { UserTokens } from '../auth/user-tokens.ts';
import type { MetricCatalog } from '../domain/catalog/catalog-types.ts';
import type { QueueListBodyT } from '../domain/operations/operations-schema.ts';
import type { ConsoleFeaturesBodyT, IngestRatesBodyT, OutboxSummaryBodyT } from '../domain/operations/console-schema.ts';
import type { ImportFormat } from '../imports/format.ts';
import type { ImportService } from '../imports/import-service.ts';
import type { Ingest } from '../ingest/submit.ts';
import type { JobRunner } from '../jobs/runner.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { DeadLetters } from '../outbox/dead-letters.ts';
import type { UserRateLimit } from '../rate-limit/user-rate-limit.ts';
import type { PrivacySettingsService } from '../privacy/privacy-settings.ts';
import type { DailySummaryReader } from '../projections/read-daily-summaries.ts';
import type { RequestStatusReader } from '../requests/request-status.ts';
import type { SampleReader } from '../samples/list-samples.ts';
import type { SampleExporter } from '../export/sample-export.ts';
import type { WebhookAdmin } from '../webhooks/endpoint-admin.ts';
import { accessLogPlugin } from './plugins/access-log.ts';
import { adminApiGroup } from './plugins/admin-auth.ts';
import { userApiGroup } from './plugins/auth.ts';
import { docsPlugin } from './plugins/docs.ts';
import { problemsPlugin, type StorageErrors } from './plugins/problems.ts';
import { allowedMethodsOf, type AllowedMethods } from './allowed-methods.ts';
import { requestFramingPlugin } from './plugins/request-framing.ts';
import { requestIdPlugin } from './plugins/request-id.ts';
import { adminBoardRoute } from './routes/admin-board.ts';
import { adminConsoleAssetsRoute, adminConsoleRoutes } from './routes/admin-console.ts';
import { adminImportsRoute } from './routes/admin-imports.ts';
import { adminIngestRatesRoute } from './routes/admin-ingest-rates.ts';
import { adminJobsRoute } from './routes/admin-jobs.ts';
import { adminOutboxRoute } from './routes/admin-outbox.ts';
import { adminQueuesRoute } from './routes/admin-queues.ts';
import { adminWebhooksRoute } from './routes/admin-webhooks.ts';
import { batchUpsertRoute } from './routes/batch-upsert.ts';
import { dailySummariesRoute } from './routes/daily-summaries.ts';
import { healthRoutes, type ReadinessCheck } from './routes/health.ts';
import { importsRoute } from './routes/imports.ts';
import { ingestRequestsRoute } from './routes/ingest-requests.ts';
import { metricCatalogRoute } from './routes/metric-catalog.ts';
import { metricsRoute } from './routes/metrics.ts';
import { privacySettingsRoute } from './routes/privacy-settings.ts';
import { samplesRoute } from './routes/samples.ts';
import { exportRoute } from './routes/export.ts';
import { userDataRoute } from './routes/user-data.ts';
import { adminUserDataRoute } from './routes/admin-user-data.ts';
import type { UserDataErasures } from '../erasure/erasure-requests.ts';

/** The services the routes call, bound to their pools and configuration by start/parts.ts. */
export interface ApiServices {
  ingest: Ingest;
  requests: RequestStatusReader;
  samples: SampleReader;
  /** GET /export: on a pool of its own (long cursors must not take the request path's connections) */
  exports: SampleExporter;
  /** DELETE /data and its erasures (user and admin) */
  erasures: UserDataErasures;
  summaries: DailySummaryReader;
  privacy: PrivacySettingsService;
  deadLetters: DeadLetters;
  jobs: JobRunner;
  queueCounts: () => Promise<QueueListBodyT['queues']>;
  webhooks: WebhookAdmin;
  /** the outbox backlog, lag and dead letters */
  outboxSummary: () => Promise<OutboxSummaryBodyT>;
  /** the console's rate series: every API replica's counts (src/ingest-rates.ts) */
  ingestRates: () => Promise<IngestRatesBodyT>;
  imports: ImportService;
}

export interface AppDeps {
  services: ApiServices;
  catalog: MetricCatalog;
  tokens: UserTokens;
  /** the per-user request limit (CONTRACT §2); null: off */
  rateLimit: UserRateLimit | null;
  log: Logger;
  /** how the problems plugin tells refused input and an unavailable database from other errors */
  storageErrors: StorageErrors;
  /** the receipt clock of uploads */
  now: () => number;
  readiness: Record<string, ReadinessCheck>;
  /** the import registry's formats: one POST /imports/{format} route each */
  importFormats: readonly ImportFormat[];
  limits: { maxBodyBytes: number; maxInflightUploads: number };
  /** X-Api-Key values accepted by /admin/* (none: every admin request is refused) */
  adminApiKeys: readonly string[];
  /** the operations surface (CONTRACT §8): metrics and docs */
  operations: { metrics: Metrics; enableDocs: boolean; version: string };
  /** the operations console (CONTRACT §13) */
  console: {
    /** the queues Bull Board shows */
    boardQueues: readonly Queue[];
    /** which optional console panels have their endpoints in this build */
    features: ConsoleFeaturesBodyT;
  };
}

export function createApp(deps: AppDeps) {
  const { services, catalog, log } = deps;
  const boardSessions = createBoardSessions(deps.adminApiKeys);

  const user = userApiGroup(deps.tokens, deps.rateLimit);
  batchUpsertRoute(user, services.ingest, deps.now, deps.limits, deps.operations.metrics.observeShed);
  ingestRequestsRoute(user, services.requests);
  privacySettingsRoute(user, services.privacy, deps.now);
  metricCatalogRoute(user, catalog);
  samplesRoute(user, services.samples, catalog);
  dailySummariesRoute(user, services.summaries, catalog);
  exportRoute(user, services.exports);
  userDataRoute(user, services.erasures);
  importsRoute(user, services.imports, deps.importFormats);

  const admin = adminApiGroup(deps.adminApiKeys);
  adminOutboxRoute(admin, services.deadLetters, services.outboxSummary);
  adminJobsRoute(admin, services.jobs);
  adminQueuesRoute(admin, services.queueCounts);
  adminWebhooksRoute(admin, services.webhooks);
  adminIngestRatesRoute(admin, services.ingestRates);
  adminUserDataRoute(admin, services.erasures);
  adminImportsRoute(admin, services.imports);
  adminConsoleRoutes(admin, boardSessions, deps.console.features);

  // the route table exists once the chain below is built; a 404 asks it for the path's methods
  let allowedMethods: AllowedMethods = () => [];
  const app = new Elysia()
    .use(requestIdPlugin)
    .use(problemsPlugin(log, deps.storageErrors, (pathname) => allowedMethods(pathname)))
    .use(requestFramingPlugin)
    .use(accessLogPlugin(log, deps.operations.metrics))
    .use(docsPlugin(deps.operations.enableDocs, deps.operations.version))
    .use(healthRoutes(deps.readiness))
    .use(metricsRoute(deps.operations.metrics))
    .use(adminConsoleAssetsRoute())
    .use(adminBoardRoute(deps.console.boardQueues, boardSessions))
    .use(user)
    .use(admin);
  allowedMethods = allowedMethodsOf(app.routes);
  return app;
}
