// Waking the delivery workers after the outbox commits deliveries (webhook-sink.ts), the way the
// outbox processors are woken after a write commits (outbox/wake-up.ts, which says why not inside
// the transaction): one NOTIFY of its own, coalesced per pool, sent after the commits it covers.
// A wake-up that fails only delays the deliveries to the workers' next poll.
import type { Sql } from '../db/client.ts';
import { run } from '../db/client.ts';
import { statement } from '../db/sql-files.ts';
import { CoalescedSend } from '../outbox/wake-up.ts';

const WAKE_WORKERS = statement('webhooks/wake_workers');

const wakeUps = new WeakMap<Sql, CoalescedSend>();

/** Wakes the delivery workers for deliveries `db` just committed (coalesced per pool). */
export function wakeWorkersAfterCommit(db: Sql): void {
  let wakeUp = wakeUps.get(db);
  if (!wakeUp) {
    wakeUp = new CoalescedSend(async () => {
      try {
        await run(db, WAKE_WORKERS, []);
      } catch {
        // the workers poll: the deliveries are claimed at the next poll instead
      }
    });
    wakeUps.set(db, wakeUp);
  }
  wakeUp.request();
}
