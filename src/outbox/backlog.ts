// Outbox backlog and lag for the metrics scrape and the console: pending events, the age of the
// oldest, and the dead letters.
import { run, type Queryable } from '../db/client.ts';
import { statement } from '../db/sql-files.ts';
import { countDeadEvents } from './queries.ts';

const OUTBOX_BACKLOG = statement('outbox/backlog');

export interface OutboxBacklog {
  pending: number;
  oldestAgeSeconds: number;
}

export async function outboxBacklog(db: Queryable): Promise<OutboxBacklog> {
  const [row] = await run<{ pending: number; oldest_age_seconds: number }>(db, OUTBOX_BACKLOG);
  return { pending: row!.pending, oldestAgeSeconds: row!.oldest_age_seconds };
}

/** The console's outbox panel (GET /admin/outbox): backlog, lag and dead letters. */
export async function outboxSummary(db: Queryable): Promise<{ pending: number; lagSeconds: number; dead: number }> {
  const [backlog, dead] = await Promise.all([outboxBacklog(db), countDeadEvents(db)]);
  return { pending: backlog.pending, lagSeconds: backlog.oldestAgeSeconds, dead };
}
