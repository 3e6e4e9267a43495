// The delivery worker: sends recorded webhook deliveries (CONTRACT §11), in `start` and
// `start:worker` (in a thread of its own: delivery-thread.ts), never in `start:api`.
//
// Lanes: a lane is one (endpoint, user); its deliveries go out one at a time in seq order (the
// head must be delivered or given up before the next is sent), while lanes run side by side, so a
// slow or dead endpoint, or a user with a backlog, holds back only its own lanes. A claim
// (claim_lanes.sql) leases ready lanes with FOR UPDATE SKIP LOCKED, so worker processes share the
// work; a worker that dies mid-send leaves its leases to run out and the heads are sent again
// (at least once: receivers dedupe by webhook-id).
// Bounds: at most `concurrency` requests in flight, at most `endpointConcurrency` per endpoint
// (enforced in the claim), each with the sender's 15 s deadline.
// After an attempt, its record and the lane's re-timing (finish_attempts.sql) join the batch of
// attempts that finish while the previous batch is being recorded: one transaction per batch, not
// one statement per attempt (a lane is in at most one attempt, so a batch has each lane once).
// Delivered → the next head is ready at once; failed → the same head waits for
// the retry schedule (domain/webhook-retry.ts), past its end the delivery is `failed` and the lane
// moves on; an endpoint failing for 5 days is disabled and its lanes parked.
// Wake-ups: NOTIFY health_webhooks after every outbox commit that records deliveries (wake-up.ts); an attempt finishing
// whose lane's next head is due now; a slot freeing while slots were full; and a poll every pollIntervalMs (retries coming due, leases
// running out, missed notifications).
// Shutdown: close() stops claiming and waits for the attempts in flight (bounded); an attempt cut
// off there is sent again by whichever worker takes its lane after the lease.
import type { Sql } from '../db/client.ts';
import { DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS, DISABLE_FAILING_ENDPOINT_AFTER_MS } from '../domain/webhooks/retry.ts';
import { safeErrorMessage, type Logger } from '../log.ts';
import {
  claimLanes,
  finishAttempts,
  lockLane,
  parkEndpointLanes,
  releaseLane,
  WEBHOOKS_CHANNEL,
  type AttemptOutcome,
  type ClaimedLane,
  type FinishedAttempt,
} from './queries.ts';
import { attemptResult, outcomeOf, signedRequest, type DeliveryObservation } from './delivery-attempt.ts';
import type { SecretBox } from './secret-box.ts';
import type { Sender } from './sender.ts';
import { settleWithin } from '../bounded.ts';
import { SECOND, WEBHOOK_DRAIN_MS, WEBHOOK_LEASE_MS } from '../limits.ts';


/** How long a notification waits for others before the claim it triggers (a few ms of lag). */
const NOTIFY_COALESCE_MS = 5;

export interface DeliveryWorkerOptions {
  db: Sql;
  /** claims run here when given: a pool with synchronous commits (see delivery-service.ts) */
  claimDb?: Sql;
  log: Logger;
  secrets: SecretBox;
  sender: Sender;
  /** requests in flight at once */
  concurrency?: number;
  /** requests in flight at once per endpoint */
  endpointConcurrency?: number;
  retrySchedule?: readonly number[];
  disableAfterMs?: number;
  /** how long a claim keeps a lane from other workers; above the sender's deadline */
  leaseMs?: number;
  pollIntervalMs?: number;
  /** false: no LISTEN, polling only */
  listen?: boolean;
  /** the clock (ms) for timestamps, retries and claims; default: Date.now and the database's now() */
  clock?: () => number;
  observe?: (observation: DeliveryObservation) => void;
}

interface InFlight {
  endpointId: string;
  done: Promise<void>;
}

/** An attempt waiting to be recorded; `settle` gets whether its lane is worth claiming at once. */
interface ToRecord {
  attempt: FinishedAttempt;
  settle: (laneReady: boolean) => void;
}

const RECORD_TRIES = 6;

export class DeliveryWorker {
  private readonly db: Sql;
  private readonly claimDb: Sql;
  private readonly log: Logger;
  private readonly secrets: SecretBox;
  private readonly sender: Sender;
  private readonly concurrency: number;
  private readonly endpointConcurrency: number;
  private readonly retrySchedule: readonly number[];
  private readonly disableAfterMs: number;
  private readonly leaseMs: number;
  private readonly pollIntervalMs: number;
  private readonly listenEnabled: boolean;
  private readonly clock: (() => number) | undefined;
  private readonly observe: (observation: DeliveryObservation) => void;

  private readonly inFlight = new Set<InFlight>();
  private stopping = false;
  private woken = false;
  private wakeTimer: ReturnType<typeof setTimeout> | null = null;
  /** the last claim took as many lanes as it asked for: more may be ready */
  private lastClaimFilled = false;
  private resumeIdle: (() => void) | null = null;
  private pump: Promise<void> | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private toRecord: ToRecord[] = [];
  private recording = false;

  constructor(options: DeliveryWorkerOptions) {
    this.db = options.db;
    this.claimDb = options.claimDb ?? options.db;
    this.log = options.log;
    this.secrets = options.secrets;
    this.sender = options.sender;
    this.concurrency = options.concurrency ?? 32;
    this.endpointConcurrency = Math.min(options.endpointConcurrency ?? 8, this.concurrency);
    this.retrySchedule = options.retrySchedule ?? DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS;
    this.disableAfterMs = options.disableAfterMs ?? DISABLE_FAILING_ENDPOINT_AFTER_MS;
    this.leaseMs = options.leaseMs ?? WEBHOOK_LEASE_MS;
    this.pollIntervalMs = options.pollIntervalMs ?? 1 * SECOND;
    this.listenEnabled = options.listen ?? true;
    this.clock = options.clock;
    this.observe = options.observe ?? (() => {});
  }

  async start(): Promise<void> {
    if (this.pump) return;
    if (this.listenEnabled) {
      try {
        const listener = await this.db.listen(WEBHOOKS_CHANNEL, () => this.wakeSoon(), () => this.wake());
        this.unlisten = () => listener.unlisten();
      } catch (error) {
        this.log.warn({ err: error }, 'webhooks: LISTEN failed, polling only');
      }
    }
    this.pump = this.run();
  }

  /** Stops claiming, waits for the attempts in flight (at most timeoutMs), stops listening. */
  async close(timeoutMs = WEBHOOK_DRAIN_MS): Promise<void> {
    this.stopping = true;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wake();
    await settleWithin(Promise.all([this.pump, ...[...this.inFlight].map((task) => task.done)]), timeoutMs);
    await this.unlisten?.().catch(() => {});
    this.unlisten = null;
  }

  wake(): void {
    this.woken = true;
    this.resumeIdle?.();
  }

  /**
   * A notification or a lane made ready: wakes the loop after NOTIFY_COALESCE_MS, so the
   * notifications of the outbox's lanes committing side by side, and the lanes of attempts
   * finishing together, are answered by one claim (and one WAL flush), not one each.
   */
  private wakeSoon(): void {
    if (this.wakeTimer) return;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = null;
      this.wake();
    }, NOTIFY_COALESCE_MS);
  }

  /** One claim, then every attempt it started, awaited; returns the lanes claimed (tests, tools). */
  async runOnce(): Promise<number> {
    const started = await this.claimAndStart();
    await Promise.all(started.map((task) => task.done));
    return started.length;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      this.woken = false;
      let claimed = 0;
      try {
        claimed = (await this.claimAndStart()).length;
        failures = 0;
      } catch (error) {
        failures += 1;
        this.log.warn({ err: error, failures }, 'webhooks: claim failed');
      }
      if (this.stopping) break;
      if (failures > 0) await this.idle(Math.min(this.pollIntervalMs * 2 ** (failures - 1), 30 * SECOND));
      else if (this.lastClaimFilled && this.inFlight.size < this.concurrency) continue; // more may be ready
      else if (!this.woken) await this.idle(this.pollIntervalMs);
    }
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.resumeIdle?.(), ms);
      this.resumeIdle = () => {
        clearTimeout(timer);
        this.resumeIdle = null;
        resolve();
      };
    });
  }

  private async claimAndStart(): Promise<InFlight[]> {
    const spare = this.concurrency - this.inFlight.size;
    this.lastClaimFilled = false;
    if (spare <= 0) return [];
    const perEndpoint = new Map<string, number>();
    for (const task of this.inFlight) perEndpoint.set(task.endpointId, (perEndpoint.get(task.endpointId) ?? 0) + 1);
    const full: string[] = [];
    const partial: { endpointId: string; spare: number }[] = [];
    for (const [endpointId, count] of perEndpoint) {
      if (count >= this.endpointConcurrency) full.push(endpointId);
      else partial.push({ endpointId, spare: this.endpointConcurrency - count });
    }
    const lanes = await claimLanes(this.claimDb, {
      limit: spare,
      leaseMs: this.leaseMs,
      now: this.clock ? new Date(this.clock()) : null,
      fullEndpoints: full,
      perEndpoint: this.endpointConcurrency,
      partial,
    });
    this.lastClaimFilled = lanes.length >= spare;
    return lanes.map((lane) => {
      const task: InFlight = { endpointId: lane.endpoint_id, done: Promise.resolve() };
      task.done = this.attempt(lane)
        .catch((error: unknown) => {
          this.log.error({ err: error, endpointId: lane.endpoint_id }, 'webhooks: attempt bookkeeping failed');
          return false;
        })
        .then((ready) => {
          // a slot that frees while all were taken, or this endpoint's were, may let waiting lanes in;
          // after NOTIFY_COALESCE_MS, so the lanes of the attempts finishing together share a claim
          // (each claim is a synchronous commit: see delivery-service.ts)
          const wasFull = this.inFlight.size >= this.concurrency || this.inFlightOf(lane.endpoint_id) >= this.endpointConcurrency;
          this.inFlight.delete(task);
          if (ready || wasFull) this.wakeSoon();
        });
      this.inFlight.add(task);
      return task;
    });
  }

  private inFlightOf(endpointId: string): number {
    let count = 0;
    for (const task of this.inFlight) if (task.endpointId === endpointId) count++;
    return count;
  }

  private nowMs(): number {
    return this.clock ? this.clock() : Date.now();
  }

  private async attempt(lane: ClaimedLane): Promise<boolean> {
    if (lane.delivery_id === null) {
      // its head was finished between the claim's snapshot and its lock: just re-time the lane
      return this.finish(lane, null);
    }
    const attemptedAtMs = this.nowMs();
    const request = signedRequest(lane, this.secrets, attemptedAtMs);
    const result = 'error' in request ? { statusCode: null, error: request.error, durationMs: 0 } : await this.sender.send(lane.url, request.headers, request.body);
    const outcome = outcomeOf(lane, result, attemptedAtMs, this.retrySchedule, this.disableAfterMs);
    this.observe({ kind: 'attempt', result: attemptResult(result, outcome.outcome === 'delivered') });
    return this.finish(lane, outcome);
  }

  /** Returns whether the lane is worth claiming again at once. */
  private async finish(lane: ClaimedLane, outcome: AttemptOutcome | null): Promise<boolean> {
    if (outcome) {
      return new Promise<boolean>((settle) => {
        this.toRecord.push({ attempt: { ...outcome, endpointId: lane.endpoint_id, userId: lane.user_id, laneVersion: lane.version }, settle });
        if (!this.recording) void this.recordLoop();
      });
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.begin(async (tx) => {
          await Promise.all([lockLane(tx, lane.endpoint_id, lane.user_id), releaseLane(tx, lane.endpoint_id, lane.user_id)]);
        });
        return true;
      } catch (error) {
        if (attempt >= RECORD_TRIES || this.stopping) {
          this.log.warn({ endpointId: lane.endpoint_id, error: safeErrorMessage(error) }, 'webhooks: lane not released; the lease runs out');
          return false;
        }
        await Bun.sleep(Math.min(250 * 2 ** attempt, 4 * SECOND));
      }
    }
  }

  /** Records the waiting attempts, a batch at a time, until none is waiting. */
  private async recordLoop(): Promise<void> {
    this.recording = true;
    try {
      while (this.toRecord.length > 0) {
        // each lane once per batch (a lane leased again after its lease ran out could have two)
        const lanes = new Set<string>();
        const batch: ToRecord[] = [];
        const later: ToRecord[] = [];
        for (const item of this.toRecord) {
          const key = `${item.attempt.endpointId}/${item.attempt.userId}`;
          if (lanes.has(key)) later.push(item);
          else {
            lanes.add(key);
            batch.push(item);
          }
        }
        this.toRecord = later;
        await this.recordBatch(batch);
      }
    } finally {
      this.recording = false;
    }
  }

  private async recordBatch(batch: readonly ToRecord[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const rows = await finishAttempts(this.db, batch.map((item) => item.attempt));
        const byDelivery = new Map(rows.map((row) => [String(row.delivery_id), row]));
        const disabled = new Set<string>();
        for (const item of batch) {
          const row = byDelivery.get(String(item.attempt.deliveryId));
          if (row?.moved && item.attempt.outcome !== 'pending') this.observe({ kind: 'finished', outcome: item.attempt.outcome });
          if (row?.endpoint_disabled) disabled.add(item.attempt.endpointId);
        }
        for (const endpointId of disabled) await this.disabled(endpointId);
        for (const item of batch) item.settle(!disabled.has(item.attempt.endpointId) && (byDelivery.get(String(item.attempt.deliveryId))?.lane_ready ?? false));
        return;
      } catch (error) {
        if (attempt >= RECORD_TRIES || this.stopping) {
          this.log.warn({ attempts: batch.length, error: safeErrorMessage(error) }, 'webhooks: attempts not recorded; their leases run out and they are sent again');
          for (const item of batch) item.settle(false);
          return;
        }
        await Bun.sleep(Math.min(250 * 2 ** attempt, 4 * SECOND));
      }
    }
  }

  /** An endpoint this worker's attempts disabled: its lanes parked (retried with the batch if it fails). */
  private async disabled(endpointId: string): Promise<void> {
    await parkEndpointLanes(this.db, endpointId);
    this.observe({ kind: 'endpoint_disabled' });
    this.log.warn({ endpointId }, 'webhooks: endpoint disabled after failing for too long');
  }
}
