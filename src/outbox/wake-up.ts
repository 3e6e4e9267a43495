// Waking the outbox processors after a write commits its events. The write transactions used to
// NOTIFY themselves, at commit; but PostgreSQL takes one cluster-wide lock for a notifying commit
// (the notification queue's, `Lock:object` in pg_stat_activity) and holds it until the commit
// record is flushed, so no two notifying commits could share a WAL flush: 8 connections committing
// one-row inserts made 6.6k commits/s without NOTIFY and 2.7k with it, and inline uploads on a
// schedule at 70 % of capacity had 0.54 backends waiting on that lock (bench/open-loop.ts).
//
// So a write commits without it, and then this process sends one NOTIFY of its own
// (outbox/notify_outbox: asynchronously committed, no flush to wait for), coalesced: while one is
// in flight, every commit meanwhile is covered by a single next one, sent after it (so after
// their commits: a processor it wakes sees their events). A wake-up that fails or is lost in a
// crash only delays the events to the processors' next poll (processor.ts pollIntervalMs).
import type { Sql } from '../db/client.ts';
import { run } from '../db/client.ts';
import { statement } from '../db/sql-files.ts';

/** Runs `send` once per call, except that calls while one runs share a single next run. */
export class CoalescedSend {
  private inFlight = false;
  private again = false;

  /** `send` never rejects (it swallows its own failures) */
  constructor(private readonly send: () => Promise<void>) {}

  /** Asks for a send: now when idle, else once after the running one. */
  request(): void {
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.inFlight = true;
    void this.loop();
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      await this.send();
    } while (this.again);
    this.inFlight = false;
  }
}

/**
 * A wake-up for listeners of `notifyStatement` (a NOTIFY in a transaction of its own), sent after
 * commits on a pool and coalesced per pool. Its failures are swallowed: the listeners poll, and
 * take at their next poll what a lost wake-up would have told them.
 */
export function afterCommitWakeUp(notifyStatement: string): (db: Sql) => void {
  const wakeUps = new WeakMap<Sql, CoalescedSend>();
  return (db) => {
    let wakeUp = wakeUps.get(db);
    if (!wakeUp) {
      wakeUp = new CoalescedSend(async () => {
        try {
          await run(db, notifyStatement, []);
        } catch {
          // polled instead
        }
      });
      wakeUps.set(db, wakeUp);
    }
    wakeUp.request();
  };
}

/** Wakes the outbox processors for events `db` just committed (coalesced per pool). */
export const wakeOutboxAfterCommit = afterCommitWakeUp(statement('outbox/notify_outbox'));
