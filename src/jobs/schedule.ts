// Cron schedules for the runner's jobs, with @elysiajs/cron (croner underneath): UTC, and
// `protect` so a tick still running in this process makes the next one wait its turn. Every
// replica schedules every job; the runner's advisory lock makes one of them run each tick.
import { cron } from '@elysiajs/cron';
import { Elysia } from 'elysia';
import type { Logger } from '../log.ts';
import type { JobRunner } from './runner.ts';

export interface JobSchedule {
  stop(): void;
}

export function startJobSchedule(runner: JobRunner, log: Logger): JobSchedule {
  let scheduler: Elysia = new Elysia({ name: 'job-schedule' });
  for (const job of runner.jobs) {
    scheduler = scheduler.use(
      cron({
        name: job.name,
        pattern: job.schedule,
        timezone: 'UTC',
        protect: true,
        catch: (error: unknown) => log.error({ job: job.name, err: error }, 'scheduled job tick threw'),
        run: () => runner.run(job.name, 'schedule'),
      }),
    ) as unknown as Elysia;
  }
  const crons = (scheduler.store as { cron: Record<string, { stop(): void }> }).cron;
  log.info({ jobs: runner.jobs.map((job) => `${job.name} ${job.schedule}`) }, 'job schedule started (UTC)');
  return {
    stop() {
      for (const job of Object.values(crons)) job.stop();
    },
  };
}

/** The next tick of a cron pattern in UTC after `from`, without scheduling anything. */
export function nextTick(pattern: string, from: Date = new Date()): Date | null {
  const probe = new Elysia().use(cron({ name: 'probe', pattern, timezone: 'UTC', paused: true, run: () => {} }));
  const job = (probe.store as { cron: Record<string, { nextRun(from?: Date): Date | null; stop(): void }> }).cron.probe!;
  try {
    return job.nextRun(from);
  } finally {
    job.stop();
  }
}
