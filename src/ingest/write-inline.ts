// The inline path needs no 'processing' row anyone could see: one transaction holds the claim,
// the samples, the watermark, the event and the stored reply, so a crash rolls back all of it,
// and a concurrent duplicate waits on the user's lock and then finds the completed row.
//
// Round trips: the claim, the upsert and the deletes are pipelined on the transaction's
// connection (the server runs them in order, the claim's lock first); if the claim finds the
// request taken, the transaction rolls back and the caller answers from the request's state.
// A user's uploads that arrive while one of theirs is being written are written together next
// (user-write-queue.ts), one part each.
import type { Sql } from '../db/client.ts';
import { uploadPart, type PreparedBatch, type StoredReply } from './finish-batch.ts';
import { claimInlineRequest, lookupRequest, type RequestLookup } from '../requests/queries.ts';
import { unnestRows } from './sample-writes.ts';
import { UserWriteQueue, type UserWriteLimits } from './user-write-queue.ts';
import { writeGroup, writeSequence } from './write-group.ts';

export type InlineOutcome =
  | { kind: 'completed'; reply: StoredReply }
  /** someone else holds or finished the request; answer from its state */
  | { kind: 'taken'; earlier: RequestLookup }
  /** an erasure of the user fenced the upload off: nothing of it was stored */
  | { kind: 'fenced' };

/**
 * One transaction of a user's waiting uploads: up to 8 (what the SDK keeps in flight is 2 by
 * default) and ~4,000 samples (ten of the largest inline batches, ~40 ms of PostgreSQL time on
 * this machine class): the statements of a part stay short, and the next group waits at most that.
 */
const INLINE_SEQUENCE_LIMITS: UserWriteLimits = { parts: 8, items: 4_000 };

interface InlineWrite {
  userId: string;
  receivedAt: Date;
  batch: PreparedBatch;
  staleAfterSeconds: number;
}

const partOf = ({ batch, staleAfterSeconds }: InlineWrite) =>
  uploadPart(batch, (tx) => claimInlineRequest(tx, { ...batch, staleAfterSeconds }));

async function writeAlone(db: Sql, write: InlineWrite): Promise<InlineOutcome> {
  const [outcome] = await writeGroup(db, [partOf(write)], unnestRows);
  if (outcome!.kind === 'written') return { kind: 'completed', reply: outcome!.result };
  if (outcome!.kind === 'fenced') return { kind: 'fenced' };
  return { kind: 'taken', earlier: await lookupRequest(db, write.userId, write.batch.requestId, write.staleAfterSeconds) };
}

async function writeTogether(db: Sql, writes: InlineWrite[]): Promise<InlineOutcome[] | null> {
  const outcomes = await writeSequence(db, writes.map(partOf), unnestRows);
  if (outcomes === 'lost') return null;
  return outcomes.map((outcome) => {
    if (outcome.kind !== 'written') throw new Error('a sequence part without its claim');
    return { kind: 'completed', reply: outcome.result };
  });
}

// one queue per pool (per process, in the service; tests have several)
const queues = new WeakMap<Sql, UserWriteQueue<InlineWrite, InlineOutcome>>();

function queueFor(db: Sql): UserWriteQueue<InlineWrite, InlineOutcome> {
  let queue = queues.get(db);
  if (!queue) {
    queue = new UserWriteQueue<InlineWrite, InlineOutcome>(
      (write) => writeAlone(db, write),
      (writes) => writeTogether(db, writes),
      (write) => write.batch.valid.length + write.batch.deleteRefs.length,
      INLINE_SEQUENCE_LIMITS,
    );
    queues.set(db, queue);
  }
  return queue;
}

export function writeInline(db: Sql, batch: PreparedBatch, staleAfterSeconds: number): Promise<InlineOutcome> {
  return queueFor(db).write({ userId: batch.userId, receivedAt: batch.receivedAt, batch, staleAfterSeconds });
}
