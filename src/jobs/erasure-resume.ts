// Erasure resume sweep: every minute (and once at every worker's start), runs the erasures nobody
// holds — their runner died (the lease ran out) or their queue job was lost (never claimed for
// UNCLAIMED_AFTER_SECONDS). The erasure's row says where it stands; the runner takes it over.
import { MINUTE } from '../limits.ts';
import type { JobDefinition } from './runner.ts';

export const ERASURE_RESUME_JOB = 'erasure-resume';
export const ERASURE_RESUME_LOCK_KEY = 4;

/** Resumes what is due; returns how many erasures it completed. */
export type ErasureResumer = (options: { deadlineMs: number; signal: AbortSignal }) => Promise<{ resumed: number; completed: number }>;

export function erasureResumeJob(resume: ErasureResumer): JobDefinition {
  return {
    name: ERASURE_RESUME_JOB,
    schedule: '* * * * *',
    lockKey: ERASURE_RESUME_LOCK_KEY,
    maxRunMs: 10 * MINUTE,
    minGapSeconds: 30,
    async run(context) {
      const { resumed, completed } = await resume({ deadlineMs: context.deadlineMs, signal: context.signal });
      return { affectedRows: completed, details: { resumed, completed } };
    },
  };
}
