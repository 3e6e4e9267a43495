// The service's built-in jobs, configured (CONTRACT §8). Lock keys are named in each job's file.
import type { Config } from '../config.ts';
import { reaperJob } from './reaper.ts';
import { retentionJob } from './retention.ts';
import type { JobDefinition } from './runner.ts';
import type { OpenQueueProbe } from './queue-probe.ts';
import { softDeletePurgerJob } from './soft-delete-purger.ts';
import { erasureResumeJob, type ErasureResumer } from './erasure-resume.ts';

export function builtInJobs(
  config: Pick<Config, 'reaperStaleAfterSeconds' | 'softDeleteRetentionDays' | 'idempotencyRetentionDays' | 'outboxRetentionDays' | 'webhookRetentionDays'>,
  openQueue: OpenQueueProbe,
  resumeErasures: ErasureResumer,
): JobDefinition[] {
  const jobs = [
    reaperJob({ staleAfterSeconds: config.reaperStaleAfterSeconds, openQueue }),
    softDeletePurgerJob({ retentionDays: config.softDeleteRetentionDays }),
    retentionJob({
      idempotencyRetentionDays: config.idempotencyRetentionDays,
      outboxRetentionDays: config.outboxRetentionDays,
      webhookRetentionDays: config.webhookRetentionDays,
    }),
    erasureResumeJob(resumeErasures),
  ];
  const keys = new Set(jobs.map((job) => job.lockKey));
  if (keys.size !== jobs.length) throw new Error('two jobs share an advisory lock key');
  return jobs;
}
