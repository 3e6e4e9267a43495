// The read side of daily summaries (CONTRACT §7) with read-your-writes: a client that just wrote
// seq N asks with minSeq=N and the answer waits, at most maxWaitMs, until the projection has
// applied every change up to N; if it has not by then, the answer says stale: true.
// The freshness is read before the rows, so the rows are at least as fresh as projectedSeq says.
import type { Queryable } from '../db/client.ts';
import { MAX_MIN_SEQ_WAIT_MS } from '../limits.ts';
import type { DailySummaryQuery } from '../domain/summaries/daily-summary-query.ts';
import { DAILY_SUMMARIES } from './daily-summaries.ts';
import { getFreshness, listDailySummaries, type Freshness, type StoredDailySummary } from './queries.ts';

/** A stored summary as answered: categorySeconds only for CATEGORY metrics (absent otherwise). */
export type DailySummaryItem = Omit<StoredDailySummary, 'categorySeconds'> & {
  categorySeconds?: Record<string, number>;
};

export interface DailySummariesBody {
  items: DailySummaryItem[];
  watermarkSeq: number;
  projectedSeq: number;
  /** projectedSeq < minSeq (or, without minSeq, < watermarkSeq) */
  stale: boolean;
}

export async function readDailySummaries(
  db: Queryable,
  userId: string,
  query: DailySummaryQuery,
  maxWaitMs = MAX_MIN_SEQ_WAIT_MS,
): Promise<DailySummariesBody> {
  const freshness = query.minSeq === null ? await getFreshness(db, userId, DAILY_SUMMARIES) : await waitForSeq(db, userId, query.minSeq, maxWaitMs);
  const rows = await listDailySummaries(db, userId, query.metricCodes, query.from, query.to);
  const items = rows.map(({ categorySeconds, ...row }) => (categorySeconds === null ? row : { ...row, categorySeconds }));
  return {
    items,
    watermarkSeq: freshness.watermarkSeq,
    projectedSeq: freshness.projectedSeq,
    stale: freshness.projectedSeq < (query.minSeq ?? freshness.watermarkSeq),
  };
}

/** Polls the checkpoint (10 ms, then slower up to 100 ms) until it reaches minSeq or time is up. */
async function waitForSeq(db: Queryable, userId: string, minSeq: number, maxWaitMs: number): Promise<Freshness> {
  const deadline = performance.now() + maxWaitMs;
  let pause = 10;
  for (;;) {
    const freshness = await getFreshness(db, userId, DAILY_SUMMARIES);
    const left = deadline - performance.now();
    if (freshness.projectedSeq >= minSeq || left <= 0) return freshness;
    await Bun.sleep(Math.min(pause, left));
    pause = Math.min(pause * 1.5, 100);
  }
}

/** The read of daily summaries, bound to a pool (what the HTTP route receives). */
export interface DailySummaryReader {
  read(userId: string, query: DailySummaryQuery): Promise<DailySummariesBody>;
}

export function dailySummaryReader(db: Queryable): DailySummaryReader {
  return { read: (userId, query) => readDailySummaries(db, userId, query) };
}
