// The API side of an erasure (CONTRACT §10): DELETE starts one (or finds the one running: a second
// request while it runs is the same erasure), under the user's write lock, so every write of the
// user in flight has committed before it and every later one sees the fence; then its job is
// added. If Redis refuses the job, the erasure still runs: the resume sweep takes erasures nobody
// claimed (jobs/erasure-resume.ts).
import type { Queue } from 'bullmq';
import { bounded } from '../bounded.ts';
import type { Sql } from '../db/client.ts';
import { requesterText, type AdminErasureBodyT, type ErasureBodyT, type ErasureRequester } from '../domain/erasure/erasure-schema.ts';
import { UUID_PATTERN } from '../domain/types.ts';
import type { Logger } from '../log.ts';
import { DELETED_COUNTS } from './erasure-steps.ts';
import { ERASURE_JOB_NAME, ERASURE_JOB_OPTIONS, erasureJobId, type ErasureJobData } from './erasure-job.ts';
import { getErasure, lockUser, startErasure, type ErasureRecord } from './queries.ts';

const UUID = new RegExp(UUID_PATTERN);

export interface UserDataErasures {
  /** The user's running erasure, started now when none was running; created says which. */
  request(userId: string, requester: ErasureRequester): Promise<{ erasure: ErasureRecord; created: boolean }>;
  /** One erasure of the user; null when there is none with this id (or it is another user's). */
  get(userId: string, erasureId: string): Promise<ErasureRecord | null>;
}

export function userDataErasures(deps: { db: Sql; queue: Queue<ErasureJobData>; log: Logger; now: () => number; addTimeoutMs?: number }): UserDataErasures {
  return {
    async request(userId, requester) {
      const started = await deps.db.begin(async (tx) => {
        await lockUser(tx, userId);
        // the receipt clock of uploads (AppDeps.now): the fence compares the two
        return startErasure(tx, { userId, erasureId: crypto.randomUUID(), requestedBy: requesterText(requester), startedAt: new Date(deps.now()) });
      });
      try {
        const id = started.erasure.id;
        await bounded(deps.queue.add(ERASURE_JOB_NAME, { erasureId: id }, { ...ERASURE_JOB_OPTIONS, jobId: erasureJobId(id) }), deps.addTimeoutMs ?? 2000, 'erasure enqueue');
      } catch (error) {
        deps.log.warn({ erasureId: started.erasure.id, err: error }, 'erasure job not added; the resume sweep will run it');
      }
      return started;
    },
    async get(userId, erasureId) {
      if (!UUID.test(userId) || !UUID.test(erasureId)) return null;
      return getErasure(deps.db, userId, erasureId.toLowerCase());
    },
  };
}

/** The user's view (CONTRACT §10). */
export function erasureBody(erasure: ErasureRecord): ErasureBodyT {
  const count = (table: string) => erasure.deleted[table] ?? 0;
  return {
    erasureId: erasure.id,
    status: erasure.status,
    startedAt: erasure.startedAt.toISOString(),
    finishedAt: erasure.finishedAt?.toISOString() ?? null,
    deleted: {
      samples: count(DELETED_COUNTS.samples),
      summaries: count(DELETED_COUNTS.summaries),
      requests: count(DELETED_COUNTS.requests),
      imports: count(DELETED_COUNTS.imports),
    },
  };
}

/** The operator's view: also who asked and the count per table (the audit record). */
export function adminErasureBody(erasure: ErasureRecord): AdminErasureBodyT {
  return { ...erasureBody(erasure), userId: erasure.userId, requestedBy: erasure.requestedBy, deletedRows: erasure.deleted };
}
