// The erasure fence (CONTRACT §10, migration 0010), checked by the write core in every write
// transaction right behind the claim: a write received at or before an erasure of its user
// started, or any write while one runs, writes nothing. The erasure starts under the same user
// lock, so a write either commits before the erasure starts (and is erased with the rest) or
// sees it here.
import { run, type Queryable } from '../db/client.ts';
import { statement } from '../db/sql-files.ts';

const CHECK_ERASURE_FENCE = statement('ingest/check_erasure_fence');

export async function erasureFenced(db: Queryable, userId: string, receivedAt: Date): Promise<boolean> {
  const [row] = await run<{ fenced: boolean }>(db, CHECK_ERASURE_FENCE, [userId, receivedAt]);
  return row!.fenced;
}
