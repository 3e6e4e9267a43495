// The write core: every sample that reaches health_samples goes through writeGroup — an upload
// written inline, a group of queued uploads, and the groups of an import. One transaction per
// group; for each part (one user's samples):
//
//   claim        the caller's first statement: the user's write lock, then the caller's own row
//                (a request's lease, an import's progress); a part that lost it writes nothing
//   fence        right behind the claim: a part of a user whose erasure runs, or started at or
//                after the part was received, writes nothing (erasure-fence.ts); inline, its
//                transaction rolls back, so not even its request row lands
//   dedupe       the last occurrence of each key, sorted by key (lock order)
//   rows         the group's rows through a SampleRowWriter: COPY → staging → one upsert
//                (staged-upsert.ts) or, for one inline batch, the unnest statement
//                (sample-writes.ts), pipelined right behind its claim
//   deletes      after the rows, per part: soft-deletes with their tombstones
//   complete     the caller's last statement, handed the change: bumps the user's watermark to
//                the change's seq and appends its outbox event (when something changed), with the
//                caller's bookkeeping (a request's stored reply, an import's counts); in a
//                sequence of one user's parts the bump goes out ahead, behind the part's rows
//                (writeSequence)
//
// Each step is pipelined across the parts. The core knows no request or import row: claim and
// complete are the caller's. Lock order: parts in ascending user id (the caller passes them so);
// a group holds at most one part per user, since each part needs its own seq.
// Transactions are postgres.js's sql.begin(): a BEGIN pipelined with the first statements (one
// round trip fewer) left a pool connection unusable after PostgreSQL restarts (chaos
// postgres-restart: /readyz timing out in 2 of 4 runs), so it was taken out. After the commit, a group that appended events wakes the outbox processors (outbox/wake-up.ts).
import type { Sql, Tx } from '../db/client.ts';
import { buildSamplesChangedPayload, SAMPLES_CHANGED, type SamplesChangedPayload, type TouchedSpan } from '../domain/ingest/change-event.ts';
import { dedupedByKey, RowFinder, type DedupedSamples } from '../domain/ingest/sample-keys.ts';
import type { NormalizedDeleteRef, NormalizedSample } from '../domain/types.ts';
import { wakeOutboxAfterCommit } from '../outbox/wake-up.ts';
import { erasureFenced } from './erasure-fence.ts';
import { bumpWatermarkIfChanged, softDeleteSamples, type DeletedSample, type SampleRowWriter, type WrittenSample } from './sample-writes.ts';

/** What one part changed, handed to its completion inside the transaction. */
export interface PartChange {
  /** the part's rows as written: deduplicated, a key's last occurrence */
  rows: readonly NormalizedSample[];
  /** the part's samples (a key sent twice counts twice) whose key's row was not written: identical, or a stale write */
  unchanged: number;
  /** live samples the delete refs marked deleted */
  deletedCount: number;
  /** the seq this change commits with; null when nothing changed (no bump, no event) */
  seq: number | null;
  /** the outbox event to append with the watermark bump; null exactly when seq is */
  event: { type: typeof SAMPLES_CHANGED; payload: SamplesChangedPayload } | null;
  /** in a sequence (writeSequence): the watermark is at `seq` already, the completion only records the event */
  watermarkBumped: boolean;
}

export interface GroupPart<R> {
  userId: string;
  /** names the change in its outbox event: an upload's requestId, an import's id */
  changeId: string;
  /** when the server received these samples: decides which write wins (CONTRACT §4.4) */
  receivedAt: Date;
  /** valid normalized samples, any order; a key sent twice is written once (its last occurrence) */
  samples: readonly NormalizedSample[];
  deleteRefs: readonly NormalizedDeleteRef[];
  /** takes the user's write lock and the caller's row; false when the part lost it */
  claim(tx: Tx): Promise<boolean>;
  /**
   * Records the change: when change.event is not null, bumps the user's watermark and appends
   * the event (one statement can do both with the caller's own update: requests/complete_request
   * includes ingest/_record_change). Returns the seq the watermark now has (null when untouched)
   * and what the caller wants back.
   */
  complete(tx: Tx, change: PartChange): Promise<{ committedSeq: number | null; result: R }>;
}

export type PartOutcome<R> =
  | { kind: 'written'; result: R; change: PartChange }
  | { kind: 'lost' }
  /** an erasure of the user fences this part off: nothing of it was written (CONTRACT §10) */
  | { kind: 'fenced' };

class ClaimLost extends Error {}
class Fenced extends Error {}

/**
 * Writes the parts in one transaction, through `rows`; one outcome per part, in order. Throws
 * (the transaction rolled back) when any statement fails.
 */
export async function writeGroup<R>(db: Sql, parts: readonly GroupPart<R>[], rows: SampleRowWriter): Promise<PartOutcome<R>[]> {
  if (new Set(parts.map((part) => part.userId)).size !== parts.length) throw new Error('a group holds at most one part per user');
  if (parts.length === 1 && rows.pipelinedWithClaim) return committed(db, [await writePipelined(db, parts[0]!, rows)]);
  const outcomes = (await db.begin(async (tx) => {
    // pipelined: the server still takes the locks one by one, in the parts' order, each part's
    // fence check right behind its claim
    const checks = parts.map((part) => {
      const claim = part.claim(tx);
      const fence = erasureFenced(tx, part.userId, part.receivedAt);
      // a failed claim fails the fences behind it, which are then never awaited: its error is
      // the one thrown, and an unhandled rejection would end the process
      fence.catch(() => {});
      return [claim, fence] as const;
    });
    const claimed = await Promise.all(checks.map(([claim]) => claim));
    const fenced = await Promise.all(checks.map(([, fence]) => fence));
    const owned = parts.flatMap((part, index) =>
      claimed[index] && !fenced[index] ? [{ index, part, deduped: dedupedByKey(part.samples) }] : [],
    );
    const withRows = owned.filter((entry) => entry.deduped.rows.length > 0);
    const written =
      withRows.length > 0
        ? await rows.write(tx, withRows.map(({ part, deduped }) => ({ userId: part.userId, receivedAt: part.receivedAt, rows: deduped.rows })))
        : new Map<string, WrittenSample[]>();
    const deleted = await Promise.all(owned.map(({ part }) => deleteRefsOf(tx, part)));
    const completed = await Promise.all(
      owned.map(({ part, deduped }, i) => completePart(tx, part, deduped, written.get(part.userId) ?? [], deleted[i]!)),
    );
    const outcomes: PartOutcome<R>[] = parts.map((_, index) => (claimed[index] && fenced[index] ? { kind: 'fenced' } : { kind: 'lost' }));
    owned.forEach(({ index }, i) => (outcomes[index] = completed[i]!));
    return outcomes;
  })) as PartOutcome<R>[];
  return committed(db, outcomes);
}

/** The outcomes of a committed transaction, once the outbox is woken for its events. */
function committed<R>(db: Sql, outcomes: PartOutcome<R>[]): PartOutcome<R>[] {
  if (outcomes.some((outcome) => outcome.kind === 'written' && outcome.change.event !== null)) wakeOutboxAfterCommit(db);
  return outcomes;
}

/** A group of one whose rows go out behind its claim; a lost claim or a fence rolls everything back. */
async function writePipelined<R>(db: Sql, part: GroupPart<R>, rows: SampleRowWriter): Promise<PartOutcome<R>> {
  try {
    return (await db.begin(async (tx) => {
      const { deduped, claimed, fenced, written, deleted } = sendPart(tx, part, rows);
      if (!(await claimed)) throw new ClaimLost();
      if (await fenced) throw new Fenced();
      return completePart(tx, part, deduped, (await written).get(part.userId) ?? [], await deleted);
    })) as PartOutcome<R>;
  } catch (error) {
    if (error instanceof ClaimLost) return { kind: 'lost' };
    if (error instanceof Fenced) return { kind: 'fenced' };
    throw error;
  }
}

/**
 * Parts of one user, in receipt order, in one transaction (user-write-queue.ts): each part is
 * written as a transaction of its own would be — claim, rows, deletes, then its watermark bump —
 * so the next part's rows get the next seq and see this part's rows and tombstones. Every part's
 * statements go out at once, each part's closed by the bump that needs no answer from here
 * (bump_watermark_if_changed): the server runs the parts back to back instead of idling while
 * this process turns each answer into the next statement (one user's backfill waited on this
 * event loop between parts: bench/one-user-backfill.ts). Each part's completion (event and
 * reply) follows once its answers are read. 'lost' (everything rolled back) when any claim was
 * lost, or the erasure fence holds for any part: the caller writes the parts one by one instead
 * (and each then learns its own outcome).
 */
export async function writeSequence<R>(db: Sql, parts: readonly GroupPart<R>[], rows: SampleRowWriter): Promise<PartOutcome<R>[] | 'lost'> {
  if (!rows.pipelinedWithClaim) throw new Error('a sequence needs a writer that can go out behind its claim');
  if (new Set(parts.map((part) => part.userId)).size !== 1) throw new Error('a sequence holds parts of one user');
  try {
    const outcomes = (await db.begin(async (tx) => {
      const sent = parts.map((part) => {
        const statements = sendPart(tx, part, rows);
        const recordIds = [...new Set([...statements.deduped.rows, ...part.deleteRefs].map((row) => row.sourceRecordId))];
        const bumped = bumpWatermarkIfChanged(tx, part.userId, recordIds);
        // answered after an earlier part's lost claim or failure, whose outcome is the one thrown
        statements.claimed.catch(() => {});
        bumped.catch(() => {});
        return { ...statements, bumped };
      });
      const completions: Promise<PartOutcome<R>>[] = [];
      for (const [index, part] of parts.entries()) {
        const { deduped, claimed, fenced, written, deleted, bumped } = sent[index]!;
        if (!(await claimed)) throw new ClaimLost();
        if (await fenced) throw new ClaimLost();
        const completed = completePart(tx, part, deduped, (await written).get(part.userId) ?? [], await deleted, await bumped);
        completed.catch(() => {});
        completions.push(completed);
      }
      return Promise.all(completions);
    })) as PartOutcome<R>[];
    return committed(db, outcomes);
  } catch (error) {
    if (error instanceof ClaimLost) return 'lost';
    throw error;
  }
}

/**
 * Sends a part's claim, its erasure fence check, rows and deletes pipelined, one behind the
 * other, before any answer.
 */
function sendPart(tx: Tx, part: GroupPart<unknown>, rows: SampleRowWriter) {
  const deduped = dedupedByKey(part.samples);
  const claimed = part.claim(tx);
  const fenced = erasureFenced(tx, part.userId, part.receivedAt);
  const written =
    deduped.rows.length > 0
      ? rows.write(tx, [{ userId: part.userId, receivedAt: part.receivedAt, rows: deduped.rows }])
      : Promise.resolve(new Map<string, WrittenSample[]>());
  const deleted = deleteRefsOf(tx, part);
  // the pipelined statements may fail after a lost claim: their outcome is the claim's
  written.catch(() => {});
  deleted.catch(() => {});
  fenced.catch(() => {});
  return { deduped, claimed, fenced, written, deleted };
}

function deleteRefsOf(tx: Tx, part: GroupPart<unknown>): Promise<DeletedSample[]> {
  return part.deleteRefs.length > 0 ? softDeleteSamples(tx, part.userId, part.receivedAt, part.deleteRefs) : Promise.resolve([]);
}

/**
 * The part's change (written keys, seq, event), completed by the caller in the transaction.
 * `bumpedSeq`: in a sequence, what the part's watermark bump answered (undefined elsewhere: the
 * completion bumps it).
 */
async function completePart<R>(
  tx: Tx,
  part: GroupPart<R>,
  deduped: DedupedSamples,
  written: readonly WrittenSample[],
  deleted: readonly DeletedSample[],
  bumpedSeq?: number | null,
): Promise<PartOutcome<R>> {
  const spans: TouchedSpan[] = [];
  let writtenSamples = 0;
  let seq: number | null = null;
  const finder = new RowFinder(deduped.rows);
  for (const change of written) {
    const index = finder.indexOf(change);
    if (index === -1) throw new Error('the upsert returned a key that was not in the batch');
    const row = deduped.rows[index]!;
    writtenSamples += deduped.counts?.[index] ?? 1;
    seq = change.changedSeq;
    spans.push(row);
    if (change.previousSpan) spans.push(change.previousSpan);
  }
  for (const row of deleted) {
    seq = row.changedSeq;
    spans.push({
      metricCode: row.metricCode,
      startAtMs: row.startAt.getTime(),
      endAtMs: row.endAt.getTime(),
      timezoneOffsetMinutes: row.timezoneOffsetMinutes,
    });
  }
  if (bumpedSeq !== undefined && bumpedSeq !== seq) {
    // the bump found a change exactly when the rows and deletes report one; else roll back rather than lie
    throw new Error(`watermark mismatch: wrote seq ${seq}, the sequence bump answered ${bumpedSeq}`);
  }
  const change: PartChange = {
    rows: deduped.rows,
    unchanged: deduped.sampleCount - writtenSamples,
    deletedCount: deleted.length,
    seq,
    watermarkBumped: bumpedSeq !== undefined,
    event:
      seq === null
        ? null
        : { type: SAMPLES_CHANGED, payload: { ...buildSamplesChangedPayload({ userId: part.userId, requestId: part.changeId, seq, spans }) } },
  };
  const { committedSeq, result } = await part.complete(tx, change);
  if (committedSeq !== seq) {
    // the user's lock makes this impossible; if it ever happens, roll back rather than lie
    throw new Error(`watermark mismatch: wrote seq ${seq}, bumped to ${committedSeq}`);
  }
  return { kind: 'written', result, change };
}
