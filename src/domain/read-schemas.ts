// The bodies of the read endpoints and probes (CONTRACT §4.7, §7, §8), for the OpenAPI document:
// these routes answer from services (or stored text), so the schemas document, they do not filter.
import { Type } from '@sinclair/typebox';
import { IngestResultBody } from './ingest/ingest-result.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const StoredSampleBody = Type.Object(
  {
    sourceId: Type.String(),
    sourceRecordId: Type.String(),
    metricCode: Type.String({ description: 'the canonical code' }),
    valueKind: Type.Union(['SCALAR_NUM', 'CUMULATIVE_NUM', 'INTERVAL_NUM', 'CATEGORY'].map((kind) => Type.Literal(kind))),
    value: Nullable(Type.Number()),
    unit: Nullable(Type.String({ description: 'the canonical unit' })),
    categoryCode: Nullable(Type.String()),
    durationSeconds: Nullable(Type.Number()),
    startAt: Type.String({ format: 'date-time' }),
    endAt: Type.String({ format: 'date-time' }),
    timezoneOffsetMinutes: Type.Integer(),
    timezoneSource: Type.String({ description: 'where the offset came from (sample, header, zone)' }),
    localDate: Type.String({ format: 'date' }),
    metadata: Type.Record(Type.String(), Type.Unknown(), { description: 'after the allowlist' }),
    sourceVersion: Nullable(Type.Integer({ minimum: 0 })),
  },
  {
    examples: [
      {
        sourceId: 'com.apple.health.watch',
        sourceRecordId: 'E2A6',
        metricCode: 'heart_rate',
        valueKind: 'SCALAR_NUM',
        value: 72,
        unit: 'count/min',
        categoryCode: null,
        durationSeconds: null,
        startAt: '2026-11-20T07:15:00.000Z',
        endAt: '2026-11-20T07:15:00.000Z',
        timezoneOffsetMinutes: 60,
        timezoneSource: 'sample',
        localDate: '2026-11-20',
        metadata: { deviceModel: 'Watch7,1' },
        sourceVersion: null,
      },
    ],
  },
);

export const SamplePageBody = Type.Object({
  items: Type.Array(StoredSampleBody),
  nextCursor: Nullable(Type.String({ description: 'pass as cursor for the next page; null on the last' })),
});

export const DailySummaryBody = Type.Object({
  metricCode: Type.String(),
  localDate: Type.String({ format: 'date' }),
  count: Type.Integer({ minimum: 0 }),
  sum: Type.Number(),
  min: Type.Number(),
  max: Type.Number(),
  avg: Type.Number(),
  unit: Nullable(Type.String()),
  categorySeconds: Type.Optional(Type.Record(Type.String(), Type.Number(), { description: 'CATEGORY metrics only: seconds per category' })),
  bySource: Type.Array(Type.Unknown()),
});

export const DailySummariesBodySchema = Type.Object(
  {
    items: Type.Array(DailySummaryBody),
    watermarkSeq: Type.Integer({ minimum: 0 }),
    projectedSeq: Type.Integer({ minimum: 0 }),
    stale: Type.Boolean({ description: 'the projection has not applied every change up to minSeq (or the watermark) yet' }),
  },
  {
    examples: [
      {
        items: [{ metricCode: 'steps', localDate: '2026-11-20', count: 12, sum: 8400, min: 120, max: 1900, avg: 700, unit: 'count', bySource: [] }],
        watermarkSeq: 42,
        projectedSeq: 42,
        stale: false,
      },
    ],
  },
);

export const IngestRequestStatusBody = Type.Object(
  {
    requestId: Type.String({ format: 'uuid' }),
    status: Type.Union(['queued', 'processing', 'completed', 'failed'].map((status) => Type.Literal(status))),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    result: Type.Optional(
      Type.Object({ statusCode: Type.Integer({ description: '200 or 207' }), body: IngestResultBody }, { description: 'once completed' }),
    ),
  },
  {
    examples: [
      {
        requestId: '3f1c2a9e-4d7b-4c1e-9a55-0c9f1d2e7b61',
        status: 'queued',
        createdAt: '2026-11-20T07:15:01.000Z',
        updatedAt: '2026-11-20T07:15:01.000Z',
      },
    ],
  },
);

export const QueuedUploadBody = Type.Object(
  {
    requestId: Type.String({ format: 'uuid' }),
    status: Type.Literal('queued'),
    retryAfterMs: Type.Integer({ minimum: 0 }),
  },
  { examples: [{ requestId: '3f1c2a9e-4d7b-4c1e-9a55-0c9f1d2e7b61', status: 'queued', retryAfterMs: 1000 }] },
);

export const LivenessBody = Type.Object({ status: Type.Literal('ok') });

export const ReadinessBody = Type.Object(
  {
    status: Type.Union([Type.Literal('ok'), Type.Literal('fail')]),
    checks: Type.Record(Type.String(), Type.String({ description: '"ok", or what failed' })),
  },
  { examples: [{ status: 'ok', checks: { postgres: 'ok', redis: 'ok', migrations: 'ok' } }] },
);
