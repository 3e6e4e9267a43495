// Reaper (CONTRACT §8): every 15 minutes, fails the queued-path requests nobody will finish, so
// the client's re-send processes them again from scratch (CONTRACT §4.4):
//   1. 'processing' with no worker heartbeat for REAPER_STALE_AFTER_SECONDS → 'failed'
//   2. 'queued' (for longer than a grace that covers claim → add) whose BullMQ job is gone
//      (or finished without taking the request) → 'failed'
// Part 2 reads a page of rows, asks Redis with no transaction open, then fails only the attempts
// it checked and only while still 'queued': a worker that picked one up meanwhile has made it
// 'processing', so a race costs nothing. Redis down → the run fails after part 1, bounded.
import type { JobState } from 'bullmq';
import { ingestJobId } from '../queue/ingest-batch-job.ts';
import type { OpenQueueProbe, QueueProbe } from './queue-probe.ts';
import { failOrphanedQueuedRequests, failStaleProcessingRequests, listQueuedRequests, type QueuedRequest } from '../requests/queries.ts';
import { MINUTE } from '../limits.ts';
import { JobFailure, type JobDefinition } from './runner.ts';

export const REAPER_JOB = 'reaper';
export const REAPER_LOCK_KEY = 1;

/** a queued request younger than this may still be between its claim and its job's add */
export const QUEUED_GRACE_SECONDS = 120;
const PAGE_ROWS = 500;

/** Job states in which the job will never take its request: the request is orphaned. */
const ORPHAN_STATES = new Set<JobState | 'unknown'>(['unknown', 'completed', 'failed']);

export function reaperJob(options: {
  staleAfterSeconds: number;
  openQueue: OpenQueueProbe;
  queuedGraceSeconds?: number;
  pageRows?: number;
}): JobDefinition {
  const grace = options.queuedGraceSeconds ?? QUEUED_GRACE_SECONDS;
  const pageRows = options.pageRows ?? PAGE_ROWS;
  return {
    name: REAPER_JOB,
    schedule: '*/15 * * * *',
    lockKey: REAPER_LOCK_KEY,
    maxRunMs: 5 * MINUTE,
    minGapSeconds: 60,
    async run(context) {
      const { db } = context;
      const outOfTime = () => context.signal.aborted || context.now() >= context.deadlineMs;

      let staleProcessing = 0;
      for (;;) {
        const failed = await failStaleProcessingRequests(db, options.staleAfterSeconds, pageRows);
        staleProcessing += failed.length;
        if (failed.length < pageRows || outOfTime()) break;
      }

      let orphanedQueued = 0;
      let checkedQueued = 0;
      let probe: QueueProbe | undefined;
      try {
        let after: QueuedRequest | null = null;
        while (!outOfTime()) {
          const page = await listQueuedRequests(db, grace, after, pageRows);
          if (page.length === 0) break;
          probe ??= await options.openQueue();
          const states = await probe.jobStates(page.map((r) => ingestJobId(r.userId, r.requestId, r.attempt)));
          checkedQueued += page.length;
          const orphans = page.filter((_, i) => ORPHAN_STATES.has(states[i]!));
          orphanedQueued += (await failOrphanedQueuedRequests(db, orphans)).length;
          if (page.length < pageRows) break;
          after = page[page.length - 1]!;
        }
      } catch (error) {
        throw new JobFailure(
          `could not check queued requests: ${(error as Error).message}`,
          staleProcessing + orphanedQueued,
          { staleProcessing, orphanedQueued, checkedQueued },
        );
      } finally {
        await probe?.close();
      }
      return { affectedRows: staleProcessing + orphanedQueued, details: { staleProcessing, orphanedQueued, checkedQueued } };
    },
  };
}
