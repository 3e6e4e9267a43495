// Runs one erasure to its end (CONTRACT §10): every step of erasure-steps.ts in bounded chunks,
// the user's queued ingest jobs removed from Redis, then one final transaction under the user's
// lock that takes what is left (the watermark last), forgets the user's webhook deliveries,
// leaves the one health.user.erased event — seq 1 of the user's new series, so it is projected
// and delivered first, before anything the user sends afterwards — and completes the erasure.
// Every chunk adds to the erasure's row counts in its own statement.
//
// Delivery: the erasure's row is the truth, not the queue job that carries its id. A runner holds
// it by a lease it renews; a runner that dies leaves the lease to run out and the resume sweep
// (jobs/erasure-resume.ts, and every worker's start) takes it over; one that fails gives the lease
// up for the job's retry. Every step deletes whatever of the user is left, so starting again from
// the first step is correct, and the fence (ingest/erasure-fence.ts) keeps anything new out.
//
// Locks: each chunk is one short statement that waits for the few rows a write in flight may
// hold (never for long: the fence stops new writes); the final transaction holds the user's lock
// only for what the chunks left, which is nothing unless a write was in flight.
import type { Sql, Tx } from '../db/client.ts';
import { nextChunkRows, type ChunkPlan } from '../domain/operations/purge-chunks.ts';
import { buildUserErasedPayload, USER_ERASED } from '../domain/webhooks/events.ts';
import { safeErrorMessage, type Logger } from '../log.ts';
import { SECOND } from '../limits.ts';
import { forgetUserDeliveries } from '../webhooks/queries.ts';
import { ERASURE_STEPS, QUEUED_JOBS_COUNT, type ErasureStep } from './erasure-steps.ts';
import {
  claimErasure,
  completeErasure,
  countErasedRows,
  eraseChunk,
  lockUser,
  recordUserErased,
  releaseErasureLease,
  renewErasureLease,
  type ChunkKey,
  type ErasureClaim,
} from './queries.ts';

/** ~200 ms per chunk, like the purger: short row locks, far inside statement_timeout. */
export const ERASURE_CHUNK_PLAN: ChunkPlan = { initialRows: 1000, minRows: 100, maxRows: 10_000, targetMs: 200 };
/** Rows per statement in the final transaction (what is left there is normally nothing). */
const FINAL_CHUNK_ROWS = 10_000;

export interface ErasureRunnerDeps {
  db: Sql;
  log: Logger;
  /** removes the user's waiting and delayed ingest jobs from Redis; how many */
  removeQueuedJobs(userId: string): Promise<number>;
  leaseSeconds: number;
  chunkPlan?: ChunkPlan;
  /** aborted at shutdown: the runner stops at the next chunk and the lease runs out */
  signal?: AbortSignal;
  /** sees every chunk (tests and benches) */
  observeChunk?: (table: string, rows: number, ms: number) => void;
}

export type ErasureRunOutcome = 'completed' | 'not-ours' | 'lost' | 'stopped';

class LeaseLost extends Error {}


export async function runErasure(deps: ErasureRunnerDeps, erasureId: string): Promise<ErasureRunOutcome> {
  const claim = await claimErasure(deps.db, erasureId, deps.leaseSeconds);
  if (!claim) return 'not-ours';
  let lost = false;
  const heartbeat = setInterval(() => {
    renewErasureLease(deps.db, claim, deps.leaseSeconds)
      .then((held) => {
        if (!held) lost = true;
      })
      .catch((error: unknown) => deps.log.warn({ erasureId, err: safeErrorMessage(error) }, 'erasure lease renewal failed'));
  }, Math.max(250, (deps.leaseSeconds * SECOND) / 3));
  const removeJobs = async () => countErasedRows(deps.db, erasureId, QUEUED_JOBS_COUNT, await deps.removeQueuedJobs(claim.userId));
  try {
    await removeJobs();
    for (const step of ERASURE_STEPS) {
      const stopped = await eraseStep(deps, claim, step, () => lost);
      if (stopped === 'stopped') await releaseErasureLease(deps.db, claim);
      if (stopped) return stopped;
    }
    // a job added by an upload that was in flight when the erasure started
    await removeJobs();
    await deps.db.begin((tx) => finish(tx, claim));
    deps.log.info({ erasureId, attempt: claim.attempt }, 'erasure completed');
    return 'completed';
  } catch (error) {
    if (error instanceof LeaseLost) return 'lost';
    await releaseErasureLease(deps.db, claim).catch(() => {});
    throw error;
  } finally {
    clearInterval(heartbeat);
  }
}

/** One step in chunks until nothing of the user is left in its table; 'lost' or 'stopped' when it had to stop. */
async function eraseStep(deps: ErasureRunnerDeps, claim: ErasureClaim, step: ErasureStep, leaseLost: () => boolean): Promise<'lost' | 'stopped' | null> {
  const plan = step.plan ?? deps.chunkPlan ?? ERASURE_CHUNK_PLAN;
  let rows = plan.initialRows;
  let after: ChunkKey = null;
  for (;;) {
    if (leaseLost()) return 'lost';
    if (deps.signal?.aborted) return 'stopped';
    const began = performance.now();
    const chunk = await eraseChunk(deps.db, step, claim, rows, after);
    const deleted = chunk.deleted;
    after = chunk.after;
    const elapsedMs = performance.now() - began;
    deps.observeChunk?.(step.table, deleted, elapsedMs);
    // rows held by a writer are waited for, not skipped: a short chunk means none is left
    if (deleted < rows) return null;
    rows = nextChunkRows(plan, rows, elapsedMs);
  }
}

/** The final transaction (see the header). */
async function finish(tx: Tx, claim: ErasureClaim): Promise<void> {
  await lockUser(tx, claim.userId);
  // from each table's first key: a row a write in flight added behind a keyset walk is taken here
  const drain = async (step: ErasureStep) => {
    const rows = Math.min(FINAL_CHUNK_ROWS, step.plan?.maxRows ?? FINAL_CHUNK_ROWS);
    let after: ChunkKey = null;
    for (;;) {
      const chunk = await eraseChunk(tx, step, claim, rows, after);
      if (chunk.deleted < rows) return;
      after = chunk.after;
    }
  };
  for (const step of ERASURE_STEPS) await drain(step);
  await countErasedRows(tx, claim.erasureId, 'webhook_deliveries', await forgetUserDeliveries(tx, claim.userId));
  // the watermark is gone: the event takes seq 1
  await recordUserErased(tx, claim.userId, claim.erasureId, {
    type: USER_ERASED,
    payload: buildUserErasedPayload({ userId: claim.userId, erasureId: claim.erasureId }),
  });
  if ((await completeErasure(tx, claim)) === null) throw new LeaseLost();
}
