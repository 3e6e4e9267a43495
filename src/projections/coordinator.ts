// The projection coordinator: the outbox sink (outbox/event-sink.ts) that routes a user's events
// to every registered projection.
//
// A projection is a read model with a name, the event types it handles and an idempotent apply.
// One transaction per user's events, for every projection: lock the user's checkpoints (one per
// projection), apply the handled events of each projection, record every event's seq in each
// checkpoint (handled or not: seqs are the user's, and the checkpoint must be able to pass them).
// The locks serialize applies of one user, and each apply reads the samples after taking them, so
// every read model converges on the latest state whatever the order or repetition of events
// (at-least-once delivery). One transaction, not one per projection: a backfill's events come
// one by one, and each transaction's lock, check, checkpoint update and commit cost PostgreSQL
// more than many an apply (bench/outbox-cost.ts). A failing projection rolls back the others'
// applies of the same events; the retry applies them again.
import type { Sql, Tx } from '../db/client.ts';
import { advanceCheckpoint, sameCheckpoint, type Checkpoint } from '../domain/summaries/projection-checkpoint.ts';
import type { OutboxEvent } from '../domain/outbox-event.ts';
import type { EventSink } from '../outbox/event-sink.ts';
import { countLiveEvents, lockCheckpoints, saveCheckpoints } from './queries.ts';

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
   * Applies events of one user to every projection, in one transaction; throws when one of them
   * fails. `finish` (the outbox's "mark processed") runs in that transaction, so the applies and
   * the mark commit together.
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
    const committed: (() => void)[] = [];
    try {
      await this.db.begin((tx) => this.applyAll(tx, userId, ordered, ids, finish, committed));
    } catch (error) {
      // the user's events were erased while they waited: nothing of them may be written
      if (error instanceof EventsErased) return;
      throw error;
    }
    for (const run of committed) run();
  }

  private async applyAll(
    tx: Tx,
    userId: string,
    ordered: readonly OutboxEvent[],
    ids: readonly number[],
    finish: ((tx: Tx) => Promise<unknown>) | undefined,
    committed: (() => void)[],
  ): Promise<void> {
    // pipelined on the transaction's connection: the locks first, the check that the events
    // still exist (an erasure deletes them), the projections' reads right behind, then the
    // checkpoint update. The server runs them in that order, and each statement takes its
    // snapshot when it starts, so the reads see every apply that committed before the locks
    // were granted.
    const names = this.projections.map((projection) => projection.name);
    const locked = names.length > 0 ? lockCheckpoints(tx, userId, names) : Promise.resolve(new Map<string, Checkpoint>());
    const live = countLiveEvents(tx, ids);
    const applied = this.projections.map((projection) => {
      const handled = ordered.filter((event) => projection.eventTypes.includes(event.type));
      if (handled.length === 0) return Promise.resolve();
      const apply = projection.apply(tx, userId, handled, (run) => committed.push(run));
      apply.catch(() => {}); // awaited below; its error is the transaction's if the lock fails first
      return apply;
    });
    live.catch(() => {});
    const checkpoints = await locked;
    if ((await live) < ids.length) throw new EventsErased();
    const moved = new Map<string, Checkpoint>();
    for (const [name, checkpoint] of checkpoints) {
      const next = advanceCheckpoint(checkpoint, ordered.map((event) => event.seq));
      if (!sameCheckpoint(checkpoint, next)) moved.set(name, next);
    }
    const saved = moved.size > 0 ? saveCheckpoints(tx, userId, moved) : undefined;
    const finished = finish ? finish(tx) : undefined;
    await Promise.all([...applied, saved, finished]);
  }
}

/** The events of an apply no longer exist: their user's data is being erased (rolls the apply back). */
class EventsErased extends Error {}
