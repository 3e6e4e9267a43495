// The outbox processor: takes committed `outbox_events` to the sinks it was given (event-sink.ts).
//
// Delivery: at-least-once. A claim (claim_events.sql) takes due events with FOR UPDATE SKIP
// LOCKED and leases them (available_at moves ahead), so processors running at once take
// disjoint events; an event whose processor dies before marking it is claimed again when the
// lease runs out and applied again — sinks recompute or deduplicate, so a repeat changes nothing.
// A claim takes the oldest due events and the later due ones of their users (a user's backlog is
// applied in one go: each touched cell recomputed once). Per claimed batch: events are grouped by user; each group goes to every sink in turn, and is
// marked processed in the last sink's last transaction; a group that
// fails is retried event by event so one bad event does not hold back its neighbours. Failed
// events go back to pending with a backoff, or become dead letters after the last attempt
// (GET /admin/outbox/dead, replay with POST /admin/outbox/dead/replay).
//
// Lanes: `lanes` claim loops run side by side (SKIP LOCKED keeps their batches apart), so an
// event that commits while one lane is busy is taken by an idle one at once instead of waiting
// for the busy lane's round to end (the lag figures are in the README, bench/outbox-lag.ts).
//
// Wake-ups: every write that adds an event NOTIFYs health_outbox after its commit (wake-up.ts); the
// processor LISTENs and wakes one idle lane per notification; every lane also polls every
// pollIntervalMs (missed notifications, retries coming due, leases running out).
//
// Shutdown: close() stops claiming, lets the batches in flight finish (bounded), then unlistens.
import { settleWithin } from '../bounded.ts';
import type { Sql, Tx } from '../db/client.ts';
import { decideRetry, DEFAULT_RETRY_POLICY, type RetryPolicy } from '../domain/operations/outbox-retry.ts';
import { OUTBOX_DRAIN_MS, SECOND } from '../limits.ts';
import { safeErrorMessage, type Logger } from '../log.ts';
import type { OutboxEvent } from '../domain/outbox-event.ts';
import type { EventSink } from './event-sink.ts';
import { claimEvents, failEvents, markProcessed, OUTBOX_CHANNEL, type FailedAttempt } from './queries.ts';

export interface OutboxProcessorOptions {
  db: Sql;
  log: Logger;
  /** what the events go to, in this order; the last one marks them processed */
  sinks: readonly EventSink[];
  /** most of the oldest events per claim */
  batchSize?: number;
  /** most later events per claim of each user among the oldest (applied with theirs) */
  perUserBatchSize?: number;
  /** claim loops running side by side; also how many users one lane's batch applies at once */
  lanes?: number;
  /** how long a claim keeps an event from other processors */
  leaseMs?: number;
  /** a claim every this often even without a notification */
  pollIntervalMs?: number;
  retry?: RetryPolicy;
  /** false: no LISTEN, polling only */
  listen?: boolean;
}

export class OutboxProcessor {
  private readonly db: Sql;
  private readonly log: Logger;
  private readonly sinks: readonly EventSink[];
  private readonly batchSize: number;
  private readonly perUserBatchSize: number;
  private readonly lanes: number;
  private readonly leaseMs: number;
  private readonly pollIntervalMs: number;
  private readonly retry: RetryPolicy;
  private readonly listenEnabled: boolean;

  private stopping = false;
  /** a notification arrived while no lane was idle: the next lane to finish goes on */
  private missedWake = false;
  private readonly idleLanes: (() => void)[] = [];
  private lanesDone: Promise<unknown> | null = null;
  private unlisten: (() => Promise<void>) | null = null;

  constructor(options: OutboxProcessorOptions) {
    this.db = options.db;
    this.log = options.log;
    this.sinks = options.sinks;
    this.batchSize = options.batchSize ?? 100;
    this.perUserBatchSize = options.perUserBatchSize ?? 50;
    this.lanes = options.lanes ?? 4;
    this.leaseMs = options.leaseMs ?? 30 * SECOND;
    this.pollIntervalMs = options.pollIntervalMs ?? 1 * SECOND;
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.listenEnabled = options.listen ?? true;
  }

  /** Starts listening and the claim lanes. */
  async start(): Promise<void> {
    if (this.lanesDone) return;
    if (this.listenEnabled) {
      try {
        // (re)connecting also wakes a lane: notifications sent while disconnected are lost
        const listener = await this.db.listen(OUTBOX_CHANNEL, () => this.wake(), () => this.wake());
        this.unlisten = () => listener.unlisten();
      } catch (error) {
        this.log.warn({ err: error }, 'outbox: LISTEN failed, polling only');
      }
    }
    this.lanesDone = Promise.all(Array.from({ length: this.lanes }, () => this.lane()));
  }

  /** Stops claiming, waits for the batches in flight (at most timeoutMs), stops listening. */
  async close(timeoutMs = OUTBOX_DRAIN_MS): Promise<void> {
    this.stopping = true;
    for (const resume of this.idleLanes.splice(0)) resume();
    if (this.lanesDone) await settleWithin(this.lanesDone, timeoutMs);
    await this.unlisten?.().catch(() => {});
    this.unlisten = null;
  }

  /** Wakes one idle lane now (a notification, or a caller that knows events are waiting). */
  wake(): void {
    const resume = this.idleLanes.shift();
    if (resume) resume();
    else this.missedWake = true;
  }

  private async lane(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      let claimed = 0;
      try {
        claimed = await this.runOnce();
        failures = 0;
      } catch (error) {
        failures += 1;
        this.log.warn({ err: error, failures }, 'outbox: claim or bookkeeping failed');
      }
      if (this.stopping) break;
      if (failures > 0) {
        await this.idle(Math.min(this.pollIntervalMs * 2 ** (failures - 1), 30 * SECOND));
      } else if (claimed >= this.batchSize) {
        this.wake(); // more are waiting: bring in another lane too
      } else if (this.missedWake) {
        this.missedWake = false;
      } else {
        await this.idle(this.pollIntervalMs);
      }
    }
  }

  /** Waits until woken or `ms` passed. */
  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const resume = () => {
        clearTimeout(timer);
        const at = this.idleLanes.indexOf(resume);
        if (at >= 0) this.idleLanes.splice(at, 1);
        resolve();
      };
      const timer = setTimeout(resume, ms);
      this.idleLanes.push(resume);
    });
  }

  /**
   * One claim → apply → mark round; returns how many events it claimed. Exposed for tests and
   * tools that drive the processor step by step.
   */
  async runOnce(): Promise<number> {
    const claimed = await claimEvents(this.db, this.batchSize, this.leaseMs, this.perUserBatchSize);
    if (claimed.length === 0) return 0;
    const failed: FailedAttempt[] = [];
    const fail = (event: OutboxEvent, error: unknown) => {
      const decision = decideRetry(event.attempts, this.retry);
      const message = safeErrorMessage(error);
      failed.push({
        id: event.id,
        attempts: event.attempts,
        dead: decision.dead,
        retryAfterMs: decision.dead ? 0 : decision.retryAfterMs,
        error: message.slice(0, 2000),
      });
      const fields = { eventId: event.id, userId: event.userId, seq: event.seq, attempts: event.attempts, error: message };
      if (decision.dead) this.log.error(fields, 'outbox: event is a dead letter');
      else this.log.warn({ ...fields, retryAfterMs: decision.retryAfterMs }, 'outbox: event failed, will retry');
    };

    const groups = new Map<string, OutboxEvent[]>();
    for (const event of claimed) {
      if (event.attempts > this.retry.maxAttempts) {
        // claimed again and again without ever finishing: its processor keeps dying on it
        fail(event, new Error(`claimed ${event.attempts} times without finishing`));
        continue;
      }
      const group = groups.get(event.userId);
      if (group) group.push(event);
      else groups.set(event.userId, [event]);
    }

    // groups run side by side (bounded by the pool), so one lane that claimed a backlog of many
    // users does not apply them one after the other while the other lanes idle
    await forEachLimited([...groups.entries()], this.lanes, async ([userId, events]) => {
      try {
        await this.handOver(userId, events);
      } catch (groupError) {
        if (events.length === 1) return fail(events[0]!, groupError);
        for (const event of events) {
          try {
            await this.handOver(userId, [event]);
          } catch (error) {
            fail(event, error);
          }
        }
      }
    });

    if (failed.length > 0) await failEvents(this.db, failed);
    return claimed.length;
  }

  /** One user's events to every sink in turn; marked processed in the last sink's transaction. */
  private async handOver(userId: string, events: readonly OutboxEvent[]): Promise<void> {
    const ids = events.map((event) => event.id);
    const finish = (tx: Tx) => markProcessed(tx, ids);
    if (this.sinks.length === 0) {
      await this.db.begin(finish);
      return;
    }
    for (const [index, sink] of this.sinks.entries()) {
      await sink.handle(userId, events, index === this.sinks.length - 1 ? finish : undefined);
    }
  }
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(workers);
}
