// For the erasure (CONTRACT §10): the user's ingest jobs that no worker holds yet (waiting,
// delayed, prioritized, paused) are removed from Redis — their payloads are the user's samples in
// clear text. A job a worker already holds finishes without writing: the erasure fence refuses it
// and its request row is gone. Job ids start with the user's id (ingestJobId), so the scan reads
// ids only, a page at a time, never the payloads.
import type { JobType, Queue } from 'bullmq';

const UNTAKEN: JobType[] = ['waiting', 'delayed', 'prioritized'];
const PAGE = 1000;

export async function removeQueuedJobsOfUser(queue: Queue, userId: string): Promise<number> {
  const prefix = `${userId}.`;
  const ids: string[] = [];
  for (let start = 0; ; start += PAGE) {
    const page = await queue.getRanges(UNTAKEN, start, start + PAGE - 1, true);
    for (const id of page) if (id.startsWith(prefix)) ids.push(id);
    if (page.length < PAGE) break;
  }
  let removed = 0;
  // a job taken by a worker meanwhile is locked: remove() refuses it (0), the fence does the rest
  for (const id of new Set(ids)) removed += await queue.remove(id).catch(() => 0);
  return removed;
}
