// The job list of GET /admin/jobs and `cli jobs list`: each job's schedule (UTC), in words, its
// next tick and its last run that held the lock.
import { describeSchedule } from '../domain/operations/cron-words.ts';
import type { JobListBodyT } from '../domain/operations/operations-schema.ts';
import type { JobRunner } from './runner.ts';
import { nextTick } from './schedule.ts';

export async function listJobs(runner: JobRunner, now: Date = new Date()): Promise<JobListBodyT> {
  const last = await runner.lastRuns();
  return {
    jobs: runner.jobs.map((job) => ({
      name: job.name,
      schedule: job.schedule,
      description: describeSchedule(job.schedule),
      nextRunAt: nextTick(job.schedule, now)?.toISOString() ?? null,
      lastRun: last.get(job.name) ?? null,
    })),
  };
}
