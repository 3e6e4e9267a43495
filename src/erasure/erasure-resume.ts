// Takes over erasures nobody holds (see jobs/erasure-resume.ts): oldest first, one at a time,
// until none is due or the deadline passes.
import type { Sql } from '../db/client.ts';
import type { ErasureResumer } from '../jobs/erasure-resume.ts';
import { runErasure, type ErasureRunnerDeps } from './erasure-runner.ts';
import { listResumableErasures } from './queries.ts';

/** An erasure whose job has not claimed it after this long is run by the sweep. */
export const UNCLAIMED_AFTER_SECONDS = 60;
const PAGE = 20;

export function erasureResumer(deps: ErasureRunnerDeps & { db: Sql; unclaimedAfterSeconds?: number }): ErasureResumer {
  return async ({ deadlineMs, signal }) => {
    let resumed = 0;
    let completed = 0;
    for (const id of await listResumableErasures(deps.db, deps.unclaimedAfterSeconds ?? UNCLAIMED_AFTER_SECONDS, PAGE)) {
      if (signal.aborted || Date.now() > deadlineMs) break;
      resumed++;
      if ((await runErasure({ ...deps, signal }, id)) === 'completed') completed++;
    }
    return { resumed, completed };
  };
}
