// Group commit for queued batches: jobs that are active at the same time in one worker process
// are written together — one transaction, one COPY, one upsert — while each request still gets
// its own claim check, deletes, watermark bump, outbox event and stored reply.
//
// Lock order: the requests of a group are locked in ascending user id, one request per user per
// group (two requests of one user would share keys in one upsert, and each needs its own seq);
// the inline path takes a single user lock, so no cycle can form.
//
// Isolation: one request whose rows the database refuses fails the group's one transaction. The
// group is then written again one request per transaction, so only that request fails (and its
// job alone spends an attempt). Savepoints per request would not help: the group's rows go in
// one COPY and one upsert, and per-request statements would give up the group commit. The
// re-run costs nothing until a group fails. A database that is unavailable fails every request
// at once instead: writing them one by one could not succeed either.
import type { Sql, Tx } from '../db/client.ts';
import { databaseUnavailable } from '../db/errors.ts';
import { dedupeSamplesByKey } from '../domain/sample-rules.ts';
import type { NormalizedSample } from '../domain/types.ts';
import { finishBatch, type PreparedBatch, type StoredReply } from '../ingest/apply-batch.ts';
import { softDeleteSamples, upsertSamples, type WrittenSample } from '../ingest/queries.ts';
import { lockRequestForWrite, type RequestAttempt } from './queries.ts';
import { upsertStagedGroup, type StagedRequest } from './staged-upsert.ts';

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
  copyTimeoutMs?: number;
  /** 'copy' (default): one COPY + one upsert per group; 'unnest': the inline statement per request */
  writeMode?: 'copy' | 'unnest';
  /** told when a group failed and is written again one request per transaction */
  onGroupFailure?: (size: number, error: unknown) => void;
}

export class GroupWriter {
  private readonly pending: Pending[] = [];
  private running = 0;

  constructor(
    private readonly db: Sql,
    private readonly options: GroupWriterOptions,
  ) {}

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

  private writeGroup(group: Pending[]): Promise<GroupOutcome[]> {
    return this.db.begin(async (tx) => {
      const outcomes: GroupOutcome[] = group.map(() => ({ kind: 'superseded' }));
      // pipelined: the server still takes the locks one by one, in ascending user order
      const locked = await Promise.all(group.map((entry) => lockRequestForWrite(tx, entry.attempt)));
      const owned: { index: number; rows: NormalizedSample[] }[] = [];
      for (const [index, entry] of group.entries()) {
        if (locked[index]) owned.push({ index, rows: dedupeSamplesByKey(entry.batch.valid) });
      }
      const staged = owned.map(({ index, rows }) => ({
        userId: group[index]!.batch.userId,
        receivedAt: group[index]!.batch.receivedAt,
        rows,
      }));
      const written =
        this.options.writeMode === 'unnest'
          ? await upsertEach(tx, staged)
          : await upsertStagedGroup(tx, staged, this.options.copyTimeoutMs);
      // deletes after the upsert, then the completions; each step pipelined across the group
      const deleted = await Promise.all(
        owned.map(({ index }) => {
          const batch = group[index]!.batch;
          return batch.deleteRefs.length > 0 ? softDeleteSamples(tx, batch.userId, batch.receivedAt, batch.deleteRefs) : [];
        }),
      );
      const replies = await Promise.all(
        owned.map(({ index, rows }, i) => {
          const batch = group[index]!.batch;
          return finishBatch(tx, batch, rows, written.get(batch.userId) ?? [], deleted[i]!);
        }),
      );
      owned.forEach(({ index }, i) => (outcomes[index] = { kind: 'completed', reply: replies[i]! }));
      return outcomes;
    }) as Promise<GroupOutcome[]>;
  }
}

/** The multi-row (unnest) alternative to the COPY group write, kept for comparison benchmarks. */
async function upsertEach(tx: Tx, requests: readonly StagedRequest[]): Promise<Map<string, WrittenSample[]>> {
  const byUser = new Map<string, WrittenSample[]>();
  for (const request of requests) {
    byUser.set(request.userId, request.rows.length > 0 ? await upsertSamples(tx, request.userId, request.receivedAt, request.rows) : []);
  }
  return byUser;
}
