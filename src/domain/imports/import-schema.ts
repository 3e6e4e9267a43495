// Wire shapes of the import API (CONTRACT §9), the single source of their types and of the
// OpenAPI document's schemas.
import { Type, type Static } from '@sinclair/typebox';

export const IMPORT_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
export const FINAL_IMPORT_STATUSES: readonly ImportStatus[] = ['completed', 'failed', 'cancelled'];

/** How many per-record errors an import keeps (CONTRACT §9: the first 100). */
export const MAX_IMPORT_ERRORS = 100;

const Count = Type.Integer({ minimum: 0 });

export const ImportRecordErrorBody = Type.Object({
  line: Type.Optional(Type.Integer({ minimum: 1, description: '1-based line in the file, where known' })),
  record: Type.Optional(Type.Integer({ minimum: 1, description: '1-based ordinal of the record in the file' })),
  code: Type.String({ description: 'INVALID_FIELD, MALFORMED_LINE or a per-sample code of CONTRACT §4.5' }),
  message: Type.String({ description: 'names the field or rule; never echoes health values' }),
});
export type ImportRecordErrorT = Static<typeof ImportRecordErrorBody>;

export const ImportProgressBody = Type.Object({
  bytesTotal: Type.Union([Count, Type.Null()], { description: 'size of the stored upload (decoded bytes)' }),
  bytesRead: Count,
  recordsRead: Type.Integer({ minimum: 0, description: 'items read from the file: samples, skipped elements and bad records' }),
  accepted: Type.Integer({ minimum: 0, description: 'samples written (new or changed)' }),
  unchanged: Type.Integer({ minimum: 0, description: 'samples already stored exactly so' }),
  failed: Type.Integer({ minimum: 0, description: 'records that could not be stored, by code in failedByCode' }),
  failedByCode: Type.Record(Type.String(), Count),
  skippedByType: Type.Record(Type.String(), Count, { description: 'elements that are not samples (ActivitySummary, …), by element' }),
  errors: Type.Array(ImportRecordErrorBody, { maxItems: MAX_IMPORT_ERRORS, description: 'the first 100 record errors' }),
});
export type ImportProgressT = Static<typeof ImportProgressBody>;

export const ImportBody = Type.Object({
  importId: Type.String({ format: 'uuid' }),
  format: Type.String(),
  // spelled out: a mapped array loses the literal types in Elysia's route typing
  status: Type.Union([
    Type.Literal('queued'),
    Type.Literal('running'),
    Type.Literal('completed'),
    Type.Literal('failed'),
    Type.Literal('cancelled'),
  ]),
  createdAt: Type.String({ format: 'date-time' }),
  startedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  progress: ImportProgressBody,
  watermarkSeq: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
    description: 'the user watermark after the last group written; read-your-writes with minSeq',
  }),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
});
export type ImportBodyT = Static<typeof ImportBody>;

export const ImportListBody = Type.Object({ items: Type.Array(ImportBody) });

export const ImportFormatListBody = Type.Object({
  formats: Type.Array(
    Type.Object({
      name: Type.String(),
      description: Type.String(),
      contentTypes: Type.Array(Type.String()),
      parameters: Type.Array(Type.Object({ name: Type.String(), description: Type.String() })),
    }),
  ),
});
export type ImportFormatListBodyT = Static<typeof ImportFormatListBody>;

/** An import's processing parameters (imports.params), as given to the POST. */
export interface ImportParams {
  timeZone?: string;
}
