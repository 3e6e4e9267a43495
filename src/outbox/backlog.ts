// Outbox backlog and lag for the metrics scrape: pending events and the age of the oldest.
import { run, type Queryable } from '../db/client.ts';
import { statement } from '../db/sql-files.ts';

const OUTBOX_BACKLOG = statement('outbox/backlog');

export interface OutboxBacklog {
  pending: number;
  oldestAgeSeconds: number;
}

export async function outboxBacklog(db: Queryable): Promise<OutboxBacklog> {
  const [row] = await run<{ pending: number; oldest_age_seconds: number }>(db, OUTBOX_BACKLOG);
  return { pending: row!.pending, oldestAgeSeconds: row!.oldest_age_seconds };
}
