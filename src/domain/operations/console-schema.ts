// Wire shapes of the admin JSON endpoints the operations console reads (CONTRACT §13), as TypeBox
// schemas: response schemas for /docs and the source of the types. The console's own page carries
// no data; everything it shows comes through these (and the §8 endpoints).
import { Type, type Static } from '@sinclair/typebox';

const Counts = Type.Array(Type.Integer({ minimum: 0 }), { description: 'one count per bucket, oldest first' });

export const IngestRatesBody = Type.Object({
  bucketSeconds: Type.Integer({ minimum: 1, description: 'width of one bucket' }),
  from: Type.String({ format: 'date-time', description: 'start of the first bucket' }),
  to: Type.String({ format: 'date-time', description: 'end of the last bucket (a bucket is shown once every replica has flushed it)' }),
  accepted: Counts,
  failed: Counts,
  shed: Counts,
  rateLimited: Counts,
  failedByCode: Type.Record(Type.String(), Counts, { description: 'per per-sample failure code seen in the window' }),
  totals: Type.Object({
    accepted: Type.Integer({ minimum: 0 }),
    failed: Type.Integer({ minimum: 0 }),
    shed: Type.Integer({ minimum: 0 }),
    rateLimited: Type.Integer({ minimum: 0 }),
  }),
});
export type IngestRatesBodyT = Static<typeof IngestRatesBody>;

export const OutboxSummaryBody = Type.Object({
  pending: Type.Integer({ minimum: 0, description: 'events not yet processed (the backlog)' }),
  lagSeconds: Type.Number({ minimum: 0, description: 'age of the oldest pending event, 0 when none' }),
  dead: Type.Integer({ minimum: 0, description: 'dead letters waiting for a replay' }),
});
export type OutboxSummaryBodyT = Static<typeof OutboxSummaryBody>;

export const DeadEventBody = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  userId: Type.String({ format: 'uuid' }),
  eventType: Type.String(),
  seq: Type.Integer({ minimum: 0 }),
  payload: Type.Unknown({ description: 'the event payload: metric codes and dates, never health values' }),
  attempts: Type.Integer({ minimum: 0 }),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  lastAttemptDueAt: Type.String({ format: 'date-time' }),
});

export const DeadEventPageBody = Type.Object({
  items: Type.Array(DeadEventBody),
  nextAfterId: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
});

export const ReplayedDeadEventsBody = Type.Object({ replayed: Type.Integer({ minimum: 0 }) });
export type DeadEventPageBodyT = Static<typeof DeadEventPageBody>;

/**
 * GET /admin/imports?status=queued,running (the console's imports panel): the imports of every
 * user that are not finished, newest first, each as CONTRACT §9 describes it plus its user. The
 * route comes with the import pipeline (src/imports/); until then the panel says so.
 */
export const ImportsInProgressBody = Type.Object({
  items: Type.Array(
    Type.Object({
      importId: Type.String({ format: 'uuid' }),
      userId: Type.String({ format: 'uuid' }),
      format: Type.String(),
      status: Type.String(),
      createdAt: Type.String({ format: 'date-time' }),
      startedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
      progress: Type.Object({
        bytesTotal: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
        bytesRead: Type.Integer({ minimum: 0 }),
        recordsRead: Type.Integer({ minimum: 0 }),
        accepted: Type.Integer({ minimum: 0 }),
        unchanged: Type.Integer({ minimum: 0 }),
        failed: Type.Integer({ minimum: 0 }),
      }),
    }),
  ),
});
export type ImportsInProgressBodyT = Static<typeof ImportsInProgressBody>;

/** What the webhooks panel reads of GET /admin/webhooks and …/deliveries?status=failed (CONTRACT §11). */
export interface WebhookEndpointView {
  id: string;
  url: string;
  events: string[];
  description: string;
  disabled: boolean;
  disabledReason: string | null;
  failingSince: string | null;
}
export interface WebhookDeliveryView {
  id: string;
  eventType: string;
  status: string;
  attempts: number;
  createdAt: string;
  attemptLog: { attemptedAt: string; statusCode: number | null; error: string | null }[];
}

/** Which optional panels this server can fill (capabilities that land separately). */
export const ConsoleFeaturesBody = Type.Object({
  imports: Type.Boolean({ description: 'GET /admin/imports exists (the import pipeline is part of this build)' }),
  webhooks: Type.Boolean({ description: 'GET /admin/webhooks exists' }),
});
export type ConsoleFeaturesBodyT = Static<typeof ConsoleFeaturesBody>;
