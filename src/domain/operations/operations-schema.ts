// Wire shapes of the operations surface (CONTRACT §8) as TypeBox schemas: a job run, the job list,
// queue counts. Used as response schemas (so /docs shows them) and as the source of the types.
import { Type, type Static } from '@sinclair/typebox';

export const JOB_RUN_STATUSES = ['succeeded', 'failed', 'skipped'] as const;
export type JobRunStatus = (typeof JOB_RUN_STATUSES)[number];

export const JobRunBody = Type.Object({
  name: Type.String(),
  status: Type.Union([Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('skipped')]),
  startedAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.String({ format: 'date-time' }),
  affectedRows: Type.Integer({ minimum: 0 }),
  error: Type.Union([Type.String(), Type.Null()]),
});
export type JobRunBodyT = Static<typeof JobRunBody>;
// the schema's literals are JOB_RUN_STATUSES, both ways (a tuple cannot be mapped into TypeBox literals
// without losing the types Elysia checks responses with)
const _statusesMatch: [JobRunStatus, JobRunBodyT['status']] = [null as unknown as JobRunBodyT['status'], null as unknown as JobRunStatus];

export const JobListBody = Type.Object({
  jobs: Type.Array(
    Type.Object({
      name: Type.String(),
      /** cron pattern, evaluated in UTC */
      schedule: Type.String(),
      description: Type.String(),
      nextRunAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
      lastRun: Type.Union([JobRunBody, Type.Null()]),
    }),
  ),
});
export type JobListBodyT = Static<typeof JobListBody>;

export const QUEUE_COUNT_STATES = ['waiting', 'active', 'completed', 'failed', 'delayed'] as const;

export const QueueCountsBody = Type.Object(
  Object.fromEntries(QUEUE_COUNT_STATES.map((state) => [state, Type.Integer({ minimum: 0 })])) as Record<
    (typeof QUEUE_COUNT_STATES)[number],
    ReturnType<typeof Type.Integer>
  >,
);
export type QueueCountsBodyT = Static<typeof QueueCountsBody>;

/** the job that has waited longest (the next one a worker takes), or null when none waits */
export const OldestWaitingBody = Type.Union([
  Type.Object({
    jobId: Type.String(),
    enqueuedAt: Type.String({ format: 'date-time' }),
    ageSeconds: Type.Number({ minimum: 0 }),
  }),
  Type.Null(),
]);
export type OldestWaitingBodyT = Static<typeof OldestWaitingBody>;

export const QueueListBody = Type.Object({
  queues: Type.Array(Type.Object({ name: Type.String(), counts: QueueCountsBody, oldestWaiting: OldestWaitingBody })),
});
export type QueueListBodyT = Static<typeof QueueListBody>;
