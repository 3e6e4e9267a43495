// An import row → its wire body (CONTRACT §9 GET /imports/{importId}).
import type { ImportBodyT } from '../domain/imports/import-schema.ts';
import type { ImportsInProgressBodyT } from '../domain/operations/console-schema.ts';
import type { ImportRow } from './queries.ts';

export function importBody(row: ImportRow): ImportBodyT {
  return {
    importId: row.id,
    format: row.format,
    // 'receiving' is never listed (get/list filter it out); a row read mid-upload is queued to the caller
    status: row.status === 'receiving' ? 'queued' : row.status,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
    progress: {
      bytesTotal: row.bytesTotal,
      bytesRead: row.bytesRead,
      recordsRead: row.counts.recordsRead,
      accepted: row.counts.accepted,
      unchanged: row.counts.unchanged,
      failed: row.counts.failed,
      failedByCode: row.counts.failedByCode,
      skippedByType: row.counts.skippedByType,
      errors: row.counts.errors,
    },
    watermarkSeq: row.watermarkSeq,
    error: row.error,
  };
}

export function importInProgressBody(row: ImportRow): ImportsInProgressBodyT['items'][number] {
  const body = importBody(row);
  const { progress } = body;
  return {
    importId: body.importId,
    userId: row.userId,
    format: body.format,
    status: body.status,
    createdAt: body.createdAt,
    startedAt: body.startedAt,
    progress: {
      bytesTotal: progress.bytesTotal,
      bytesRead: progress.bytesRead,
      recordsRead: progress.recordsRead,
      accepted: progress.accepted,
      unchanged: progress.unchanged,
      failed: progress.failed,
    },
  };
}
