// One user's concurrent inline uploads, written together. Every write transaction of a user takes
// the user's advisory lock first, so one user's uploads commit one after another however many
// arrive at once, and each held the lock for its whole transaction: its round trips to this
// process, the event loop's wait behind other requests' JSON work, the commit's flush. One user's
// backfill through the SDK had 6 of its 7 running backends waiting on that lock and reached 0.66
// of the same samples spread over 50 users (bench/one-user-backfill.ts).
//
// So while an upload of a user is being written, the user's next uploads wait here and then go
// together in one transaction (write-group.ts writeSequence): each part written as its own
// transaction would write it, in receipt order (its own seq, event and stored reply; later parts
// see earlier parts' rows and tombstones), one round trip per part, one commit for all. Nothing
// waits that would not have waited on the lock anyway: a user with nothing in flight is written
// at once, alone, as before.
// A group that fails, or finds one of its requests taken (a duplicate in flight), is rolled back
// whole, and its uploads are then written one by one, so one upload's trouble is never another's.

export interface UserWriteLimits {
  /** uploads in one transaction */
  parts: number;
  /** their samples and delete refs together (a long transaction holds the lock longer for the next) */
  items: number;
}

interface Waiting<B, O> {
  batch: B;
  resolve(outcome: O): void;
  reject(error: unknown): void;
}

export class UserWriteQueue<B extends { userId: string; receivedAt: Date }, O> {
  /** a user is present while one of their writes runs; the list holds the uploads waiting for it */
  private readonly busy = new Map<string, Waiting<B, O>[]>();

  constructor(
    private readonly writeOne: (batch: B) => Promise<O>,
    /** the batches in one transaction, in order; null when it was rolled back and each must go alone */
    private readonly writeTogether: (batches: B[]) => Promise<O[] | null>,
    private readonly itemsOf: (batch: B) => number,
    private readonly limits: UserWriteLimits,
  ) {}

  write(batch: B): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      const entry = { batch, resolve, reject };
      const waiting = this.busy.get(batch.userId);
      if (waiting) {
        waiting.push(entry);
        return;
      }
      this.busy.set(batch.userId, []);
      void this.drain(batch.userId, [entry]);
    });
  }

  /** Uploads waiting for a user's write right now (for tests and metrics). */
  waitingFor(userId: string): number {
    return this.busy.get(userId)?.length ?? 0;
  }

  private async drain(userId: string, first: Waiting<B, O>[]): Promise<void> {
    let group = first;
    while (group.length > 0) {
      await this.writeGroup(group);
      group = this.takeGroup(this.busy.get(userId)!);
    }
    this.busy.delete(userId);
  }

  /** The next group from the front of the waiting list, within the limits (at least one). */
  private takeGroup(waiting: Waiting<B, O>[]): Waiting<B, O>[] {
    let items = 0;
    let count = 0;
    while (count < waiting.length && count < this.limits.parts) {
      const size = this.itemsOf(waiting[count]!.batch);
      if (count > 0 && items + size > this.limits.items) break;
      items += size;
      count++;
    }
    // receipt order: uploads reach this queue after their bodies are read and checked, which
    // can reorder two that arrived close together
    return waiting.splice(0, count).sort((a, b) => a.batch.receivedAt.getTime() - b.batch.receivedAt.getTime());
  }

  private async writeGroup(group: Waiting<B, O>[]): Promise<void> {
    if (group.length > 1) {
      let outcomes: O[] | null = null;
      try {
        outcomes = await this.writeTogether(group.map((entry) => entry.batch));
      } catch {
        outcomes = null; // written one by one below: each gets its own outcome or error
      }
      if (outcomes) {
        group.forEach((entry, i) => entry.resolve(outcomes[i]!));
        return;
      }
    }
    for (const entry of group) {
      try {
        entry.resolve(await this.writeOne(entry.batch));
      } catch (error) {
        entry.reject(error);
      }
    }
  }
}
