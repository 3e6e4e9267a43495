// What the outbox feeds: the processor knows sinks only through this interface; which sinks
// exist is decided in start/outbox-service.ts (the projections now, signed webhooks next).
import type { Tx } from '../db/client.ts';
import type { OutboxEvent } from '../domain/outbox-event.ts';

/**
 * A consumer of committed outbox events. Delivery is at-least-once: an event can arrive again
 * (its processor died before marking it, or a later sink of its group failed), late, or before
 * an older one, so a sink recomputes or deduplicates — it never counts.
 *
 * handle() gets the claimed events of one user (ascending seq, types it does not handle
 * included: it skips them) and runs in transactions it opens itself on the outbox's pool. When
 * `finish` is given, the sink calls it exactly once, inside the last transaction it commits and
 * after everything it wrote there: `finish` marks the events processed, so the sink's own rows
 * of that transaction (say, a webhook's pending deliveries) commit together with the mark, or
 * neither does. The processor passes `finish` to the last registered sink only.
 *
 * Inside its transactions a sink may read the samples, write its own tables and take its own
 * locks (a per-user checkpoint row, advisory locks of its own namespace). It must not call
 * anything remote while a transaction is open (deliver over the network from its own rows,
 * afterwards), nor wait on the write path's locks (the user's ingest lock): a slow sink must not
 * hold back uploads. A sink that throws fails the group; every sink then sees those events again,
 * one by one.
 */
export interface EventSink {
  /** names the sink in logs; unique among the registered sinks */
  readonly name: string;
  handle(userId: string, events: readonly OutboxEvent[], finish?: (tx: Tx) => Promise<unknown>): Promise<void>;
}
