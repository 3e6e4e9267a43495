// `bun run cli import <format> <file> --user <uuid> [--time-zone <IANA>]` (CONTRACT §9): the same
// pipeline as the HTTP upload and the worker, in this process — the file is stored as an import
// (upload.ts), then its slices run here one after another until it is final. Progress goes to
// stderr (a bar on a terminal, one JSON line per second otherwise); the final import is printed
// as JSON on stdout; the exit code says whether it completed.
import type { Sql } from '../db/client.ts';
import type { ImportBodyT } from '../domain/imports/import-schema.ts';
import { progressBar, progressRates, type ProgressFigures } from '../domain/imports/progress-line.ts';
import { ProblemError } from '../domain/problems.ts';
import { SECOND } from '../limits.ts';
import { importBody } from './import-body.ts';
import { runImportSlice, type GroupReport, type SliceDeps } from './import-slice.ts';
import { getImportById } from './queries.ts';
import type { ImportRegistry } from './registry.ts';
import { receiveImport } from './upload.ts';

export interface ImportCommand {
  format: string;
  path: string;
  userId: string;
  timeZone: string | null;
}

export interface ImportCommandDeps {
  db: Sql;
  registry: ImportRegistry;
  maxImportBytes: number;
  slice: Omit<SliceDeps, 'db' | 'sliceMs' | 'onGroup'> & { onGroup?: SliceDeps['onGroup'] };
  stderr: { isTTY?: boolean; write(text: string): unknown };
}

export async function runImportCommand(deps: ImportCommandDeps, command: ImportCommand): Promise<ImportBodyT> {
  const file = Bun.file(command.path);
  if (!(await file.exists())) throw new Error(`no file at ${command.path}`);
  const startedAt = Date.now();
  let latest: ProgressFigures = { bytesRead: 0, bytesTotal: file.size, recordsRead: 0, accepted: 0, unchanged: 0, failed: 0, elapsedMs: 0 };
  const tty = deps.stderr.isTTY === true;
  const show = () => {
    latest = { ...latest, elapsedMs: Date.now() - startedAt };
    if (tty) deps.stderr.write(`\r${progressBar(latest)}\x1b[K`);
    else deps.stderr.write(`${JSON.stringify({ progress: { ...latest, ...progressRates(latest) } })}\n`);
  };
  const received = await receiveImport(
    { db: deps.db, registry: deps.registry, maxImportBytes: deps.maxImportBytes, newId: () => crypto.randomUUID(), enqueue: async () => {} },
    {
      userId: command.userId,
      formatName: command.format,
      body: file.stream(),
      declaredLength: file.size,
      contentEncoding: null,
      idempotencyKey: null,
      timeZone: command.timeZone,
    },
  ).catch((error: unknown) => {
    throw error instanceof ProblemError ? new Error(`${error.code}: ${error.detail}`) : error;
  });
  const importId = received.row.id;
  const onGroup = (group: GroupReport) => {
    deps.slice.onGroup?.(group);
    const { counts } = group;
    latest = { ...latest, bytesRead: group.bytesRead, bytesTotal: group.bytesTotal, recordsRead: counts.recordsRead, accepted: counts.accepted, unchanged: counts.unchanged, failed: counts.failed };
  };
  const timer = setInterval(show, SECOND);
  try {
    const owner = `cli.${process.pid}.${crypto.randomUUID().slice(0, 8)}`;
    for (;;) {
      const outcome = await runImportSlice({ ...deps.slice, db: deps.db, sliceMs: Number.POSITIVE_INFINITY, onGroup }, importId, owner);
      if (outcome.kind === 'finished' || outcome.kind === 'gone') break;
      if (outcome.kind === 'busy') await Bun.sleep(Math.max(100, outcome.retryAt.getTime() - Date.now()));
    }
  } finally {
    clearInterval(timer);
  }
  const row = await getImportById(deps.db, importId);
  if (!row) throw new Error(`import ${importId} is gone (erased meanwhile?)`);
  const body = importBody(row);
  latest = { ...latest, bytesRead: body.progress.bytesRead, recordsRead: body.progress.recordsRead, accepted: body.progress.accepted, unchanged: body.progress.unchanged, failed: body.progress.failed };
  show();
  if (tty) deps.stderr.write('\n');
  return body;
}
