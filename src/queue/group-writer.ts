// Group commit for queued batches: jobs that are active at the same time in one worker process
// are written together by the write core (ingest/write-group.ts) — one transaction, the rows of
// every request by its own unnest upsert, all sent at once (ingest/sample-writes.ts
// unnestRowsPerPart; COPY → staging → one upsert, ingest/staged-upsert.ts, cost PostgreSQL more per
// sample) — while each request still gets its own lease check, deletes, watermark bump, outbox
// event and stored reply. This file only batches: which pending requests form a group.
//
// Lock order: the requests of a group are locked in ascending user id, one request per user per
// group (two requests of one user would share keys in one upsert, and each needs its own seq);
// the inline path takes a single user lock, so no cycle can form.
//
// Isolation: one request whose rows the database refuses fails the group's one transaction. The
// group is then written again one request per transaction, so only that request fails (and its
// job alone spends an attempt). Savepoints per request would not help: the group's statements go
// out together in one round trip, and a savepoint per request would cost one each. The
// re-run costs nothing until a group fails. A database that is unavailable fails every request
// at once instead: writing them one by one could not succeed either.
import type { Sql } from '../db/client.ts';
import { databaseUnavailable } from '../db/errors.ts';
import { uploadPart, type PreparedBatch, type StoredReply } from '../ingest/finish-batch.ts';
import { unnestRowsPerPart, type SampleRowWriter } from '../ingest/sample-writes.ts';
import { writeGroup } from '../ingest/write-group.ts';
import { lockRequestForWrite, type RequestAttempt } from '../requests/queries.ts';

export type GroupOutcome = { kind: 'completed'; reply: StoredReply } | { kind: 'superseded' };

interface Pending {
  attempt: RequestAttempt;
  batch: PreparedBatch;
  resolve(outcome: GroupOutcome): void;
  reject(error: unknown): void;
}

export interface GroupWriterOptions {
  /** most requests written in one transaction */
  maxGroupSize: number;
  /** groups written at once (each on its own connection) */
  maxConcurrentGroups: number;
  /** how the rows are written (default: an unnest upsert per request; the benches compare COPY) */
  rows?: SampleRowWriter;
  /** told when a group failed and is written again one request per transaction */
  onGroupFailure?: (size: number, error: unknown) => void;
}

export class GroupWriter {
  private readonly pending: Pending[] = [];
  private running = 0;
  private readonly rows: SampleRowWriter;

  constructor(
    private readonly db: Sql,
    private readonly options: GroupWriterOptions,
  ) {
    this.rows = options.rows ?? unnestRowsPerPart;
  }

  write(attempt: RequestAttempt, batch: PreparedBatch): Promise<GroupOutcome> {
    return new Promise((resolve, reject) => {
      this.pending.push({ attempt, batch, resolve, reject });
      // let jobs that became active in the same tick join the group
      setImmediate(() => this.pump());
    });
  }

  private pump(): void {
    while (this.running < this.options.maxConcurrentGroups && this.pending.length > 0) {
      const group = this.takeGroup();
      this.running++;
      this.writeIsolated(group).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  /** Writes the group; when that fails, each of its requests alone (see the header). Never rejects. */
  private async writeIsolated(group: Pending[]): Promise<void> {
    try {
      const outcomes = await this.writeGroup(group);
      group.forEach((entry, i) => entry.resolve(outcomes[i]!));
      return;
    } catch (error) {
      if (group.length === 1 || databaseUnavailable(error)) {
        for (const entry of group) entry.reject(error);
        return;
      }
      this.options.onGroupFailure?.(group.length, error);
    }
    for (const entry of group) {
      try {
        entry.resolve((await this.writeGroup([entry]))[0]!);
      } catch (error) {
        entry.reject(error);
      }
    }
  }

  /** Up to maxGroupSize pending requests, at most one per user, oldest first. */
  private takeGroup(): Pending[] {
    const users = new Set<string>();
    const group: Pending[] = [];
    for (let i = 0; i < this.pending.length && group.length < this.options.maxGroupSize; ) {
      const entry = this.pending[i]!;
      if (users.has(entry.attempt.userId)) {
        i++;
        continue;
      }
      users.add(entry.attempt.userId);
      group.push(entry);
      this.pending.splice(i, 1);
    }
    return group.sort((a, b) => (a.attempt.userId < b.attempt.userId ? -1 : a.attempt.userId > b.attempt.userId ? 1 : 0));
  }

  /** The group's requests in one transaction, each writing only while its attempt holds the lease. */
  private async writeGroup(group: Pending[]): Promise<GroupOutcome[]> {
    const parts = group.map((entry) => uploadPart(entry.batch, (tx) => lockRequestForWrite(tx, entry.attempt)));
    const outcomes = await writeGroup(this.db, parts, this.rows);
    // fenced by an erasure: the erasure deletes the request row too, so the job has nothing to do
    return outcomes.map((outcome) => (outcome.kind === 'written' ? { kind: 'completed', reply: outcome.result } : { kind: 'superseded' }));
  }
}
