// Outbox dead letters for operators (GET /admin/outbox/dead, POST /admin/outbox/dead/replay):
// pages of them, and their replay. Replaying is safe at any time: every sink recomputes or
// deduplicates, so an event handled twice changes nothing.
import type { Queryable } from '../db/client.ts';
import type { DeadLetterQuery } from '../domain/operations/dead-letter-query.ts';
import { listDeadEvents, replayDeadEvents, type DeadEvent } from './queries.ts';

export interface DeadLetterPage {
  items: DeadEvent[];
  /** afterId of the next page; null on the last */
  nextAfterId: number | null;
}

export interface DeadLetters {
  list(query: DeadLetterQuery): Promise<DeadLetterPage>;
  /** back to pending with fresh attempts: these ids, or every dead letter (null); how many */
  replay(ids: readonly number[] | null): Promise<number>;
}

export function deadLetters(db: Queryable): DeadLetters {
  return {
    async list({ afterId, limit }) {
      const items = await listDeadEvents(db, afterId, limit + 1);
      const page = items.slice(0, limit);
      return { items: page, nextAfterId: items.length > limit ? page.at(-1)!.id : null };
    },
    replay: (ids) => replayDeadEvents(db, ids),
  };
}
