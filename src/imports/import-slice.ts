// One slice of an import's processing — the core that the queue worker and the CLI both run.
//
//   lease     claim_import_lease: queued/running and nobody else's live lease (a duplicate job
//             gets 'busy'; a killed worker's import is taken over once its lease expires)
//   read      the stored file → the format's reader → items, numbered in file order; items at or
//             before resume_position were done by an earlier slice and are passed over unread
//             into the database (not re-written, not re-counted)
//   normalize the items' samples by the upload rules (domain/ingest: catalog, privacy, time zones)
//   write     groups of IMPORT_GROUP_SAMPLES (or whatever IMPORT_PROGRESS_MS gathered) through the
//             write core (ingest/write-group.ts, COPY → staging → upsert), one transaction each:
//             the import's lease is checked first, the group's outbox event and the import's
//             progress (counts, resume_position) commit with the samples — so a kill loses at
//             most the group in flight, and a resume starts exactly after the last commit
//   end       end of file → completed; a file corrupt part-way → failed with the reader's error,
//             after the groups read before it; cancelled or lease lost → stop writing. The end
//             commits the health.import.completed event (finish_import) and frees the chunks.
//   yield     past the slice's runtime (IMPORT_SLICE_SECONDS), or when the worker shuts down, the
//             lease is released after the group in flight, and the caller enqueues the follow-up.
//
// Reading overlaps writing: the next group is parsed and normalized while the last one commits
// (one write in flight at a time, so groups commit in file order).
import type { Sql, Tx } from '../db/client.ts';
import type { MetricCatalog } from '../domain/catalog/catalog-types.ts';
import { resolveMetric } from '../domain/catalog/catalog.ts';
import type { ImportStatus } from '../domain/imports/import-schema.ts';
import { ImportTally, type ImportCounts } from '../domain/imports/import-tally.ts';
import { normalizeSamples } from '../domain/ingest/sample-rules.ts';
import type { SampleBodyT } from '../domain/ingest/upload-schema.ts';
import { buildImportCompletedPayload, IMPORT_COMPLETED } from '../domain/webhooks/events.ts';
import type { SampleRowWriter } from '../ingest/sample-writes.ts';
import { copyRows } from '../ingest/staged-upsert.ts';
import { writeGroup, type GroupPart } from '../ingest/write-group.ts';
import { IMPORT_GROUP_SAMPLES, IMPORT_PROGRESS_MS } from '../limits.ts';
import { getPrivacySettings } from '../privacy/privacy-settings.ts';
import { ImportFileError, type ItemPosition, type KindOf } from './format.ts';
import {
  claimImportLease,
  deleteImportChunks,
  finishImport,
  getImportById,
  heartbeatImport,
  leaseHolder,
  lockImportForWrite,
  lockImportOfUser,
  recordImportProgress,
  releaseImportLease,
  type ImportRow,
} from './queries.ts';
import type { ImportRegistry } from './registry.ts';
import { storedFile } from './stored-file.ts';

export interface SliceDeps {
  db: Sql;
  registry: ImportRegistry;
  catalog: MetricCatalog;
  now: () => number;
  leaseMs: number;
  /** the slice yields after this long (Infinity: run to the end, as the CLI does) */
  sliceMs: number;
  /** CONTRACT §9: 20 × MAX_IMPORT_BYTES */
  maxExpandedBytes: number;
  /** how groups are written (default COPY → staging → upsert) */
  rows?: SampleRowWriter;
  groupSamples?: number;
  progressMs?: number;
  /** after each committed group: what it added (metrics, the CLI's progress) */
  onGroup?: (group: GroupReport) => void;
  /** aborted when the worker shuts down: the slice yields after the group in flight */
  stopping?: AbortSignal;
}

export interface GroupReport {
  importId: string;
  accepted: number;
  unchanged: number;
  failed: number;
  bytesRead: number;
  /** bytes read since the last report */
  bytesDelta: number;
  counts: ImportCounts;
  bytesTotal: number | null;
}

export type SliceOutcome =
  | { kind: 'finished'; status: ImportStatus }
  /** ran out of slice time: the lease is released, a follow-up job continues */
  | { kind: 'yielded' }
  /** someone else holds a live lease: try again after it expires */
  | { kind: 'busy'; retryAt: Date }
  /** the import does not exist (erased) */
  | { kind: 'gone' };

const CHUNK_DELETE_BATCH = 64;

export async function runImportSlice(deps: SliceDeps, importId: string, owner: string): Promise<SliceOutcome> {
  const row = await claimImportLease(deps.db, importId, owner, deps.leaseMs);
  if (!row) return whyNotClaimed(deps, importId);
  const heartbeat = setInterval(
    () => heartbeatImport(deps.db, importId, owner, deps.leaseMs).catch(() => {}),
    Math.max(200, deps.leaseMs / 3),
  );
  try {
    return await new Slice(deps, row, owner).run();
  } finally {
    clearInterval(heartbeat);
  }
}

async function whyNotClaimed(deps: SliceDeps, importId: string): Promise<SliceOutcome> {
  const holder = await leaseHolder(deps.db, importId);
  if (!holder || holder.status === 'receiving') return { kind: 'gone' };
  if (holder.status === 'completed' || holder.status === 'failed' || holder.status === 'cancelled') {
    // a cancelled import's file is freed by the first job that finds it so
    await freeStoredFile(deps.db, importId);
    return { kind: 'finished', status: holder.status };
  }
  return { kind: 'busy', retryAt: holder.leaseExpiresAt ?? new Date(deps.now() + deps.leaseMs) };
}

/** A group cut from the file: the wire samples, where each came from, and the counts as of its end. */
interface CutGroup {
  samples: SampleBodyT[];
  positions: ItemPosition[];
  /** the ordinal of the group's last item: the resume position once it commits */
  lastItem: number;
  bytesRead: number;
}

class Slice {
  private readonly tally: ImportTally;
  private committed: { accepted: number; unchanged: number };
  private bytesReported: number;
  private readonly startedAt: number;
  private readonly kindOf: KindOf;
  private blocked: ReadonlySet<string> = new Set();
  private lost = false;

  constructor(
    private readonly deps: SliceDeps,
    private row: ImportRow,
    private readonly owner: string,
  ) {
    this.tally = new ImportTally(row.counts);
    this.committed = { accepted: row.counts.accepted, unchanged: row.counts.unchanged };
    this.bytesReported = row.bytesRead;
    this.startedAt = deps.now();
    this.kindOf = (code) => resolveMetric(deps.catalog, code)?.kind;
  }

  async run(): Promise<SliceOutcome> {
    const format = this.deps.registry.find(this.row.format);
    if (!format) return this.finish('failed', { code: 'UNSUPPORTED_FILE', message: `this server has no import format ${this.row.format}` }, null);
    const privacy = await getPrivacySettings(this.deps.db, this.row.userId);
    if (!privacy.syncEnabled) {
      return this.finish('failed', { code: 'HEALTH_SYNC_DISABLED', message: "health sync was disabled in the user's privacy settings" }, null);
    }
    this.blocked = new Set(privacy.blockedMetrics);

    const reader = format.read(storedFile(this.deps.db, this.row.id), {
      kindOf: this.kindOf,
      maxExpandedBytes: this.deps.maxExpandedBytes,
      ...(this.row.params.timeZone ? { timeZone: this.row.params.timeZone } : {}),
    });
    const groupSamples = this.deps.groupSamples ?? IMPORT_GROUP_SAMPLES;
    const progressMs = this.deps.progressMs ?? IMPORT_PROGRESS_MS;
    let writing: Promise<boolean> = Promise.resolve(true);
    let group = this.newGroup(0);
    let item = 0;
    let lastCut = this.deps.now();
    let yielded = false;
    const cut = async (): Promise<boolean> => {
      group.bytesRead = reader.bytesRead;
      const ready = group;
      group = this.newGroup(item);
      lastCut = this.deps.now();
      // one write in flight: the previous group must have committed before this one starts
      if (!(await writing)) return false;
      writing = this.writeCut(ready);
      // awaited by the next cut or at the end; until then its failure must not count as unhandled
      writing.catch(() => {});
      return true;
    };
    const sliceOver = () => this.deps.stopping?.aborted === true || this.deps.now() - this.startedAt >= this.deps.sliceMs;
    try {
      reading: for await (const batch of reader.batches()) {
        for (const entry of batch) {
          item += 1;
          if (item <= this.row.resumePosition) continue;
          this.tally.read(1);
          if (entry.kind === 'sample') {
            group.samples.push(entry.sample);
            group.positions.push(entry);
          } else if (entry.kind === 'skipped') this.tally.skipped(entry.type);
          else this.tally.failed(entry.code, entry.message, entry);
          group.lastItem = item;
          if (group.samples.length >= groupSamples) {
            if (!(await cut())) break reading;
            if (sliceOver()) {
              yielded = true;
              break reading;
            }
          }
        }
        if (group.lastItem > this.row.resumePosition && this.deps.now() - lastCut >= progressMs) {
          if (!(await cut())) break;
          if (sliceOver()) {
            yielded = true;
            break;
          }
        }
      }
    } catch (error) {
      if (!(error instanceof ImportFileError)) throw error;
      // what was read before the damage is kept: written, then the import fails
      if (!(await cut()) || !(await writing)) return this.afterLost();
      return this.finish('failed', { code: error.code, message: error.message }, reader.bytesRead);
    }
    if (this.lost) return this.afterLost();
    if (yielded) {
      if (!(await writing)) return this.afterLost();
      await releaseImportLease(this.deps.db, this.row.id, this.owner);
      return { kind: 'yielded' };
    }
    if (!(await cut()) || !(await writing)) return this.afterLost();
    return this.finish('completed', null, reader.bytesRead);
  }

  private newGroup(lastItem: number): CutGroup {
    return { samples: [], positions: [], lastItem, bytesRead: 0 };
  }

  /** Normalizes and writes one group; false when the slice lost the import (nothing written). */
  private async writeCut(group: CutGroup): Promise<boolean> {
    if (group.lastItem <= this.row.resumePosition && group.samples.length === 0) return true;
    const { valid, failures } = normalizeSamples(group.samples, {
      catalog: this.deps.catalog,
      blockedMetrics: this.blocked,
      headerOffsetMinutes: undefined,
      nowMs: this.deps.now(),
    });
    for (const failure of failures) this.tally.failed(failure.code, failure.message, group.positions[failure.index]!);
    const counts = this.tally.snapshot();
    const { userId, id } = this.row;
    const part: GroupPart<{ accepted: number; unchanged: number }> = {
      userId,
      changeId: id,
      receivedAt: this.row.createdAt,
      samples: valid,
      deleteRefs: [],
      claim: (tx) => lockImportForWrite(tx, userId, id, this.owner),
      complete: async (tx, change) => {
        if (change.watermarkBumped) throw new Error('an import slice is written alone, never in a sequence');
        const unchanged = change.unchanged;
        const accepted = valid.length - unchanged;
        const committedSeq = await recordImportProgress(tx, {
          userId,
          id,
          event: change.event,
          resumePosition: group.lastItem,
          bytesRead: group.bytesRead,
          counts: { ...counts, accepted: this.committed.accepted + accepted, unchanged: this.committed.unchanged + unchanged },
          leaseMs: this.deps.leaseMs,
        });
        return { committedSeq, result: { accepted, unchanged } };
      },
    };
    const [outcome] = await writeGroup(this.deps.db, [part], this.deps.rows ?? copyRows());
    // fenced: an erasure of the user runs (or started after the import was created) and deletes
    // the import's row; the slice stops as when it lost its lease, and finds the import gone
    if (outcome!.kind === 'lost' || outcome!.kind === 'fenced') {
      this.lost = true;
      return false;
    }
    const { accepted, unchanged } = outcome!.result;
    this.committed = { accepted: this.committed.accepted + accepted, unchanged: this.committed.unchanged + unchanged };
    if (outcome!.change.seq !== null) this.row = { ...this.row, watermarkSeq: outcome!.change.seq };
    const bytesDelta = Math.max(0, group.bytesRead - this.bytesReported);
    this.bytesReported = Math.max(this.bytesReported, group.bytesRead);
    this.deps.onGroup?.({
      importId: id,
      accepted,
      unchanged,
      failed: failures.length,
      bytesRead: group.bytesRead,
      bytesDelta,
      counts: { ...counts, ...this.committed },
      bytesTotal: this.row.bytesTotal,
    });
    return true;
  }

  /** The slice lost its lease (cancelled, or taken over): whatever the row now says. */
  private async afterLost(): Promise<SliceOutcome> {
    const now = await getImportById(this.deps.db, this.row.id);
    if (!now) return { kind: 'gone' };
    if (now.status === 'completed' || now.status === 'failed' || now.status === 'cancelled') {
      await freeStoredFile(this.deps.db, now.id);
      return { kind: 'finished', status: now.status };
    }
    return { kind: 'busy', retryAt: new Date(this.deps.now() + this.deps.leaseMs) };
  }

  /** Ends the import under its lease, with the completion event; then frees the stored file. */
  private async finish(status: 'completed' | 'failed', error: { code: string; message: string } | null, bytesRead: number | null): Promise<SliceOutcome> {
    const { userId, id, format } = this.row;
    const counts = { ...this.tally.snapshot(), ...this.committed };
    const ended = await this.deps.db.begin(async (tx: Tx) => {
      if (!(await lockImportForWrite(tx, userId, id, this.owner))) return false;
      await finishImport(tx, {
        userId,
        id,
        status,
        error,
        bytesRead,
        event: {
          type: IMPORT_COMPLETED,
          payload: buildImportCompletedPayload({ userId, importId: id, format, status, counts, watermarkSeq: this.row.watermarkSeq, error }),
        },
      });
      return true;
    });
    if (!ended) return this.afterLost();
    await freeStoredFile(this.deps.db, id);
    return { kind: 'finished', status };
  }
}

/** Deletes a finished import's chunks in bounded batches. */
export async function freeStoredFile(db: Sql, importId: string): Promise<void> {
  while ((await deleteImportChunks(db, importId, CHUNK_DELETE_BATCH)) >= CHUNK_DELETE_BATCH);
}

/**
 * Ends an import that its jobs could not process (every attempt threw: a bug, or a database that
 * refuses its rows) as failed, with the completion event, so the sweep stops re-adding it.
 * False when it was already final.
 */
export async function failImport(db: Sql, importId: string, error: { code: string; message: string }): Promise<boolean> {
  const row = await getImportById(db, importId);
  if (!row || (row.status !== 'queued' && row.status !== 'running')) return false;
  const ended = await db.begin(async (tx: Tx) => {
    if (!(await lockImportOfUser(tx, row.userId, importId))) return false;
    await finishImport(tx, {
      userId: row.userId,
      id: importId,
      status: 'failed',
      error,
      bytesRead: null,
      event: {
        type: IMPORT_COMPLETED,
        payload: buildImportCompletedPayload({
          userId: row.userId,
          importId,
          format: row.format,
          status: 'failed',
          counts: row.counts,
          watermarkSeq: row.watermarkSeq,
          error,
        }),
      },
    });
    return true;
  });
  if (ended) await freeStoredFile(db, importId);
  return ended;
}
