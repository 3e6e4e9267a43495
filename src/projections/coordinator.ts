// The projection coordinator: the outbox sink (outbox/event-sink.ts) that routes a user's events
// to every registered projection.
//
// A projection is a read model with a name, the event types it handles and an idempotent apply.
// For each projection, one transaction: lock the (user, projection) checkpoint, apply the
// handled events, record every event's seq in the checkpoint (handled or not: seqs are the
// user's, and the checkpoint must be able to pass them). The lock serializes applies of one user
// per projection, and each apply reads the samples after taking it, so the read model converges
// on the latest state whatever the order or repetition of events (at-least-once delivery).
import type { Sql, Tx } from '../db/client.ts';
import { advanceCheckpoint, sameCheckpoint } from '../domain/summaries/projection-checkpoint.ts';
import type { OutboxEvent } from '../domain/outbox-event.ts';
import type { EventSink } from '../outbox/event-sink.ts';
import { countLiveEvents, lockCheckpoint, saveCheckpoint } from './queries.ts';

export interface Projection {
  readonly name: string;
  readonly eventTypes: readonly string[];
  /**
   * Brings the read model up to date for these events of one user (ascending seq), inside a
   * transaction that holds the user's checkpoint lock. May run again for the same events: it
   * must recompute, not increment. `afterCommit` registers what to run once the transaction has
   * committed (a wake-up of those who read what it wrote; never run when it rolls back).
   */
  apply(tx: Tx, userId: string, events: readonly OutboxEvent[], afterCommit: (run: () => void) => void): Promise<void>;
}

export class ProjectionCoordinator implements EventSink {
  readonly name = 'projections';
  readonly projections: readonly Projection[];

  constructor(
    private readonly db: Sql,
    projections: readonly Projection[],
  ) {
    const names = new Set<string>();
    for (const projection of projections) {
      if (names.has(projection.name)) throw new Error(`two projections are named ${projection.name}`);
      names.add(projection.name);
    }
    this.projections = projections;
  }

  /**
   * Applies events of one user to every projection; throws when one of them fails. `finish`
   * (the outbox's "mark processed") runs in the last projection's transaction, so with one
   * projection the apply and the mark commit together.
   */
  async handle(
    userId: string,
    events: readonly OutboxEvent[],
    finish?: (tx: Tx) => Promise<unknown>,
  ): Promise<void> {
    if (events.some((event) => event.userId !== userId)) throw new Error('events of several users in one apply');
    const ordered = [...events].sort((a, b) => a.seq - b.seq);
    // distinct: a batch may hold an event twice (at-least-once)
    const ids = [...new Set(ordered.map((event) => event.id))];
    if (this.projections.length === 0 && finish) await this.db.begin((tx) => finish(tx));
    try {
      for (const [index, projection] of this.projections.entries()) {
        const last = index === this.projections.length - 1;
        const committed: (() => void)[] = [];
        await this.db.begin((tx) => this.applyOne(tx, projection, userId, ordered, ids, last ? finish : undefined, committed));
        for (const run of committed) run();
      }
    } catch (error) {
      // the user's events were erased while they waited: nothing of them may be written
      if (error instanceof EventsErased) return;
      throw error;
    }
  }

  private async applyOne(
    tx: Tx,
    projection: Projection,
    userId: string,
    ordered: readonly OutboxEvent[],
    ids: readonly number[],
    finish: ((tx: Tx) => Promise<unknown>) | undefined,
    committed: (() => void)[],
  ): Promise<void> {
    // pipelined on the transaction's connection: the lock first, the check that the events
    // still exist (an erasure deletes them), the projection's reads right behind, then the
    // checkpoint update. The server runs them in that order, and each statement takes its
    // snapshot when it starts, so the reads see every apply that committed before the lock
    // was granted.
    const locked = lockCheckpoint(tx, userId, projection.name);
    const live = countLiveEvents(tx, ids);
    const handled = ordered.filter((event) => projection.eventTypes.includes(event.type));
    const applied = handled.length > 0 ? projection.apply(tx, userId, handled, (run) => committed.push(run)) : Promise.resolve();
    applied.catch(() => {}); // awaited below; its error is the transaction's if the lock fails first
    live.catch(() => {});
    const checkpoint = await locked;
    if ((await live) < ids.length) throw new EventsErased();
    const next = advanceCheckpoint(checkpoint, ordered.map((event) => event.seq));
    const saved = sameCheckpoint(checkpoint, next) ? undefined : saveCheckpoint(tx, userId, projection.name, next);
    const finished = finish ? finish(tx) : undefined;
    await Promise.all([applied, saved, finished]);
  }
}

/** The events of an apply no longer exist: their user's data is being erased (rolls the apply back). */
class EventsErased extends Error {}
