// The outbox processor: takes committed `outbox_events` to the projections.
//
// Delivery: at-least-once. A claim (claim_events.sql) takes due events with FOR UPDATE SKIP
// LOCKED and leases them (available_at moves ahead), so processors running at once take
// disjoint events; an event whose processor dies before marking it is claimed again when the
// lease runs out and applied again — projections recompute, so a repeat changes nothing.
// Per claimed batch: events are grouped by user; each group is one apply per projection
// (coordinator.ts); a group that fails is retried event by event so one bad event does not hold
// back its neighbours. Then applied events are marked processed, failed ones go back to pending
// with a backoff, or become dead letters after the last attempt (GET /admin/outbox/dead, replay
// with POST /admin/outbox/dead/replay).
//
// Wake-ups: every write transaction that adds an event NOTIFYs health_outbox at commit; the
// processor LISTENs and runs at once, and polls every pollIntervalMs anyway (missed
// notifications, retries coming due, leases running out).
//
// Shutdown: stop() stops claiming, lets the batch in flight finish (bounded), then unlistens.
import type { Sql } from '../db/client.ts';
import { decideRetry, DEFAULT_RETRY_POLICY, type RetryPolicy } from '../domain/outbox-retry.ts';
import type { Logger } from '../log.ts';
import type { ProjectionCoordinator } from '../projections/coordinator.ts';
import { claimEvents, failEvents, markProcessed, OUTBOX_CHANNEL, type FailedAttempt, type OutboxEvent } from './queries.ts';

const SECOND = 1000;

export interface OutboxProcessorOptions {
  db: Sql;
  log: Logger;
  coordinator: ProjectionCoordinator;
  /** most events per claim */
  batchSize?: number;
  /** users applied at once within a batch (each holds one connection) */
  concurrency?: number;
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
  private readonly coordinator: ProjectionCoordinator;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly pollIntervalMs: number;
  private readonly retry: RetryPolicy;
  private readonly listenEnabled: boolean;

  private stopping = false;
  private woken = false;
  private wakeWaiter: (() => void) | null = null;
  private loopDone: Promise<void> | null = null;
  private unlisten: (() => Promise<void>) | null = null;

  constructor(options: OutboxProcessorOptions) {
    this.db = options.db;
    this.log = options.log;
    this.coordinator = options.coordinator;
    this.batchSize = options.batchSize ?? 100;
    this.concurrency = options.concurrency ?? 4;
    this.leaseMs = options.leaseMs ?? 30 * SECOND;
    this.pollIntervalMs = options.pollIntervalMs ?? 1 * SECOND;
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.listenEnabled = options.listen ?? true;
  }

  /** Starts listening and the claim loop; resolves once the loop runs. */
  async start(): Promise<void> {
    if (this.loopDone) return;
    if (this.listenEnabled) {
      try {
        // (re)connecting also wakes the loop: notifications sent while disconnected are lost
        const listener = await this.db.listen(OUTBOX_CHANNEL, () => this.wake(), () => this.wake());
        this.unlisten = () => listener.unlisten();
      } catch (error) {
        this.log.warn({ err: error }, 'outbox: LISTEN failed, polling only');
      }
    }
    this.loopDone = this.loop();
  }

  /** Stops claiming, waits for the batch in flight (at most timeoutMs), stops listening. */
  async close(timeoutMs = 10 * SECOND): Promise<void> {
    this.stopping = true;
    this.wake();
    if (this.loopDone) await Promise.race([this.loopDone, Bun.sleep(timeoutMs)]);
    await this.unlisten?.().catch(() => {});
    this.unlisten = null;
  }

  /** Wakes the loop now (a notification, or a caller that knows events are waiting). */
  wake(): void {
    this.woken = true;
    this.wakeWaiter?.();
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      this.woken = false;
      let claimed = 0;
      try {
        claimed = await this.runOnce();
        failures = 0;
      } catch (error) {
        failures += 1;
        this.log.warn({ err: error, failures }, 'outbox: claim or bookkeeping failed');
      }
      if (this.stopping) break;
      if (failures > 0) await this.sleep(Math.min(this.pollIntervalMs * 2 ** (failures - 1), 30 * SECOND));
      else if (claimed < this.batchSize && !this.woken) await this.sleep(this.pollIntervalMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeWaiter = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeWaiter = done;
    });
  }

  /**
   * One claim → apply → mark round; returns how many events it claimed. Exposed for tests and
   * tools that drive the processor step by step.
   */
  async runOnce(): Promise<number> {
    const claimed = await claimEvents(this.db, this.batchSize, this.leaseMs);
    if (claimed.length === 0) return 0;
    const applied: number[] = [];
    const failed: FailedAttempt[] = [];
    const fail = (event: OutboxEvent, error: unknown) => {
      const decision = decideRetry(event.attempts, this.retry);
      const message = error instanceof Error ? error.message : String(error);
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

    await forEachLimited([...groups.entries()], this.concurrency, async ([userId, events]) => {
      try {
        await this.coordinator.applyUserEvents(userId, events);
        for (const event of events) applied.push(event.id);
      } catch (groupError) {
        if (events.length === 1) return fail(events[0]!, groupError);
        for (const event of events) {
          try {
            await this.coordinator.applyUserEvents(userId, [event]);
            applied.push(event.id);
          } catch (error) {
            fail(event, error);
          }
        }
      }
    });

    await Promise.all([
      applied.length > 0 ? markProcessed(this.db, applied) : undefined,
      failed.length > 0 ? failEvents(this.db, failed) : undefined,
    ]);
    return claimed.length;
  }
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}
