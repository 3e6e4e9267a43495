// The import use cases the HTTP routes call (CONTRACT §9), bound to their pool and queue in
// start/parts.ts: the formats, an upload, an import's state, a user's list, a cancel, and the
// operators' list of unfinished imports.
import type { Sql, Tx } from '../db/client.ts';
import type { ImportBodyT, ImportFormatListBodyT, ImportStatus } from '../domain/imports/import-schema.ts';
import type { ImportsInProgressBodyT } from '../domain/operations/console-schema.ts';
import { ProblemError } from '../domain/problems.ts';
import { buildImportCompletedPayload, IMPORT_COMPLETED } from '../domain/webhooks/events.ts';
import { importBody, importInProgressBody } from './import-body.ts';
import { finishImport, getImport, listImports, listImportsByStatus, lockImportOfUser } from './queries.ts';
import { IMPORT_PARAMETERS, type ImportRegistry } from './registry.ts';
import { receiveImport, type IncomingImport, type UploadDeps } from './upload.ts';

/** Imports a user's list shows (newest first). */
export const MAX_LISTED_IMPORTS = 100;

export interface ImportService {
  formats(): ImportFormatListBodyT;
  /** created: 202 (a new import) or 200 (the same key and bytes as an earlier one) */
  upload(incoming: Omit<IncomingImport, 'userId'> & { userId: string }): Promise<{ created: boolean; body: ImportBodyT }>;
  get(userId: string, importId: string): Promise<ImportBodyT>;
  list(userId: string): Promise<ImportBodyT[]>;
  cancel(userId: string, importId: string): Promise<ImportBodyT>;
  unfinished(statuses: readonly ImportStatus[]): Promise<ImportsInProgressBodyT['items']>;
}

const notFound = () => new ProblemError('NOT_FOUND', 'no such import');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createImportService(deps: UploadDeps & { db: Sql; registry: ImportRegistry }): ImportService {
  const { db, registry } = deps;
  const find = async (userId: string, importId: string) => {
    if (!UUID.test(importId)) throw notFound();
    const row = await getImport(db, userId, importId);
    if (!row) throw notFound();
    return row;
  };
  return {
    formats: () => ({
      formats: registry.formats.map((format) => ({
        name: format.name,
        description: format.description,
        contentTypes: [...format.contentTypes],
        parameters: IMPORT_PARAMETERS.map((parameter) => ({ ...parameter })),
      })),
    }),
    async upload(incoming) {
      const { created, row } = await receiveImport(deps, incoming);
      return { created, body: importBody(row) };
    },
    async get(userId, importId) {
      return importBody(await find(userId, importId));
    },
    async list(userId) {
      return (await listImports(db, userId, MAX_LISTED_IMPORTS)).map(importBody);
    },
    async cancel(userId, importId) {
      const row = await find(userId, importId);
      await db.begin(async (tx: Tx) => {
        if (!(await lockImportOfUser(tx, userId, importId))) return; // already final: nothing to cancel
        await finishImport(tx, {
          userId,
          id: importId,
          status: 'cancelled',
          error: null,
          bytesRead: null,
          event: {
            type: IMPORT_COMPLETED,
            payload: buildImportCompletedPayload({
              userId,
              importId,
              format: row.format,
              status: 'cancelled',
              counts: row.counts,
              watermarkSeq: row.watermarkSeq,
              error: null,
            }),
          },
        });
      });
      return importBody(await find(userId, importId));
    },
    async unfinished(statuses) {
      return (await listImportsByStatus(db, statuses, MAX_LISTED_IMPORTS)).map(importInProgressBody);
    },
  };
}
